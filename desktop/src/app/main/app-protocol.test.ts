/**
 * desktop/src/app/main/app-protocol.test.ts — the `app://warden/` file handler against real files in a temp dir,
 * with the Request objects `protocol.handle` passes; includes the ways out of the directory a page could try.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, createAppFileHandler } from './app-protocol.js'

let dir: string
let serve: (request: Request) => Promise<Response>

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'warden-protocol-'))
  const root = path.join(dir, 'renderer')
  await mkdir(path.join(root, 'assets'), { recursive: true })
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>MCP Warden</title>')
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)')
  await writeFile(path.join(dir, 'secret.txt'), 'token=abc')
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'))
  serve = createAppFileHandler(root)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('createAppFileHandler', () => {
  it('serves index.html for the root, with the CSP header and a content type', async () => {
    const response = await serve(new Request('app://warden/'))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('<!doctype html><title>MCP Warden</title>')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('serves a script from a subdirectory', async () => {
    const response = await serve(new Request('app://warden/assets/app.js'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await response.text()).toBe('console.log(1)')
  })

  it.each([
    ['a missing file', 'app://warden/nope.js'],
    ['a dot-dot path (normalised by the URL parser to the root)', 'app://warden/../secret.txt'],
    ['an encoded dot-dot', 'app://warden/%2e%2e/secret.txt'],
    ['an encoded slash', 'app://warden/..%2fsecret.txt'],
    ['an encoded backslash', 'app://warden/..%5csecret.txt'],
    ['a NUL byte', 'app://warden/index.html%00.js'],
    ['a symlink leading out of the directory', 'app://warden/link.txt'],
    ['another host', 'app://other/index.html'],
    ['a malformed escape', 'app://warden/%E0%A4%A'],
  ])('answers 404 for %s, without the file', async (_name, url) => {
    const response = await serve(new Request(url))
    expect(response.status).toBe(404)
    expect(await response.text()).toBe('')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('answers 405 to anything but GET and HEAD', async () => {
    expect((await serve(new Request('app://warden/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
    const head = await serve(new Request('app://warden/index.html', { method: 'HEAD' }))
    expect(head.status).toBe(200)
  })

  it('refuses a relative root', () => {
    expect(() => createAppFileHandler('dist/app/renderer')).toThrow('createAppFileHandler: rootDir must be an absolute path, got "dist/app/renderer"')
  })
})
