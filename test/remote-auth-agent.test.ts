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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devSettings } from '../desktop/src/cli/dev-idp-command.js'
import type { ClientPage } from '../desktop/src/demo/dev-idp-approve.js'
import { readAgentAudit, stopAgent } from './helpers/agent-session.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy } from './helpers/governed.js'
import { startDevIdp, type DevIdp } from './helpers/idp.js'
import { missingKeyringTools, startKeyring, startPrivateBus, type PrivateBus, type PrivateKeyring } from './helpers/keyring.js'
import { startBearerServer, type BearerServer } from './helpers/bearer-server.js'

const missing = missingKeyringTools()
const skip = missing.length > 0 && process.env['MCP_WARDEN_REQUIRE_KEYCHAIN'] !== '1'
const title = skip ? `a server with its own authorization server, through the agent (skipped: ${missing.join(', ')} not installed; see .ci/with-keyring.sh)` : 'a server with its own authorization server, through the agent'
if (skip) console.warn(title)

/** ERR_SIGNED_OUT on the wire (shared/src/errors.ts). */
const SIGNED_OUT = -31903
const POLICY = testPolicy(`rules:
  - id: engineers-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [wiki]
    tools: [echo]
`)

interface ToolResult {
  content: { type: string; text?: string }[]
  isError?: boolean
}

let bus: PrivateBus
let keyring: PrivateKeyring
let orgIdp: DevIdp
let serverAs: DevIdp
let wiki: BearerServer
let dir: string
let env: Record<string, string>

/** A host that launched the proxy in agent mode in front of the wiki server; it calls `echo` once. */
async function echoThroughProxy(message: string): Promise<ToolResult> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'proxy', '--config', join(dir, 'proxy.yaml'), '--log-level', 'warn', '--name', 'wiki', '--url', wiki.url],
    env,
    stderr: 'inherit',
  })
  const client = new Client({ name: 'warden-remote-e2e', version: '1.0.0' }, { capabilities: {} })
  await client.connect(transport)
  try {
    return (await client.callTool({ name: 'echo', arguments: { message } })) as ToolResult
  } finally {
    await client.close()
  }
}

/** Runs a CLI verb that may show a sign-in address; the person signs in at it as `accountId` (over HTTP). */
async function cliWithBrowser(args: readonly string[], idp: DevIdp, accountId: string): Promise<{ code: number | null; stdout: string; page: ClientPage | undefined }> {
  // No xdg-open on this PATH: the CLI prints the address, as it does on a machine without a desktop.
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, PATH: dirname(process.execPath) }, stdio: ['ignore', 'pipe', 'inherit'] })
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
    bus = await startPrivateBus()
    keyring = await startKeyring(bus)
    orgIdp = await startDevIdp()
    serverAs = await startDevIdp({ registration: true, deviceFlow: false })
    dir = await mkdtemp(join(tmpdir(), 'warden-remote-auth-'))
    wiki = await startBearerServer(serverAs.issuer, join(dir, 'wiki.jsonl'), 'protected-resource')
    await mkdir(join(dir, 'config'))
    await writeFile(join(dir, 'settings.yaml'), `${devSettings(orgIdp.issuer, orgIdp.clientId)}upstreams:\n  wiki: { url: "${wiki.url}", auth: server }\n`)
    await writeFile(join(dir, 'policy.yaml'), POLICY)
    await writeFile(join(dir, 'proxy.yaml'), 'agent: {}\npolicy: { file: ./policy.yaml }\n')
    env = {
      ...(bus.env as Record<string, string>),
      MCP_WARDEN_DEV_SETTINGS: join(dir, 'settings.yaml'),
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_CONFIG_HOME: join(dir, 'config'),
    }
    // The person signs in to the organisation first (their identity for policy and audit).
    const child = spawn(process.execPath, [CLI, 'login', '--device'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let approved: Promise<void> | undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const code = /enter the code:\s+(\S+)/.exec(out)?.[1]
      if (code !== undefined && approved === undefined) approved = orgIdp.approveDevice(code, 'alice')
    })
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0)
    await approved
  })

  afterAll(async () => {
    if (env !== undefined) await stopAgent(env['XDG_RUNTIME_DIR']!)
    await wiki?.stop()
    await serverAs?.close()
    await orgIdp?.close()
    await keyring?.stop()
    await bus?.stop()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
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
    const audit = await readAgentAudit(join(dir, 'state', 'mcp-warden', 'audit'))
    expect(audit.filter((r) => r.method === 'tools/call' && r.kind === 'decision').map((r) => [r.decision, r.identity?.email])).toContainEqual(['allow', 'alice@example.com'])
  })

  it('logout --server revokes the server\'s refresh token and the next call is refused with what to do', async () => {
    const result = await runNode([CLI, 'logout', '--server', 'wiki'], env)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Signed out of wiki. Its refresh token was revoked at its authorization server')
    await expect(echoThroughProxy('after logout')).rejects.toMatchObject({ code: SIGNED_OUT, message: expect.stringContaining('mcp-warden login --server wiki') })
    expect((await wiki.entries()).filter((entry) => entry.tool === 'echo')).toHaveLength(1)
    const unknown = await runNode([CLI, 'login', '--server', 'nope'], env)
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('No server "nope" is in your settings\' upstreams. Servers with their own authorization server: wiki.')
  })
})
