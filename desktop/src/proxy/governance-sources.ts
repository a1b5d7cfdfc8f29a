/**
 * desktop/src/proxy/governance-sources.ts — where a proxy gets what must be one per user: the identity token, the
 * limit ledger, the audit log and the upstream's access token. Either from the user's agent (the product), or, for
 * headless use without an agent, from the environment and local files.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createFileAuditSink, createMemoryLimitStore, createTokenVerifier, type AuditSink, type CompiledPolicy, type LimitStore, type StandardPipelineOptions } from '@mcp-warden/core'
import type { UpstreamTokenSource } from '@mcp-warden/sdk'
import type { AgentClient } from '../agent/client/index.js'
import { defaultAuditSpoolDir } from '../agent/audit/audit-paths.js'
import { createRemoteAuditSink, createRemoteLimitStore, spawnDetachedAgent } from '../agent/client/index.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import { envUpstreamToken } from '../cli/proxy-upstream.js'
import type { Logger } from '../cli/logger.js'
import { describeSettings } from '../cli/settings-notes.js'
import type { AgentProxyConfig, HeadlessProxyConfig } from '../config/proxy-config.js'
import { loadOrgSettings } from '../settings/load-org-settings.js'
import { createAgentLink } from './agent-link.js'
import { agentPolicy, type LocalPolicy } from './agent-policy.js'

export interface GovernanceSources {
  readonly resolveToken: StandardPipelineOptions['resolveToken']
  readonly verifier: StandardPipelineOptions['verifier']
  readonly limitStore: LimitStore
  readonly audit: AuditSink
  readonly upstreamToken: UpstreamTokenSource
  /** For a stdio server listed in the settings' `upstreams`: a token issued for it, sent under `_meta` with the identity. */
  readonly identityMetaToken?: (() => Promise<string>) | undefined
  /** The agent's approvals queue, for calls a rule marks `ask` when the host cannot ask (agent mode only). */
  readonly approvals?: Pick<AgentClient, 'requestApproval'> | undefined
  /** The organisation's key for the keyed hashes of findings (settings `audit.findingHashKey`); headless: none. */
  readonly findingHashKey?: Uint8Array | undefined
  /**
   * The policy to enforce, given the proxy's own policy file: headless, that file; with the agent, the agent's
   * central policy (kept current in the background) unless the settings name none. `local` is undefined when
   * the proxy runs with its built-in configuration (agent mode only).
   */
  policy(local: LocalPolicy | undefined): Promise<CompiledPolicy | (() => CompiledPolicy)>
  close(): void
}

/** Headless: the ID token from a variable, limits in this process, the audit log in a file of its own. */
export function headlessSources(config: HeadlessProxyConfig, env: NodeJS.ProcessEnv, log: Logger): GovernanceSources {
  const token = env[config.identity.tokenEnv]
  if (token === undefined || token === '') {
    log.warn(`${config.identity.tokenEnv} is not set: every call will be refused until you sign in (mcp-warden login).`)
  }
  return {
    resolveToken: () => token,
    verifier: createTokenVerifier({
      issuer: config.identity.issuer,
      audience: config.identity.audience,
      clockToleranceSeconds: config.identity.clockToleranceSeconds,
    }),
    limitStore: createMemoryLimitStore(),
    audit: createFileAuditSink(config.audit.file),
    upstreamToken: envUpstreamToken(env, config.identity.upstreamTokenEnv),
    // The schema requires a policy file without the agent.
    policy: async (local) => local!.policy,
    close: () => undefined,
  }
}

/** What the agent needs of the environment it is started with; the host's variables for the server stay out. */
const AGENT_VARIABLES = /^(HOME|USER|LOGNAME|PATH|LANG|LC_[A-Z]+|TZ|TMPDIR|XDG_[A-Z_]+|DBUS_SESSION_BUS_ADDRESS|DISPLAY|WAYLAND_DISPLAY|MCP_WARDEN_[A-Z0-9_]+|ELECTRON_RUN_AS_NODE|NODE_EXTRA_CA_CERTS|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|APPDATA|LOCALAPPDATA|USERPROFILE|USERNAME|SystemRoot|SYSTEMROOT|ComSpec)$/

