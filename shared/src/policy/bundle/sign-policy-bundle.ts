/**
 * shared/src/policy/bundle/sign-policy-bundle.ts — signs a policy document into a bundle (the administrator's side).
 */
import { KeyObject } from 'node:crypto'
import { CompactSign, importJWK, type CryptoKey, type JWK } from 'jose'
import { parsePolicy } from '../parse-policy.js'
import { POLICY_BUNDLE_ALGORITHMS, POLICY_BUNDLE_TYPE, pinnedAlgorithm, type PolicyBundleAlgorithm } from './bundle-format.js'

export interface SignPolicyBundleOptions {
  /** The policy document (JSON or YAML); its `revision` must be `String(revision)`. */
  readonly policyText: string
  /** The private key: a private JWK (EC P-256 or OKP Ed25519) or a Node KeyObject. */
  readonly key: JWK | KeyObject
  readonly kid: string
  readonly alg: PolicyBundleAlgorithm
  /** A positive integer, higher than every revision published before (desktops refuse older ones). */
  readonly revision: number
  /** When desktops stop accepting it (seconds since the epoch, or a Date). */
  readonly expiresAt: number | Date
  /** Default: now. Seconds since the epoch, or a Date. */
  readonly issuedAt?: number | Date | undefined
}

function seconds(value: number | Date, name: string): number {
  const s = value instanceof Date ? Math.floor(value.getTime() / 1000) : value
  if (!Number.isSafeInteger(s) || s < 0) throw new TypeError(`signPolicyBundle: ${name} must be a Date or whole seconds since the epoch`)
  return s
}

/**
 * Signs a policy into a compact JWS. The document is parsed first: a policy that would not load is never signed.
 *
 * @example
 * const jws = await signPolicyBundle({ policyText, key: privateJwk, kid: 'policy-2026', alg: 'ES256', revision: 42, expiresAt: new Date('2027-01-01') })
 * @throws TypeError on misuse (wrong key type, revision that is not the document's); WardenError ERR_CONFIG_INVALID for a document that does not load.
 */
export async function signPolicyBundle(options: SignPolicyBundleOptions): Promise<string> {
  const { policyText, key, kid, alg, revision } = options
  if (typeof policyText !== 'string') throw new TypeError('signPolicyBundle: policyText must be a string')
  if (!POLICY_BUNDLE_ALGORITHMS.includes(alg)) throw new TypeError('signPolicyBundle: alg must be "ES256" or "EdDSA"')
  if (typeof kid !== 'string' || kid === '') throw new TypeError('signPolicyBundle: kid must be a non-empty string')
  if (!Number.isSafeInteger(revision) || revision < 1) throw new TypeError('signPolicyBundle: revision must be a positive integer')
  const iat = seconds(options.issuedAt ?? new Date(), 'issuedAt')
  const exp = seconds(options.expiresAt, 'expiresAt')
  if (exp <= iat) throw new TypeError('signPolicyBundle: expiresAt must be after issuedAt')
  const policy = parsePolicy(policyText)
  if (policy.revision !== String(revision)) {
    throw new TypeError(`signPolicyBundle: the document's revision is "${policy.revision}", not "${revision}": set \`revision: "${revision}"\` in the document`)
  }
  const signingKey = await privateKey(key, alg)
  const payload = new TextEncoder().encode(JSON.stringify({ policy: policyText, rev: revision, iat, exp }))
  return new CompactSign(payload).setProtectedHeader({ alg, kid, typ: POLICY_BUNDLE_TYPE }).sign(signingKey)
}

async function privateKey(key: JWK | KeyObject, alg: PolicyBundleAlgorithm): Promise<KeyObject | CryptoKey | Uint8Array> {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') throw new TypeError('signPolicyBundle: key must be a private key')
    return key
  }
  if (typeof key !== 'object' || key === null || typeof key.d !== 'string') throw new TypeError('signPolicyBundle: key must be a private JWK (with "d") or a KeyObject')
  if (pinnedAlgorithm(key) !== alg) throw new TypeError(`signPolicyBundle: the key is not a ${alg} key (ES256: EC P-256; EdDSA: OKP Ed25519)`)
  return importJWK({ ...key, alg }, alg)
}
