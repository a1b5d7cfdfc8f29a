/**
 * test/helpers/signed-in-world.ts — the setting the end-to-end tests of the signed-in agent share: a private D-Bus
 * bus with an unlocked gnome-keyring, the development IdP, and a temporary directory with settings.yaml (the
 * development override), a policy and proxy.yaml in agent mode; the environment that points the CLI at them; and a
 * host (the SDK's Client) that launches `mcp-warden proxy` in front of an upstream. Needs the keyring tools
 * (`.ci/with-keyring.sh` / CI): `keyringSuite` names the suite and says when it is skipped.
 *
 * @example
 * const { skip, title } = keyringSuite('approvals through the agent')
 * describe.skipIf(skip)(title, () => {
 *   beforeAll(async () => { world = await startSignedInWorld({ prefix: 'warden-approvals-', policy: POLICY }) })
 *   afterAll(() => world?.stop())
 *   it('…', async () => {
 *     expect((await world.login('alice')).code).toBe(0)
 *     const host = await connectProxy(world, { name: 'everything', upstream: EVERYTHING })
 *     expect((await echo(host, 'hi')).content[0]?.text).toBe('Echo: hi')
 *   })
 * })
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { AuditRecord } from '../../shared/src/index.js'
import { devSettings } from '../../desktop/src/cli/dev-idp-command.js'
import { loginWithDeviceCode, readAgentAudit, stopAgent } from './agent-session.js'
import { CLI, EVERYTHING_SERVER } from './cli.js'
import type { ToolResult } from './governed.js'
import { startDevIdp, type DevIdp } from './idp.js'
import { missingKeyringTools, startKeyring, startPrivateBus, type PrivateBus, type PrivateKeyring } from './keyring.js'

/**
 * Whether a suite that needs the keyring tools is skipped, and its title (which says why when it is). Skipped only
 * when a tool is missing and MCP_WARDEN_REQUIRE_KEYCHAIN is not 1; a skip is also reported with console.warn.
 */
export function keyringSuite(name: string): { skip: boolean; title: string } {
  const missing = missingKeyringTools()
  const skip = missing.length > 0 && process.env['MCP_WARDEN_REQUIRE_KEYCHAIN'] !== '1'
  const title = skip ? `${name} (skipped: ${missing.join(', ')} not installed; see .ci/with-keyring.sh)` : name
  if (skip) console.warn(title)
  return { skip, title }
}

/** What a test file adds to the world once the IdP and the directory exist (servers the settings point at). */
export interface WorldExtras {
  /** YAML appended to the development settings (`upstreams:`, `audit:`, …). */
  readonly settings?: string
  /** Variables added to the environment of every CLI process. */
  readonly env?: Readonly<Record<string, string>>
}

export interface SignedInWorldOptions {
  /** The temporary directory's name prefix. */
  readonly prefix: string
  /** The proxy's policy file's text. */
  readonly policy: string
  /** The policy file's name in the directory, which proxy.yaml names. Default: policy.yaml. */
  readonly policyFile?: string
  /** Variables added to the environment of every CLI process. */
  readonly env?: Readonly<Record<string, string>>
  /** Runs after the IdP and the directory exist and before any file is written; what it returns is added. */
  readonly prepare?: (context: { readonly idp: DevIdp; readonly dir: string }) => Promise<WorldExtras> | WorldExtras
}

export interface SignedInWorld {
  readonly bus: PrivateBus
  readonly keyring: PrivateKeyring
  readonly idp: DevIdp
  /** The temporary directory: settings.yaml, the policy, proxy.yaml, config/ and state/. */
  readonly dir: string
  /** The private bus's environment plus MCP_WARDEN_DEV_SETTINGS, XDG_STATE_HOME, XDG_CONFIG_HOME and the extras. */
  readonly env: Record<string, string>
  /** The agent's audit directory. */
  readonly auditDir: string
  /** Every record of the agent's audit log. */
  readAudit(): Promise<AuditRecord[]>
  /** `mcp-warden login --device` as `accountId`, approved at the IdP. */
  login(accountId: string): Promise<{ code: number | null; stdout: string }>
  /** Rewrites settings.yaml as the development settings followed by `extra`. */
  writeSettings(extra: string): Promise<void>
  /** Stops the agent, the IdP, the keyring and the bus, and removes the directory. */
  stop(): Promise<void>
}

