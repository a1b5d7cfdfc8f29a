/**
 * test/packaging.test.ts — electron-builder packs the desktop app (Linux `dir` layout) against a stub Electron
 * distribution, since Electron's binary cannot be downloaded here: a directory holding only an executable named
 * `electron`, which is all the `dir` target needs. The test then reads the produced app.asar: the workspace packages
 * and the compiled app are inside, development tools are not, and keytar's native module sits in app.asar.unpacked.
 * Needs the build (`npm test` builds first). Takes ~15–60 s.
 */
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { extractFile, listPackage, statFile } from '@electron/asar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = mkdtempSync(path.join(tmpdir(), 'warden-packaging-'))
const appOut = path.join(work, 'out', 'linux-unpacked')
const asar = path.join(appOut, 'resources', 'app.asar')
let files: Set<string>

beforeAll(async () => {
  const stub = path.join(work, 'electron-dist')
  mkdirSync(stub)
  writeFileSync(path.join(stub, 'electron'), '#!/bin/sh\necho "stub Electron: packaging test only" >&2\nexit 1\n')
  chmodSync(path.join(stub, 'electron'), 0o755)
  await promisify(execFile)(
    path.join(root, 'node_modules', '.bin', 'electron-builder'),
    ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${stub}`, `-c.directories.output=${path.join(work, 'out')}`],
    { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  )
  files = new Set(listPackage(asar, { isPack: false }).map((file) => file.split(path.sep).join('/')))
}, 180_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

describe('electron-builder --linux dir', () => {
  it('renames the Electron executable to the product executable', () => {
    expect(readdirSync(appOut).sort()).toEqual(['mcp-warden', 'resources'])
  })

  it('packs the desktop app: its package.json with the main entry, the compiled main, preload and CLI, and the assets', () => {
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { name: string; main: string }
    expect(manifest).toMatchObject({ name: '@mcp-warden/desktop', main: 'dist/app/main/main.js' })
    for (const file of ['/dist/app/main/main.js', '/dist/app/preload/preload.cjs', '/dist/cli/cli.js', '/bin/mcp-warden.js', '/assets/icon.png', '/assets/tray/ok.png']) {
      expect(files, file).toContain(file)
    }
  })

  it('packs the workspace packages @mcp-warden/core and @mcp-warden/sdk with their compiled code', () => {
    for (const name of ['core', 'sdk']) {
      const manifest = JSON.parse(extractFile(asar, `node_modules/@mcp-warden/${name}/package.json`).toString('utf8')) as { name: string }
      expect(manifest.name).toBe(`@mcp-warden/${name}`)
      expect(files).toContain(`/node_modules/@mcp-warden/${name}/dist/index.js`)
    }
  })

  it('leaves out development tools and type declarations', () => {
    for (const tool of ['electron', 'electron-builder', 'typescript', 'vitest', 'playwright-core', '@electron/asar']) {
      expect(files, tool).not.toContain(`/node_modules/${tool}`)
    }
    expect([...files].filter((file) => file.startsWith('/dist/') && file.endsWith('.d.ts'))).toEqual([])
  })

  it("puts keytar's native module in app.asar.unpacked, where it can be loaded", () => {
    const native = 'node_modules/keytar/build/Release/keytar.node'
    expect(statFile(asar, native)).toMatchObject({ unpacked: true })
    expect(existsSync(path.join(appOut, 'resources', 'app.asar.unpacked', native))).toBe(true)
  })
})
