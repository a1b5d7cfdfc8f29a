import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { isWardenError } from '../../errors.js'
import { POLICY_BUNDLE_TYPE } from './bundle-format.js'
import { signPolicyBundle } from './sign-policy-bundle.js'
import { createPolicyBundleVerifier, verifyPolicyBundle, type PolicyBundleVerifier } from './verify-policy-bundle.js'

const NOW = 1_800_000_000
const DAY = 86_400

function policyText(revision: number): string {
  return `version: 1\nrevision: "${revision}"\nrules:\n  - { id: all-echo, effect: allow, subjects: { anyone: true }, servers: ["*"], tools: [echo] }\n`
}

async function keyPair(alg: 'ES256' | 'EdDSA', kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid } }
}

let es: { privateJwk: JWK; publicJwk: JWK }
let ed: { privateJwk: JWK; publicJwk: JWK }
let outsider: { privateJwk: JWK; publicJwk: JWK }
let verifier: PolicyBundleVerifier

const sign = (revision: number, overrides: Partial<Parameters<typeof signPolicyBundle>[0]> = {}): Promise<string> =>
  signPolicyBundle({ policyText: policyText(revision), key: es.privateJwk, kid: 'es', alg: 'ES256', revision, issuedAt: NOW, expiresAt: NOW + DAY, ...overrides })

async function rejection(promise: Promise<unknown>): Promise<{ reason: unknown; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  if (!isWardenError(error) || error.code !== 'ERR_POLICY_INVALID') throw new Error(`expected ERR_POLICY_INVALID, got ${String(error)}`)
  return { reason: error.details?.['reason'], message: error.message }
}

/** A JWS with any header, signed (or not) by hand: what an attacker could publish. */
function handMade(header: Record<string, unknown>, payload: unknown, signature = ''): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part(header)}.${part(payload)}.${signature}`
}

beforeAll(async () => {
  es = await keyPair('ES256', 'es')
  ed = await keyPair('EdDSA', 'ed')
  outsider = await keyPair('ES256', 'es')
  verifier = await createPolicyBundleVerifier([es.publicJwk, ed.publicJwk])
})

describe('signed policy bundles', () => {
  it('verifies an ES256 and an EdDSA bundle and loads the policy under the bundle revision', async () => {
    const a = await verifier.verify(await sign(7), { now: NOW + 60 })
    expect(a).toMatchObject({ revision: 7, issuedAt: NOW, expiresAt: NOW + DAY, kid: 'es', policyText: policyText(7) })
    expect(a.policy.revision).toBe('7')
    const b = await verifier.verify(await sign(8, { key: ed.privateJwk, kid: 'ed', alg: 'EdDSA' }), { now: NOW, minRevision: 8 })
    expect(b).toMatchObject({ revision: 8, kid: 'ed' })
  })

  it('refuses a bad signature, an unknown key and a key from outside the settings with the same kid', async () => {
    const [header, , signature] = (await sign(7)).split('.')
    const otherPayload = Buffer.from(JSON.stringify({ policy: policyText(9), rev: 9, iat: NOW, exp: NOW + DAY })).toString('base64url')
    expect((await rejection(verifier.verify(`${header}.${otherPayload}.${signature}`, { now: NOW }))).reason).toBe('bad-signature')
    expect((await rejection(verifier.verify(await sign(7, { kid: 'nobody' }), { now: NOW }))).reason).toBe('unknown-kid')
    const forged = await rejection(verifier.verify(await sign(7, { key: outsider.privateJwk }), { now: NOW }))
    expect(forged.reason).toBe('bad-signature')
    expect(forged.message).toContain('The last good policy stays in force')
  })

  it('refuses an older revision than the one in force (rollback), and accepts the same one again', async () => {
    const old = await sign(6)
    const refused = await rejection(verifier.verify(old, { now: NOW, minRevision: 7 }))
    expect(refused).toMatchObject({ reason: 'rollback' })
    expect(refused.message).toContain('revision 6 is older than revision 7')
    await expect(verifier.verify(await sign(7), { now: NOW, minRevision: 7 })).resolves.toMatchObject({ revision: 7 })
  })

  it('refuses an expired bundle and one issued in the future', async () => {
    const bundle = await sign(7)
    expect((await rejection(verifier.verify(bundle, { now: NOW + DAY }))).reason).toBe('expired')
    expect((await rejection(verifier.verify(bundle, { now: NOW - 3600 }))).reason).toBe('issued-in-future')
  })

  it('refuses algorithm confusion: none, HS256 with the public key as secret, and EdDSA under an ES256 kid', async () => {
    const payload = { policy: policyText(9), rev: 9, iat: NOW, exp: NOW + DAY }
    expect((await rejection(verifier.verify(handMade({ alg: 'none', kid: 'es', typ: POLICY_BUNDLE_TYPE }, payload), { now: NOW }))).reason).toBe('alg-not-allowed')
    const secret = new TextEncoder().encode(JSON.stringify(es.publicJwk))
    const hs = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'HS256', kid: 'es', typ: POLICY_BUNDLE_TYPE }).sign(secret)
    expect((await rejection(verifier.verify(hs, { now: NOW }))).reason).toBe('alg-not-allowed')
    const edUnderEs = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'es', typ: POLICY_BUNDLE_TYPE })
      .sign(await (await import('jose')).importJWK(ed.privateJwk, 'EdDSA'))
    expect((await rejection(verifier.verify(edUnderEs, { now: NOW }))).reason).toBe('alg-mismatch')
  })

  it('refuses a JWS of another type, garbage, and a document whose revision is not the bundle revision', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ policy: policyText(9), rev: 10, iat: NOW, exp: NOW + DAY }))
    const key = await (await import('jose')).importJWK(es.privateJwk, 'ES256')
    const idTokenLike = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', kid: 'es', typ: 'JWT' }).sign(key)
    expect((await rejection(verifier.verify(idTokenLike, { now: NOW }))).reason).toBe('wrong-type')
    const mismatch = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', kid: 'es', typ: POLICY_BUNDLE_TYPE }).sign(key)
    expect((await rejection(verifier.verify(mismatch, { now: NOW }))).reason).toBe('revision-mismatch')
    expect((await rejection(verifier.verify('<html>not found</html>', { now: NOW }))).reason).toBe('malformed')
  })

  it('checks misuse up front: private or symmetric keys, keys without kid, a revision that is not the document one', async () => {
    await expect(createPolicyBundleVerifier([es.privateJwk])).rejects.toThrow(TypeError)
    await expect(createPolicyBundleVerifier([{ kty: 'oct', k: 'c2VjcmV0', kid: 'x' }])).rejects.toThrow(TypeError)
    await expect(createPolicyBundleVerifier([{ ...es.publicJwk, kid: undefined }])).rejects.toThrow('needs a "kid"')
    await expect(sign(7, { revision: 8 })).rejects.toThrow('set `revision: "8"` in the document')
    await expect(sign(7, { key: es.publicJwk })).rejects.toThrow(TypeError)
    await expect(verifyPolicyBundle(await sign(7), { keys: [ed.publicJwk], now: NOW })).rejects.toMatchObject({ code: 'ERR_POLICY_INVALID' })
  })
})
