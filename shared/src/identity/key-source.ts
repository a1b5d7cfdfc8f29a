/**
 * shared/src/identity/key-source.ts — where the verifier gets the IdP's public keys.
 *
 * The key set URL is configured, or read once (lazily, on the first verification) from the OIDC discovery
 * document. Discovery is trusted only if its `issuer` equals the configured issuer exactly (OIDC Discovery
 * §4.3), which stops a mix-up between two IdPs. The keys themselves are jose's `createRemoteJWKSet`: cached,
 * refetched when a token names an unknown `kid` (key rotation, OIDC Core §10.1.1) at most once per cooldown.
 */
import { createRemoteJWKSet, customFetch } from 'jose'
import type { JWTVerifyGetKey } from 'jose'
import { IdpMisconfiguredError, IdpUnreachableError } from './identity-errors.js'
import { isAllowedKeySetUrl } from './verifier-options.js'

const DISCOVERY_TIMEOUT_MS = 5_000

/**
 * Wraps a fetch so that "the IdP did not answer properly" becomes one error type: network failures,
 * timeouts and any status other than 200 (redirects included: jose asks for `redirect: 'manual'`).
 */
function guardFetch(fetchImpl: typeof fetch, what: string): typeof fetch {
  return async (input, init) => {
    let response: Response
    try {
      response = await fetchImpl(input, init)
    } catch (cause) {
      throw new IdpUnreachableError(`${what} request failed`, { cause })
    }
    if (response.status !== 200) throw new IdpUnreachableError(`${what} answered HTTP ${response.status}`)
    return response
  }
}

async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<URL> {
  // OIDC Discovery §4: the issuer without a trailing slash, then the well-known path.
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  const response = await guardFetch(fetchImpl, 'discovery')(url, {
    redirect: 'manual',
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    headers: { accept: 'application/json' },
  })
  let document: unknown
  try {
    document = await response.json()
  } catch (cause) {
    throw new IdpUnreachableError('discovery document is not JSON', { cause })
  }
  const { issuer: published, jwks_uri: jwksUri } = (typeof document === 'object' && document !== null ? document : {}) as {
    issuer?: unknown
    jwks_uri?: unknown
  }
  if (published !== issuer) {
    throw new IdpMisconfiguredError("the identity provider's discovery document names a different issuer than the one configured")
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !isAllowedKeySetUrl(new URL(jwksUri), issuer)) {
    throw new IdpMisconfiguredError("the identity provider's discovery document has no usable https jwks_uri")
  }
  return new URL(jwksUri)
}

/**
 * Returns a jose key resolver that loads the key set on first use. A failed discovery is not remembered,
 * so the next verification tries again (the IdP may have been briefly down).
 *
 * @example
 * const getKey = createKeySource({ issuer, jwksUri: undefined, fetch })
 * await jwtVerify(token, getKey, { issuer, audience })
 */
export function createKeySource(options: {
  readonly issuer: string
  readonly jwksUri: URL | undefined
  readonly fetch: typeof fetch
}): JWTVerifyGetKey {
  let keySet: Promise<JWTVerifyGetKey> | undefined
  const load = async (): Promise<JWTVerifyGetKey> => {
    const url = options.jwksUri ?? (await discoverJwksUri(options.issuer, options.fetch))
    return createRemoteJWKSet(url, { [customFetch]: guardFetch(options.fetch, 'key set') })
  }
  return async (protectedHeader, token) => {
    keySet ??= load().catch((error: unknown) => {
      keySet = undefined
      throw error
    })
    return (await keySet)(protectedHeader, token)
  }
}
