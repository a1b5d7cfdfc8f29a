/**
 * desktop/src/agent/open-session.ts — the product's session, put together in one place for the agent and the
 * sign-in verbs: the settings in force (administrator, personal or development override), the OS keychain, and
 * openid-client.
 */
import { createKeytarSecretStore } from './secrets/keytar-secret-store.js'
import type { SecretStore } from './secrets/secret-store.js'
import { createOidcSession, type OidcSession } from './session/index.js'
import { loadOrgSettings, type LoadedOrgSettings } from '../settings/load-org-settings.js'

/** The keychain service every MCP Warden entry lives under. */
export const KEYCHAIN_SERVICE = 'dev.mcpwarden'

export interface OpenedSession {
  readonly session: OidcSession
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
  const session = createOidcSession({
    issuer: identity.issuer,
    clientId: identity.clientId,
    scopes: identity.scopes,
    allowInsecureLoopbackHttp: identity.allowInsecureLoopbackHttp,
    resourceParameter: identity.resourceParameter,
    // Some IdPs (oidc-provider, Okta) mint audience-bound tokens on refresh only for resources named at sign-in.
    resources: [...Object.values(upstreams ?? {}).map((upstream) => upstream.url), ...(loaded.settings.policy?.url === undefined ? [] : [loaded.settings.policy.url])],
    secrets,
  })
  return { session, secrets, loaded }
}
