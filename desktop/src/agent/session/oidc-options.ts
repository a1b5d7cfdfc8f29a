/**
 * desktop/src/agent/session/oidc-options.ts — the options of an OIDC session, checked up front (TypeError for
 * misuse, at the factory), and discovery of the IdP's configuration with openid-client.
 */
import * as client from 'openid-client'
import { systemClock, type Clock } from '@mcp-warden/core'
import type { SecretStore } from '../secrets/secret-store.js'

/**
 * How to ask the IdP for a token whose audience is one resource (see docs/identity-providers.md):
 * - `resource`: RFC 8707 `resource=<url>` (oidc-provider, Keycloak with resource indicators, Auth0's profile);
 * - `audience`: Auth0's `audience=<API identifier>`;
 * - `entra-scope`: Microsoft Entra v2, `scope=<App ID URI>/.default` (never send `resource` to Entra v2).
 */
export type ResourceParameter = 'resource' | 'audience' | 'entra-scope'

export interface OidcSessionOptions {
  /** The IdP's issuer identifier, exactly as its discovery document spells it (tenant-specific for Entra). */
  readonly issuer: string
  /** Warden's public (native) client id at this IdP. */
  readonly clientId: string
  /**
   * Only for IdPs that hand native apps a client secret that is not confidential and still require it at the
   * token endpoint (Google's Desktop client type). Sent with `client_secret_post`. Default: none (a public client).
   */
  readonly clientSecret?: string
  /** Must include `openid`; add `offline_access` where the IdP needs it for a refresh token. */
  readonly scopes: readonly string[]
  /** Allow an `http://` issuer on a loopback address (the development IdP). Default false. */
  readonly allowInsecureLoopbackHttp?: boolean
  /** Default `resource`. */
  readonly resourceParameter?: ResourceParameter
  /**
   * With `resource`: resources to name at sign-in (RFC 8707 §2.1). Some IdPs (oidc-provider) only issue a
   * token on refresh for a resource that the sign-in asked for. Default none.
   */
  readonly resources?: readonly string[]
  /**
   * Extra parameters for the browser sign-in's authorization request, for IdPs that need them: `prompt:
   * 'consent'` where `offline_access` is honoured only with it (OIDC Core §11, oidc-provider). The parameters
   * Warden sets itself cannot be given here. Default none.
   */
  readonly authorizationParameters?: Readonly<Record<string, string>>
  /**
   * Loopback ports for the browser sign-in's redirect, tried in order, for IdPs that match the redirect URI
   * exactly (Okta, Auth0): register `http://127.0.0.1:<port>/callback` for each. Default none: a port the OS
   * picks (RFC 8252 §7.3; Entra, Keycloak, Google, oidc-provider ignore the port).
   */
  readonly loopbackPorts?: readonly number[]
  readonly secrets: SecretStore
  /** Default the system clock; only `now()` is used. */
  readonly clock?: Clock
  /** openid-client `customFetch` for every request to the IdP (tests count token requests with it). */
  readonly fetch?: client.CustomFetch
  /** Tokens within this many seconds of expiry are renewed first. Default 60. */
  readonly refreshMarginSeconds?: number
}

/** The options with defaults applied. */
export interface CheckedOptions extends Required<Omit<OidcSessionOptions, 'fetch' | 'clientSecret'>> {
  readonly issuerUrl: URL
  readonly fetch: client.CustomFetch | undefined
  readonly clientSecret: string | undefined
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function checkIssuer(issuer: unknown, allowInsecure: boolean): URL {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw new TypeError('"issuer" must be an absolute URL')
  const url = new URL(issuer)
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && allowInsecure && LOOPBACK.has(url.hostname)) return url
  throw new TypeError('"issuer" must be an https URL (http only with allowInsecureLoopbackHttp, and only on a loopback address)')
}

/** `true` for an absolute URI without a fragment (RFC 8707 §2): `https://mcp.example.com/mcp`, `api://warden`. */
export function isResourceUri(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value) && !value.includes('#')
}

