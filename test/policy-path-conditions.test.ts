/**
 * `pathUnder` end to end: the built proxy in front of the published server-filesystem, whose own allowed directory
 * is wider than the policy's. A symlink inside the policy's directory that points to a sibling is followed by the
 * server (the target is inside its root), so only Warden's resolved check stands between the call and the file.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FILESYSTEM_SERVER } from './helpers/cli.js'
import { connectThroughProxy, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp, type ToolResult } from './helpers/governed.js'

let idp: TestIdp
let alice: SignedInUser
let root: string
let setup: ProxySetup

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  root = realpathSync(await mkdtemp(join(tmpdir(), 'warden-fs-paths-')))
  mkdirSync(join(root, 'docs'))
  mkdirSync(join(root, 'private'))
  writeFileSync(join(root, 'docs', 'note.txt'), 'public note')
  writeFileSync(join(root, 'private', 'secret.txt'), 'private text')
  symlinkSync(join(root, 'private'), join(root, 'docs', 'escape'))
  setup = await writeProxySetup(
    alice,
    testPolicy(`rules:
  - id: read-docs
    effect: allow
    subjects: { groups: [engineering] }
    servers: [files]
    tools: [read_text_file]
    when: { path: { pathUnder: "${join(root, 'docs')}" } }
`),
  )
})

afterAll(async () => {
  await setup.remove()
  await rm(root, { recursive: true, force: true })
  await idp.close()
})

describe('pathUnder through the proxy in front of server-filesystem', () => {
  it('reads a file under the allowed directory and refuses a symlink escape the server itself would follow', async () => {
    const { client } = await connectThroughProxy(setup, 'files', [FILESYSTEM_SERVER, root], { token: alice.idToken })
    try {
      const allowed = (await client.callTool({ name: 'read_text_file', arguments: { path: join(root, 'docs', 'note.txt') } })) as ToolResult
      expect(allowed.isError).not.toBe(true)
      expect(allowed.content[0]?.text).toBe('public note')

      const escape = (await client.callTool({ name: 'read_text_file', arguments: { path: join(root, 'docs', 'escape', 'secret.txt') } })) as ToolResult
      expect(escape).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_POLICY_DENIED' } } })
      expect(JSON.stringify(escape)).not.toContain('private text')

      const dotDot = (await client.callTool({ name: 'read_text_file', arguments: { path: `${join(root, 'docs')}/../private/secret.txt` } })) as ToolResult
      expect(dotDot).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_POLICY_DENIED' } } })
    } finally {
      await client.close()
    }
  })

  it('the same symlink read goes through when the policy allows the wider directory (the server follows it)', async () => {
    const wide = await writeProxySetup(
      alice,
      testPolicy(`rules:
  - { id: read-all, effect: allow, subjects: { groups: [engineering] }, servers: [files], tools: [read_text_file], when: { path: { pathUnder: "${root}" } } }
`),
    )
    const { client } = await connectThroughProxy(wide, 'files', [FILESYSTEM_SERVER, root], { token: alice.idToken })
    try {
      const read = (await client.callTool({ name: 'read_text_file', arguments: { path: join(root, 'docs', 'escape', 'secret.txt') } })) as ToolResult
      expect(read.isError).not.toBe(true)
      expect(read.content[0]?.text).toBe('private text')
    } finally {
      await client.close()
      await wide.remove()
    }
  })
})
