/**
 * shared/src/policy/bundle/verify-policy-bundle.ts — checks a signed policy bundle against the organisation's keys
 * (the desktop's side) and loads its policy.
 *
 * Trust comes only from the keys given (the administrator's settings). Each key is pinned to one algorithm (its
 * `alg`, or the one its curve implies), so a bundle cannot choose how it is verified: `none`, HS256 and any
 * algorithm other than the key's are refused before any signature check.
 */
import { compactVerify, decodeProtectedHeader, importJWK, type CryptoKey, type JWK } from 'jose'
import { isWardenError } from '../../errors.js'
import type { CompiledPolicy } from '../compiled-policy.js'
import { parsePolicy } from '../parse-policy.js'
import { bundlePayloadSchema, bundleRejected, pinnedAlgorithm, POLICY_BUNDLE_TYPE, type BundlePayload, type PolicyBundleAlgorithm } from './bundle-format.js'

/** A bundle that passed every check. */
export interface VerifiedPolicyBundle {
  readonly policy: CompiledPolicy
  /** The bundle's revision (also `policy.revision`, as text). */
  readonly revision: number
  /** Seconds since the epoch. */
  readonly issuedAt: number
  /** Seconds since the epoch. */
  readonly expiresAt: number
  readonly kid: string
  /** The policy document's text, as signed. */
  readonly policyText: string
}

export interface VerifyBundleOptions {
  /** Refuse a bundle older than this revision (rollback). The same revision is accepted. */
  readonly minRevision?: number | undefined
  /** Seconds since the epoch; the wall clock, since `exp` is one. */
  readonly now: number
}

export interface PolicyBundleVerifier {
  /** @throws WardenError ERR_POLICY_INVALID with `details.reason`. */
  verify(jws: string, options: VerifyBundleOptions): Promise<VerifiedPolicyBundle>
}

/** How far in the future `iat` may be: clocks of the signer and the desktop differ a little. */
const CLOCK_SKEW_SECONDS = 300
/** A bundle is a policy document plus a signature; anything much larger is not one. */
const MAX_BUNDLE_CHARS = 4 * 1024 * 1024

interface TrustedKey {
  readonly alg: PolicyBundleAlgorithm
  readonly key: CryptoKey | Uint8Array
}

/**
 * Builds a verifier over the organisation's public keys. Each key needs a `kid` and must be an EC P-256 (ES256) or
 * OKP Ed25519 (EdDSA) public key.
 *
 * @example
 * const verifier = await createPolicyBundleVerifier(settings.policy.signingKeys)
 * const { policy, revision } = await verifier.verify(jws, { minRevision: 41, now: Math.floor(Date.now() / 1000) })
 * @throws TypeError for a key set that cannot be used (no kid, a private or symmetric key, another curve, duplicates).
 */
export async function createPolicyBundleVerifier(keys: readonly JWK[]): Promise<PolicyBundleVerifier> {
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('createPolicyBundleVerifier: keys must be a non-empty array of public JWKs')
  const trusted = new Map<string, TrustedKey>()
  for (const jwk of keys) {
    if (typeof jwk !== 'object' || jwk === null) throw new TypeError('createPolicyBundleVerifier: every key must be a JWK object')
    const { kid } = jwk
    if (typeof kid !== 'string' || kid === '') throw new TypeError('createPolicyBundleVerifier: every key needs a "kid"')
    if (trusted.has(kid)) throw new TypeError(`createPolicyBundleVerifier: two keys have the kid "${kid}"`)
    if ('d' in jwk || 'k' in jwk) throw new TypeError(`createPolicyBundleVerifier: key "${kid}" must be a public key`)
    const alg = pinnedAlgorithm(jwk)
    if (alg === undefined) throw new TypeError(`createPolicyBundleVerifier: key "${kid}" must be EC P-256 (ES256) or OKP Ed25519 (EdDSA), with a matching "alg" if it has one`)
    trusted.set(kid, { alg, key: await importJWK({ ...jwk, alg }, alg) })
  }
  return { verify: (jws, options) => verifyWith(trusted, jws, options) }
}

/**
 * One-off verification.
 *
 * @example
 * const bundle = await verifyPolicyBundle(jws, { keys: settings.policy.signingKeys, minRevision: 41, now: Date.now() / 1000 | 0 })
 */
