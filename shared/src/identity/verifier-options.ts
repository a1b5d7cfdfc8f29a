/**
 * shared/src/identity/verifier-options.ts — the options of `createTokenVerifier`, checked once, up front.
 *
 * Misuse is a TypeError with an exact message (jose's habit). The algorithm allow-list is the main defence
 * against the classic JWT attacks: `alg: none` (RFC 8725 §2.1) and HMAC with a public key as the secret
 * (RFC 8725 §2.1, §3.1), so neither can be allowed at all, not even by configuration.
 */

/** The asymmetric JWS algorithms (RFC 7518 §3, RFC 8037) a verifier may be configured with. */
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
])

/** The algorithms accepted when none are configured: what common IdPs sign ID and access tokens with. */
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA']

/** Which claims carry the values that are not standardised across IdPs (see IDPS.md "Groups"). */
export interface ClaimsMapping {
  /** Claim holding the group names; default `groups`. */
  readonly groups?: string
  /** Claim holding the email address; default `email`. */
  readonly email?: string
}

/** Options of `createTokenVerifier`. */
export interface TokenVerifierOptions {
  /** The issuer, compared exactly with `iss` (OIDC Core §3.1.3.7) and with the discovery document. */
  readonly issuer: string
  /** Accepted `aud` values: the client id for ID tokens, the resource for access tokens. */
  readonly audience: string | readonly string[]
  /** Allowed JWS algorithms; default `DEFAULT_ALGORITHMS`. `none` and HS* are refused. */
  readonly algorithms?: readonly string[]
  /** Leeway for `exp`/`nbf`, for clock skew between this machine and the IdP; default 30. */
  readonly clockToleranceSeconds?: number
  /** The key set URL; default: `jwks_uri` from `${issuer}/.well-known/openid-configuration`. */
  readonly jwksUri?: string
  readonly claimsMapping?: ClaimsMapping
  /** The fetch used for discovery and the key set; default the global fetch. */
  readonly fetch?: typeof fetch
  /** Current time in milliseconds; default `Date.now`. For tests. */
  readonly now?: () => number
  /** How many verified tokens are remembered until they expire; default 1000, 0 turns the cache off. */
  readonly cacheSize?: number
}

/** The options with defaults applied. */
export interface ResolvedVerifierOptions {
  readonly issuer: string
  readonly audience: string | string[]
  readonly algorithms: string[]
  readonly clockToleranceSeconds: number
  readonly jwksUri: URL | undefined
  readonly groupsClaim: string
  readonly emailClaim: string
  readonly fetch: typeof fetch
  readonly now: () => number
  readonly cacheSize: number
}

/** http is acceptable only on the loopback interface (RFC 8252 §8.3 reasons the same way for redirects). */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
}

function parseIssuer(issuer: unknown): string {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw new TypeError('"issuer" must be an absolute URL')
  const url = new URL(issuer)
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new TypeError('"issuer" must be an https URL (http is allowed only for a loopback address)')
  }
  if (url.search !== '' || url.hash !== '') throw new TypeError('"issuer" must not have a query or fragment')
  return issuer
}

function parseAudience(audience: unknown): string | string[] {
  if (typeof audience === 'string' && audience !== '') return audience
  if (Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a !== '')) {
    return [...(audience as string[])]
  }
  throw new TypeError('"audience" must be a non-empty string or a non-empty array of non-empty strings')
}

function parseAlgorithms(algorithms: unknown): string[] {
  if (algorithms === undefined) return [...DEFAULT_ALGORITHMS]
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new TypeError('"algorithms" must be a non-empty array')
  for (const alg of algorithms) {
    if (typeof alg === 'string' && (alg.toLowerCase() === 'none' || alg.toUpperCase().startsWith('HS'))) {
      throw new TypeError(`"algorithms" must not include "${alg}": unsigned and HMAC-signed tokens are never accepted`)
    }
    if (typeof alg !== 'string' || !ASYMMETRIC_ALGORITHMS.has(alg)) {
      throw new TypeError(`"algorithms" may only include ${[...ASYMMETRIC_ALGORITHMS].join(', ')}`)
    }
  }
  return [...(algorithms as string[])]
}

function parseJwksUri(jwksUri: unknown, issuer: string): URL | undefined {
  if (jwksUri === undefined) return undefined
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new TypeError('"jwksUri" must be an absolute URL')
  const url = new URL(jwksUri)
  if (!isAllowedKeySetUrl(url, issuer)) {
    throw new TypeError('"jwksUri" must be an https URL (http is allowed only when the issuer is a loopback address)')
  }
  return url
}

/** The key set must come over TLS, unless the whole IdP is a local development one on loopback. */
export function isAllowedKeySetUrl(url: URL, issuer: string): boolean {
  return url.protocol === 'https:' || (isLoopbackHttp(new URL(issuer)) && url.protocol === 'http:')
}

function parseClaimName(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value === '') throw new TypeError(`"claimsMapping.${name}" must be a non-empty string`)
  return value
}

function parseNonNegative(value: unknown, name: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new TypeError(`"${name}" must be a non-negative ${integer ? 'integer' : 'number'}`)
  }
  return value
}

function parseFunction<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'function') throw new TypeError(`"${name}" must be a function`)
  return value as T
}

/**
 * Checks the options of `createTokenVerifier` and applies the defaults; throws TypeError on misuse.
 *
 * @example
 * const resolved = resolveVerifierOptions({ issuer: 'https://id.example.com', audience: 'mcp-warden' })
 */
export function resolveVerifierOptions(options: TokenVerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const issuer = parseIssuer(options.issuer)
  const mapping: unknown = options.claimsMapping ?? {}
  if (typeof mapping !== 'object' || mapping === null) throw new TypeError('"claimsMapping" must be an object')
  const { groups, email } = mapping as ClaimsMapping
  return {
    issuer,
    audience: parseAudience(options.audience),
    algorithms: parseAlgorithms(options.algorithms),
    clockToleranceSeconds: parseNonNegative(options.clockToleranceSeconds, 'clockToleranceSeconds', 30, false),
    jwksUri: parseJwksUri(options.jwksUri, issuer),
    groupsClaim: parseClaimName(groups, 'groups', 'groups'),
    emailClaim: parseClaimName(email, 'email', 'email'),
    fetch: parseFunction(options.fetch, 'fetch', (input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init)),
    now: parseFunction(options.now, 'now', () => Date.now()),
    cacheSize: parseNonNegative(options.cacheSize, 'cacheSize', 1000, true),
  }
}
