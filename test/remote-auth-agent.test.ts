/**
 * An MCP server with its own authorization server, end to end with real parts: the organisation's development
 * IdP for the person's identity, a second one (with dynamic client registration) as the server's own
 * authorization server, the Streamable HTTP server that names it in its protected-resource metadata, a real
 * gnome-keyring on a private D-Bus bus, `mcp-warden login --server`, a proxy in agent mode, `logout --server`.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` / CI): skipped with a message without
 * them, and failing instead when MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClientPage } from '../desktop/src/demo/dev-idp-approve.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy, type ToolResult } from './helpers/governed.js'
import { startDevIdp, type DevIdp } from './helpers/idp.js'
import { startBearerServer, type BearerServer } from './helpers/bearer-server.js'
import { connectProxy, echo, keyringSuite, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const { skip, title } = keyringSuite('a server with its own authorization server, through the agent')

/** ERR_SIGNED_OUT on the wire (shared/src/errors.ts). */
const SIGNED_OUT = -31903
const POLICY = testPolicy(`rules:
  - id: engineers-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [wiki]
    tools: [echo]
`)

let world: SignedInWorld
let serverAs: DevIdp
let wiki: BearerServer

/** A host that launched the proxy in agent mode in front of the wiki server; it calls `echo` once. */
async function echoThroughProxy(message: string): Promise<ToolResult> {
  const client = await connectProxy(world, { name: 'wiki', upstream: { url: wiki.url }, clientName: 'warden-remote-e2e' })
  try {
    return await echo(client, message)
  } finally {
    await client.close()
  }
}

/** Runs a CLI verb that may show a sign-in address; the person signs in at it as `accountId` (over HTTP). */
async function cliWithBrowser(args: readonly string[], idp: DevIdp, accountId: string): Promise<{ code: number | null; stdout: string; page: ClientPage | undefined }> {
  // No xdg-open on this PATH: the CLI prints the address, as it does on a machine without a desktop.
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...world.env, PATH: dirname(process.execPath) }, stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  let page: Promise<ClientPage> | undefined
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    const url = /visit:\s+(\S+)/.exec(stdout)?.[1]
    if (url !== undefined && page === undefined) page = idp.authorize(url, { accountId })
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, stdout, page: await page }
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    world = await startSignedInWorld({
      prefix: 'warden-remote-auth-',
      policy: POLICY,
      prepare: async ({ dir }) => {
        serverAs = await startDevIdp({ registration: true, deviceFlow: false })
        wiki = await startBearerServer(serverAs.issuer, join(dir, 'wiki.jsonl'), 'protected-resource')
        return { settings: `upstreams:\n  wiki: { url: "${wiki.url}", auth: server }\n` }
      },
    })
    // The person signs in to the organisation first (their identity for policy and audit).
    expect((await world.login('alice')).code).toBe(0)
  })

  afterAll(async () => {
    await wiki?.stop()
    await serverAs?.close()
    await world?.stop()
  })

  it('refuses calls to the server before sign-in to it, saying which command signs in', async () => {
    // The proxy needs the server's token to open the session with it: the host's initialize is refused.
    await expect(echoThroughProxy('too early')).rejects.toMatchObject({ code: SIGNED_OUT, message: expect.stringContaining('mcp-warden login --server wiki') })
    expect((await wiki.entries()).filter((entry) => entry.tool === 'echo')).toEqual([])
  })

  it('login --server signs in at the server\'s own authorization server; the governed call carries its token', async () => {
    const result = await cliWithBrowser(['login', '--server', 'wiki'], serverAs, 'alice')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Signed in to wiki at ${serverAs.issuer}. Its tokens are kept in your keychain.`)
    expect(result.page?.html).toContain('signed in to wiki')
    expect(result.stdout).not.toMatch(/eyJ/)

    const allowed = await echoThroughProxy('governed')
    expect([allowed.isError ?? false, allowed.content[0]?.text]).toEqual([false, 'Echo: governed'])
    expect((await wiki.entries()).filter((entry) => entry.tool === 'echo')).toEqual([expect.objectContaining({ message: 'governed', sub: 'alice', aud: wiki.url })])
    const audit = await world.readAudit()
    expect(audit.filter((r) => r.method === 'tools/call' && r.kind === 'decision').map((r) => [r.decision, r.identity?.email])).toContainEqual(['allow', 'alice@example.com'])
  })

  it('logout --server revokes the server\'s refresh token and the next call is refused with what to do', async () => {
    const result = await runNode([CLI, 'logout', '--server', 'wiki'], world.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Signed out of wiki. Its refresh token was revoked at its authorization server')
    await expect(echoThroughProxy('after logout')).rejects.toMatchObject({ code: SIGNED_OUT, message: expect.stringContaining('mcp-warden login --server wiki') })
    expect((await wiki.entries()).filter((entry) => entry.tool === 'echo')).toHaveLength(1)
    const unknown = await runNode([CLI, 'login', '--server', 'nope'], world.env)
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('No server "nope" is in your settings\' upstreams. Servers with their own authorization server: wiki.')
  })
})