export async function verifyPolicyBundle(jws: string, options: VerifyBundleOptions & { readonly keys: readonly JWK[] }): Promise<VerifiedPolicyBundle> {
  return (await createPolicyBundleVerifier(options.keys)).verify(jws, options)
}

async function verifyWith(trusted: ReadonlyMap<string, TrustedKey>, jws: string, options: VerifyBundleOptions): Promise<VerifiedPolicyBundle> {
  if (typeof options !== 'object' || options === null || !Number.isFinite(options.now)) throw new TypeError('verify: options.now must be seconds since the epoch')
  if (typeof jws !== 'string' || jws.length > MAX_BUNDLE_CHARS) throw bundleRejected('malformed', 'it is not a compact JWS of a sensible size')
  const text = jws.trim()
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    if (text.split('.').length !== 3) throw new Error('not three parts')
    header = decodeProtectedHeader(text)
  } catch (cause) {
    throw bundleRejected('malformed', 'it is not a compact JWS', {}, cause)
  }
  const { alg, kid, typ } = header
  if (alg !== 'ES256' && alg !== 'EdDSA') throw bundleRejected('alg-not-allowed', `its algorithm "${String(alg)}" is not allowed (only ES256 and EdDSA)`, { alg: String(alg) })
  const key = typeof kid === 'string' ? trusted.get(kid) : undefined
  if (key === undefined) throw bundleRejected('unknown-kid', `it is signed with a key ("${String(kid)}") that is not in the settings`, { kid: String(kid) })
  if (key.alg !== alg) throw bundleRejected('alg-mismatch', `key "${kid}" is an ${key.alg} key, the bundle says ${alg}`, { kid })
  if (typ !== POLICY_BUNDLE_TYPE) throw bundleRejected('wrong-type', `its type is "${String(typ)}", not "${POLICY_BUNDLE_TYPE}"`, { kid })
  let payloadBytes: Uint8Array
  try {
    payloadBytes = (await compactVerify(text, key.key, { algorithms: [key.alg] })).payload
  } catch (cause) {
    throw bundleRejected('bad-signature', `its signature does not verify with key "${kid}"`, { kid }, cause)
  }
  const payload = readPayload(payloadBytes, kid as string)
  return checkClaims(payload, kid as string, options)
}

function readPayload(bytes: Uint8Array, kid: string): BundlePayload {
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (cause) {
    throw bundleRejected('bad-claims', 'its payload is not JSON', { kid }, cause)
  }
  const parsed = bundlePayloadSchema.safeParse(raw)
  if (!parsed.success) throw bundleRejected('bad-claims', `its payload is not a policy bundle (${parsed.error.issues.map((i) => i.path.join('.') || '(top)').join(', ')})`, { kid })
  return parsed.data
}

function checkClaims(payload: BundlePayload, kid: string, options: VerifyBundleOptions): VerifiedPolicyBundle {
  const { rev, iat, exp } = payload
  const facts = { kid, revision: rev }
  if (exp <= options.now) throw bundleRejected('expired', `revision ${rev} expired at ${new Date(exp * 1000).toISOString()}`, { ...facts, expiresAt: exp })
  if (iat > options.now + CLOCK_SKEW_SECONDS) throw bundleRejected('issued-in-future', `revision ${rev} says it was issued at ${new Date(iat * 1000).toISOString()}, in the future (check this computer's clock)`, facts)
  if (exp <= iat) throw bundleRejected('bad-claims', `revision ${rev} expires before it was issued`, facts)
  if (options.minRevision !== undefined && rev < options.minRevision) {
    throw bundleRejected('rollback', `revision ${rev} is older than revision ${options.minRevision}, already in force (rollback)`, { ...facts, minRevision: options.minRevision })
  }
  let policy: CompiledPolicy
  try {
    policy = parsePolicy(payload.policy)
  } catch (cause) {
    if (!isWardenError(cause)) throw cause
    throw bundleRejected('policy-invalid', `revision ${rev} holds a policy document that does not load`, { ...facts, problems: cause.details?.['problems'] }, cause)
  }
  if (policy.revision !== String(rev)) throw bundleRejected('revision-mismatch', `the document inside says revision "${policy.revision}", the bundle ${rev}`, facts)
  return { policy, revision: rev, issuedAt: iat, expiresAt: exp, kid, policyText: payload.policy }
}
