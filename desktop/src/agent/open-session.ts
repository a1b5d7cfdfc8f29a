/**
 * desktop/src/agent/open-session.ts — the product's session, put together in one place for the agent and the
 * sign-in verbs: the settings in force (administrator, personal or development override), the OS keychain, and
 * openid-client.
 */
import { createServerTokenSource, withServerTokens } from './remote-auth/index.js'
import { createKeytarSecretStore } from './secrets/keytar-secret-store.js'
import type { SecretStore } from './secrets/secret-store.js'
import type { AgentSession } from './session/agent-session.js'
import { createOidcSession, type OidcSession } from './session/index.js'
import { loadOrgSettings, type LoadedOrgSettings } from '../settings/load-org-settings.js'
import type { UpstreamSettings } from '../settings/org-settings.js'

/** The keychain service every MCP Warden entry lives under. */
export const KEYCHAIN_SERVICE = 'dev.mcpwarden'

export interface OpenedSession {
  /** The organisation's sign-in (`mcp-warden login|logout|status`). */
  readonly session: OidcSession
  /** What the agent serves: `session`, with the tokens of servers that have their own authorization server. */
  readonly agentSession: AgentSession
  /** The upstreams whose settings say `auth: server`, by name (`mcp-warden login --server NAME`). */
  readonly serverUpstreams: Readonly<Record<string, UpstreamSettings>>
  readonly secrets: SecretStore
  readonly loaded: LoadedOrgSettings
}

/**
 * Loads the settings and builds the session on the OS keychain. Rejects with ERR_CONFIG_INVALID when there are no
 * usable settings; nothing is asked of the keychain or the IdP until the session is used.
 *
 * @example
 * const { session, loaded } = await openSession(process.env)
 * console.log(await session.status(), loaded.source)
 */
export async function openSession(env: NodeJS.ProcessEnv): Promise<OpenedSession> {
  const loaded = await loadOrgSettings({ env })
  const { identity, upstreams } = loaded.settings
  const secrets = createKeytarSecretStore({ service: KEYCHAIN_SERVICE, env })
  const entries = Object.entries(upstreams ?? {})
  const serverUpstreams = Object.fromEntries(entries.filter(([, upstream]) => upstream.auth === 'server'))
  const session = createOidcSession({
    issuer: identity.issuer,
    clientId: identity.clientId,
    scopes: identity.scopes,
    allowInsecureLoopbackHttp: identity.allowInsecureLoopbackHttp,
    resourceParameter: identity.resourceParameter,
    // Some IdPs (oidc-provider, Okta) mint audience-bound tokens on refresh only for resources named at sign-in.
    // A server with its own authorization server is never asked of the organisation's IdP; the policy and audit URLs are.
    resources: [
      ...entries.filter(([, upstream]) => upstream.auth !== 'server').map(([, upstream]) => upstream.url),
      ...(loaded.settings.policy?.url === undefined ? [] : [loaded.settings.policy.url]),
      ...(loaded.settings.audit?.url === undefined ? [] : [loaded.settings.audit.url]),
    ],
    secrets,
  })
  const servers = createServerTokenSource({ servers: Object.fromEntries(Object.entries(serverUpstreams).map(([name, upstream]) => [name, upstream.url])), secrets })
  return { session, agentSession: withServerTokens(session, servers), serverUpstreams, secrets, loaded }
}