/** Set by the sign-in itself; an extra parameter must not replace them. */
const RESERVED_PARAMETERS = new Set(['client_id', 'response_type', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'resource'])

function checkAuthorizationParameters(parameters: unknown): Readonly<Record<string, string>> {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new TypeError('"authorizationParameters" must be an object of strings')
  }
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') throw new TypeError('"authorizationParameters" must be an object of strings')
    if (RESERVED_PARAMETERS.has(name)) throw new TypeError(`"authorizationParameters" must not set "${name}": MCP Warden sets it`)
  }
  return { ...(parameters as Record<string, string>) }
}

/** Applies defaults and throws TypeError with an exact message for any misuse. */
export function checkOptions(options: OidcSessionOptions): CheckedOptions {
  const { allowInsecureLoopbackHttp = false, resourceParameter = 'resource', resources = [], refreshMarginSeconds = 60 } = options
  const issuerUrl = checkIssuer(options.issuer, allowInsecureLoopbackHttp)
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('"clientId" must be a non-empty string')
  if (options.clientSecret !== undefined && (typeof options.clientSecret !== 'string' || options.clientSecret === '')) {
    throw new TypeError('"clientSecret" must be a non-empty string when given')
  }
  if (!Array.isArray(options.scopes) || !options.scopes.includes('openid') || !options.scopes.every((s) => typeof s === 'string' && /^\S+$/.test(s))) {
    throw new TypeError('"scopes" must be an array of scope names that includes "openid"')
  }
  if (!['resource', 'audience', 'entra-scope'].includes(resourceParameter)) {
    throw new TypeError('"resourceParameter" must be "resource", "audience" or "entra-scope"')
  }
  if (!Array.isArray(resources) || !resources.every(isResourceUri)) throw new TypeError('"resources" must be an array of absolute URIs')
  const authorizationParameters = checkAuthorizationParameters(options.authorizationParameters ?? {})
  const { loopbackPorts = [] } = options
  if (!Array.isArray(loopbackPorts) || !loopbackPorts.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
    throw new TypeError('"loopbackPorts" must be an array of port numbers from 1 to 65535')
  }
  if (typeof options.secrets?.get !== 'function') throw new TypeError('"secrets" must be a SecretStore')
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('"fetch" must be a function')
  if (!Number.isFinite(refreshMarginSeconds) || refreshMarginSeconds < 0) throw new TypeError('"refreshMarginSeconds" must be a non-negative number')
  return {
    issuer: options.issuer,
    issuerUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: [...options.scopes],
    allowInsecureLoopbackHttp,
    resourceParameter,
    resources: [...resources],
    authorizationParameters,
    loopbackPorts: [...loopbackPorts],
    secrets: options.secrets,
    clock: options.clock ?? systemClock,
    fetch: options.fetch,
    refreshMarginSeconds,
  }
}

/**
 * Discovers the IdP once and keeps the configuration (with ID token signature checks on); a failed discovery
 * is retried on the next call.
 *
 * @example
 * const configuration = createDiscovery(checked)
 * const config = await configuration()
 */
export function createDiscovery(options: CheckedOptions): () => Promise<client.Configuration> {
  let pending: Promise<client.Configuration> | undefined
  return () => {
    pending ??= client
      .discovery(options.issuerUrl, options.clientId, undefined, options.clientSecret === undefined ? client.None() : client.ClientSecretPost(options.clientSecret), {
        // ID token signatures are checked against the IdP's JWKS too, not only the claims: the user summary
        // and the token handed to proxies come from a verified token even over a loopback http issuer.
        execute: [client.enableNonRepudiationChecks, ...(options.issuerUrl.protocol === 'http:' ? [client.allowInsecureRequests] : [])],
        ...(options.fetch === undefined ? {} : { [client.customFetch]: options.fetch }),
      })
      .catch((error: unknown) => {
        pending = undefined
        throw error
      })
    return pending
  }
}
