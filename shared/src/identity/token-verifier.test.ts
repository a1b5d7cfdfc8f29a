import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { createTokenVerifier } from './token-verifier.js'
import type { TokenVerifierOptions } from './verifier-options.js'

const AUDIENCE = 'mcp-warden-test'
const EXPIRED = 'Your sign-in has expired. Sign in again with `mcp-warden login` or the MCP Warden app.'
const UNREACHABLE =
  'MCP Warden could not reach your identity provider to check your sign-in. Check your network connection and try again; if it persists, contact your administrator.'
const unverified = (reason: string): string =>
  `The identity token could not be verified (${reason}). Sign in again; if it persists, contact your administrator.`

interface SigningKey {
  readonly kid: string
  readonly alg: 'RS256' | 'ES256'
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly jwk: JWK
}

async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** A real IdP as far as a verifier can tell: discovery document and JWKS over HTTP on 127.0.0.1. */
interface TestIdp {
  readonly issuer: string
  readonly requests: string[]
  keys: SigningKey[]
  discovery: (issuer: string) => Record<string, unknown>
  discoveryStatus: number
  close(): Promise<void>
}

async function startTestIdp(keys: SigningKey[]): Promise<TestIdp> {
  const server: Server = createServer((request, response) => {
    idp.requests.push(request.url ?? '')
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (request.url === '/.well-known/openid-configuration') return send(idp.discoveryStatus, idp.discovery(idp.issuer))
    if (request.url === '/jwks') return send(200, { keys: idp.keys.map((key) => key.jwk) })
    send(404, { error: 'not_found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const idp: TestIdp = {
    issuer,
    requests: [],
    keys,
    discovery: (iss) => ({ issuer: iss, jwks_uri: `${iss}/jwks` }),
    discoveryStatus: 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return idp
}

async function sign(key: SigningKey, claims: JWTPayload, issuer: string): Promise<string> {
  return new SignJWT({ sub: 'alice', aud: AUDIENCE, iss: issuer, exp: Math.floor(Date.now() / 1000) + 3600, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuedAt()
    .sign(key.privateKey)
}

async function failure(promise: Promise<unknown>): Promise<{ code: unknown; message: unknown; stage: unknown }> {
  const error = await promise.then(
    () => expect.fail('expected verify() to reject'),
    (e: unknown) => e as { code: unknown; message: unknown; stage: unknown },
  )
  return { code: error.code, message: error.message, stage: error.stage }
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

let rsa: SigningKey
let ec: SigningKey
let stranger: SigningKey
const open: TestIdp[] = []

async function idpWith(keys: SigningKey[]): Promise<TestIdp> {
  const idp = await startTestIdp(keys)
  open.push(idp)
  return idp
}

function verifierFor(idp: TestIdp, options: Partial<TokenVerifierOptions> = {}): ReturnType<typeof createTokenVerifier> {
  return createTokenVerifier({ issuer: idp.issuer, audience: AUDIENCE, ...options })
}

beforeAll(async () => {
  rsa = await signingKey('rsa-1', 'RS256')
  ec = await signingKey('ec-1', 'ES256')
  stranger = await signingKey('rsa-stranger', 'RS256')
})

afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(open.splice(0).map((idp) => idp.close()))
})

describe('createTokenVerifier with a real JWKS over HTTP', () => {
  it.each(['RS256', 'ES256'] as const)('verifies a valid %s token and maps its claims to an Identity', async (alg) => {
    const idp = await idpWith([rsa, ec])
    const key = alg === 'RS256' ? rsa : ec
    const exp = nowSeconds() + 600
    const token = await sign(key, { exp, email: 'alice@example.com', email_verified: true, name: 'Alice', groups: ['eng'], nonce: 'n', hd: 'example.com' }, idp.issuer)
    const identity = await verifierFor(idp).verify(token)
    expect(identity).toEqual({
      issuer: idp.issuer,
      subject: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice',
      groups: ['eng'],
      claims: { iss: idp.issuer, sub: 'alice', email: 'alice@example.com', email_verified: true, name: 'Alice', groups: ['eng'], hd: 'example.com' },
      expiresAt: exp,
    })
    expect(idp.requests).toEqual(['/.well-known/openid-configuration', '/jwks'])
  })

  it('maps a missing groups claim to no groups', async () => {
    const idp = await idpWith([rsa])
    const identity = await verifierFor(idp).verify(await sign(rsa, {}, idp.issuer))
    expect(identity.groups).toEqual([])
    expect(identity.email).toBeUndefined()
  })

  it('accepts a token that expired within the clock tolerance', async () => {
    const idp = await idpWith([rsa])
    const identity = await verifierFor(idp).verify(await sign(rsa, { exp: nowSeconds() - 10 }, idp.issuer))
    expect(identity.subject).toBe('alice')
  })

  it('uses a configured jwksUri without discovery', async () => {
    const idp = await idpWith([rsa])
    await verifierFor(idp, { jwksUri: `${idp.issuer}/jwks` }).verify(await sign(rsa, {}, idp.issuer))
    expect(idp.requests).toEqual(['/jwks'])
  })
})

describe('createTokenVerifier rejects', () => {
  const cases: { name: string; claims: JWTPayload; code: string; message: string }[] = [
    { name: 'an expired token as signed out', claims: { exp: nowSeconds() - 3600 }, code: 'ERR_SIGNED_OUT', message: EXPIRED },
    { name: 'a token not yet valid', claims: { nbf: nowSeconds() + 120 }, code: 'ERR_IDENTITY_UNKNOWN', message: unverified('not yet valid') },
    { name: 'a token from another issuer', claims: { iss: 'https://evil.example.com' }, code: 'ERR_IDENTITY_UNKNOWN', message: unverified('wrong issuer') },
    { name: 'a token for another audience', claims: { aud: 'someone-else' }, code: 'ERR_IDENTITY_UNKNOWN', message: unverified('wrong audience') },
    { name: 'a token without a subject', claims: { sub: undefined }, code: 'ERR_IDENTITY_UNKNOWN', message: unverified('no subject') },
    { name: 'a token without an expiry', claims: { exp: undefined }, code: 'ERR_IDENTITY_UNKNOWN', message: unverified('no valid expiry') },
  ]
  it.each(cases)('$name', async ({ claims, code, message }) => {
    const idp = await idpWith([rsa])
    const token = await sign(rsa, claims, idp.issuer)
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code, message, stage: 'identity' })
  })

  it('an unsigned token (alg: none)', async () => {
    const idp = await idpWith([rsa])
    const encode = (value: object): string => base64url.encode(JSON.stringify(value))
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: idp.issuer, aud: AUDIENCE, sub: 'alice', exp: nowSeconds() + 600 })}.`
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('algorithm not allowed'), stage: 'identity' })
  })

  it('an HS256 token keyed with the RSA public key (algorithm confusion)', async () => {
    const idp = await idpWith([rsa])
    const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey))
    const token = await new SignJWT({ iss: idp.issuer, aud: AUDIENCE, sub: 'mallory', exp: nowSeconds() + 600 })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .sign(secret)
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('algorithm not allowed'), stage: 'identity' })
  })

  it('a token signed with a key the IdP does not publish', async () => {
    const idp = await idpWith([rsa])
    const token = await sign(stranger, {}, idp.issuer)
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('unknown signing key'), stage: 'identity' })
  })

  it('a token whose signature does not match the published key', async () => {
    const idp = await idpWith([rsa])
    const token = await sign({ ...stranger, kid: rsa.kid }, {}, idp.issuer)
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('invalid signature'), stage: 'identity' })
  })

  it('a malformed token', async () => {
    const idp = await idpWith([rsa])
    expect(await failure(verifierFor(idp).verify('not-a-jwt'))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('malformed token'), stage: 'identity' })
    expect(idp.requests).toEqual([])
  })
})

describe('createTokenVerifier and the identity provider', () => {
  it('follows a key rotation: a new kid refetches the JWKS (after the cooldown), a removed key no longer verifies', async () => {
    const idp = await idpWith([rsa])
    const verifier = verifierFor(idp)
    await verifier.verify(await sign(rsa, {}, idp.issuer))
    const rotated = await signingKey('rsa-2', 'RS256')
    idp.keys = [rotated]
    const fresh = await sign(rotated, {}, idp.issuer)
    // jose refetches on an unknown kid at most once per 30 s cooldown, so a flood of bad kids cannot hammer the IdP.
    expect(await failure(verifier.verify(fresh))).toMatchObject({ message: unverified('unknown signing key') })
    const later = Date.now() + 31_000
    vi.spyOn(Date, 'now').mockReturnValue(later)
    expect((await verifier.verify(fresh)).subject).toBe('alice')
    expect(idp.requests.filter((url) => url === '/jwks')).toHaveLength(2)
    const oldKeyToken = await sign(rsa, { jti: 'another-token' }, idp.issuer)
    expect(await failure(verifier.verify(oldKeyToken))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: unverified('unknown signing key'), stage: 'identity' })
  })

  it('refuses a discovery document that names another issuer', async () => {
    const idp = await idpWith([rsa])
    idp.discovery = (iss) => ({ issuer: `${iss}/other`, jwks_uri: `${iss}/jwks` })
    expect(await failure(verifierFor(idp).verify(await sign(rsa, {}, idp.issuer)))).toEqual({
      code: 'ERR_IDENTITY_UNKNOWN',
      message: "MCP Warden could not check your sign-in: the identity provider's discovery document names a different issuer than the one configured. Contact your administrator.",
      stage: 'identity',
    })
    expect(idp.requests).toEqual(['/.well-known/openid-configuration'])
  })

  it('refuses a plain-http jwks_uri from an https issuer', async () => {
    const issuer = 'https://id.example.com'
    const fetchStub: typeof fetch = async () => Response.json({ issuer, jwks_uri: 'http://id.example.com/jwks' })
    const token = await sign(rsa, {}, issuer)
    expect(await failure(createTokenVerifier({ issuer, audience: AUDIENCE, fetch: fetchStub }).verify(token))).toEqual({
      code: 'ERR_IDENTITY_UNKNOWN',
      message: "MCP Warden could not check your sign-in: the identity provider's discovery document has no usable https jwks_uri. Contact your administrator.",
      stage: 'identity',
    })
  })

  it('says the IdP could not be reached when it is down, and tries again on the next token', async () => {
    const idp = await idpWith([rsa])
    const token = await sign(rsa, {}, idp.issuer)
    const verifier = verifierFor(idp)
    idp.discoveryStatus = 503
    expect(await failure(verifier.verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: UNREACHABLE, stage: 'identity' })
    idp.discoveryStatus = 200
    expect((await verifier.verify(token)).subject).toBe('alice')
  })

  it('says the IdP could not be reached when nothing listens', async () => {
    const idp = await startTestIdp([rsa])
    await idp.close()
    const token = await sign(rsa, {}, idp.issuer)
    expect(await failure(verifierFor(idp).verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: UNREACHABLE, stage: 'identity' })
    const jwksOnly = verifierFor(idp, { jwksUri: `${idp.issuer}/jwks` })
    expect(await failure(jwksOnly.verify(token))).toEqual({ code: 'ERR_IDENTITY_UNKNOWN', message: UNREACHABLE, stage: 'identity' })
  })
})

describe('createTokenVerifier cache', () => {
  it('verifies a token once: the second verify does not touch the network, even with the IdP gone', async () => {
    const idp = await idpWith([rsa])
    const verifier = verifierFor(idp)
    const token = await sign(rsa, {}, idp.issuer)
    const first = await verifier.verify(token)
    const requests = idp.requests.length
    await idp.close()
    expect(await verifier.verify(token)).toBe(first)
    expect(idp.requests).toHaveLength(requests)
  })

  it('re-verifies a cached token once it has expired, and then fails', async () => {
    const idp = await idpWith([rsa])
    let now = Date.now()
    const verifier = verifierFor(idp, { now: () => now })
    const token = await sign(rsa, { exp: Math.floor(now / 1000) + 60 }, idp.issuer)
    await verifier.verify(token)
    now += 120_000
    expect(await failure(verifier.verify(token))).toEqual({ code: 'ERR_SIGNED_OUT', message: EXPIRED, stage: 'identity' })
  })

  it('keeps at most cacheSize tokens, least recently used out first', async () => {
    const idp = await idpWith([rsa])
    const verifier = verifierFor(idp, { cacheSize: 1 })
    const [a, b] = [await sign(rsa, { jti: 'a' }, idp.issuer), await sign(rsa, { jti: 'b' }, idp.issuer)]
    const firstA = await verifier.verify(a)
    const firstB = await verifier.verify(b)
    expect(await verifier.verify(b)).toBe(firstB)
    const againA = await verifier.verify(a)
    expect(againA).not.toBe(firstA)
    expect(againA).toEqual(firstA)
  })
})