/** Starts the bus, keyring and IdP and writes the directory; on a failure, stops what had started and rethrows. */
export async function startSignedInWorld(options: SignedInWorldOptions): Promise<SignedInWorld> {
  const parts: { bus?: PrivateBus; keyring?: PrivateKeyring; idp?: DevIdp; dir?: string; env?: Record<string, string> } = {}
  const stop = async (): Promise<void> => {
    if (parts.env !== undefined) await stopAgent(parts.env['XDG_RUNTIME_DIR']!)
    await parts.idp?.close()
    await parts.keyring?.stop()
    await parts.bus?.stop()
    if (parts.dir !== undefined) await rm(parts.dir, { recursive: true, force: true })
  }
  try {
    const bus = (parts.bus = await startPrivateBus())
    const keyring = (parts.keyring = await startKeyring(bus))
    const idp = (parts.idp = await startDevIdp())
    const dir = (parts.dir = await mkdtemp(join(tmpdir(), options.prefix)))
    const extras = (await options.prepare?.({ idp, dir })) ?? {}
    const policyFile = options.policyFile ?? 'policy.yaml'
    const writeSettings = (extra: string): Promise<void> => writeFile(join(dir, 'settings.yaml'), `${devSettings(idp.issuer, idp.clientId)}${extra}`)
    await mkdir(join(dir, 'config'))
    await writeSettings(extras.settings ?? '')
    await writeFile(join(dir, policyFile), options.policy)
    await writeFile(join(dir, 'proxy.yaml'), `agent: {}\npolicy: { file: ./${policyFile} }\n`)
    const env = (parts.env = {
      ...(bus.env as Record<string, string>),
      MCP_WARDEN_DEV_SETTINGS: join(dir, 'settings.yaml'),
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      ...options.env,
      ...extras.env,
    })
    const auditDir = join(dir, 'state', 'mcp-warden', 'audit')
    return {
      bus,
      keyring,
      idp,
      dir,
      env,
      auditDir,
      readAudit: () => readAgentAudit(auditDir),
      login: (accountId) => loginWithDeviceCode(env, idp, accountId),
      writeSettings,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** server-everything over stdio, the upstream most of these tests govern. */
export const EVERYTHING: ProxyUpstream = { command: [process.execPath, EVERYTHING_SERVER, 'stdio'] }

/** What the proxy stands in front of: a command it starts, or a Streamable HTTP server's URL. */
export type ProxyUpstream = { readonly command: readonly string[] } | { readonly url: string }

export interface ConnectProxyOptions {
  /** The server's name for policy and audit (`--name`). */
  readonly name: string
  readonly upstream: ProxyUpstream
  /** The proxy's `--log-level`. Default: warn. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug'
  /** The proxy's stderr: inherited (default), ignored, or piped to a reader that gets it before the host connects. */
  readonly stderr?: 'inherit' | 'ignore' | ((stream: Readable) => void)
  /** The host's client name. Default: warden-e2e. */
  readonly clientName?: string
}

/** A host (the SDK's Client, no capabilities) that launched `mcp-warden proxy --config <dir>/proxy.yaml` with `world.env`. */
export async function connectProxy(world: Pick<SignedInWorld, 'dir' | 'env'>, options: ConnectProxyOptions): Promise<Client> {
  const upstream = 'url' in options.upstream ? ['--url', options.upstream.url] : ['--', ...options.upstream.command]
  const stderr = options.stderr ?? 'inherit'
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'proxy', '--config', join(world.dir, 'proxy.yaml'), '--log-level', options.logLevel ?? 'warn', '--name', options.name, ...upstream],
    env: world.env,
    stderr: typeof stderr === 'function' ? 'pipe' : stderr,
  })
  if (typeof stderr === 'function') stderr(transport.stderr as Readable)
  const client = new Client({ name: options.clientName ?? 'warden-e2e', version: '1.0.0' }, { capabilities: {} })
  await client.connect(transport)
  return client
}

/** Calls server-everything's `echo` tool with `message`. */
export async function echo(client: Client, message: string): Promise<ToolResult> {
  return (await client.callTool({ name: 'echo', arguments: { message } })) as ToolResult
}