/**
 * The agent's environment. Hosts launch servers (and so proxies) with a minimal environment: on Linux the session
 * bus the keychain lives on is then found the way libdbus itself would, under the systemd runtime directory.
 */
export function agentEnvironment(env: NodeJS.ProcessEnv, uid: number = process.getuid?.() ?? -1, exists: (path: string) => boolean = existsSync): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([name]) => AGENT_VARIABLES.test(name)))
  const runtimeDir = `/run/user/${uid}`
  if (process.platform !== 'linux' || uid < 0 || !exists(runtimeDir)) return kept
  kept['XDG_RUNTIME_DIR'] ??= runtimeDir
  if (kept['DBUS_SESSION_BUS_ADDRESS'] === undefined && exists(`${runtimeDir}/bus`)) kept['DBUS_SESSION_BUS_ADDRESS'] = `unix:path=${runtimeDir}/bus`
  return kept
}

/** This CLI's launcher, to start `mcp-warden agent` with the same Node (or Electron's, with ELECTRON_RUN_AS_NODE). */
function launcherPath(): string {
  return fileURLToPath(new URL('../../bin/mcp-warden.js', import.meta.url))
}

export interface AgentSourcesOptions {
  readonly config: AgentProxyConfig
  readonly env: NodeJS.ProcessEnv
  readonly log: Logger
  readonly server: { readonly name: string; readonly upstreamUrl?: string | undefined }
  readonly version: string
}

/**
 * The agent's: its session's ID token (verified here against the organisation's IdP), its limit ledger and audit
 * log shared by every proxy of the user, and an access token bound to this proxy's HTTP upstream only.
 *
 * @example
 * const sources = await agentSources({ config, env: io.env, log, server: { name: 'files' }, version: VERSION })
 */
export async function agentSources(options: AgentSourcesOptions): Promise<GovernanceSources> {
  const loaded = await loadOrgSettings({ env: options.env })
  for (const note of describeSettings(loaded)) options.log.warn(note)
  const { identity, upstreams } = loaded.settings
  // A stdio server has no URL of its own; listed in `upstreams`, its URL names it as a resource (its token's audience).
  const stdioResource = options.server.upstreamUrl === undefined ? upstreams?.[options.server.name]?.url : undefined
  const link = createAgentLink({
    socketPath: options.config.agent.socket ?? agentSocketFor(options.env, loaded.settings),
    client: { name: 'mcp-warden proxy', version: options.version },
    server: { name: options.server.name, upstreamUrl: options.server.upstreamUrl ?? stdioResource },
    spawnAgent: () => spawnDetachedAgent(process.execPath, [launcherPath(), 'agent'], agentEnvironment(options.env)),
  })
  const agent = link.client
  let stopPolicy = (): void => undefined
  return {
    resolveToken: async () => (await agent.idToken()).token,
    // The agent's session hands out the ID token of our own client: issuer and audience come from the settings.
    verifier: createTokenVerifier({ issuer: identity.issuer, audience: identity.clientId }),
    limitStore: createRemoteLimitStore(agent),
    audit: createRemoteAuditSink(agent, { spoolDir: defaultAuditSpoolDir(options.env, process.platform) }),
    upstreamToken: async ({ url }) => (await agent.upstreamToken(url.href)).token,
    identityMetaToken: stdioResource === undefined ? undefined : async () => (await agent.upstreamToken(stdioResource)).token,
    approvals: agent,
    findingHashKey: loaded.settings.audit?.findingHashKey === undefined ? undefined : Buffer.from(loaded.settings.audit.findingHashKey, 'base64'),
    policy: async (local) => {
      const policy = await agentPolicy({ agent, local, log: options.log })
      stopPolicy = () => policy.close()
      return policy.current
    },
    close: () => {
      stopPolicy()
      link.close()
    },
  }
}
