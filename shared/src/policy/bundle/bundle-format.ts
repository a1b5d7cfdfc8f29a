/**
 * shared/src/policy/bundle/bundle-format.ts — what a signed policy bundle is: a compact JWS (RFC 7515) whose
 * protected header is `{ alg: 'ES256' | 'EdDSA', kid, typ: 'warden-policy+jws' }` and whose payload is
 * `{ policy: <the policy document's text>, rev: <integer>, iat: <seconds>, exp: <seconds> }`.
 *
 * The document's own `revision` must be the same number (as text), so the revision in every audit record is the
 * one the bundle was accepted under.
 */
import { z } from 'zod'
import { WardenError } from '../../errors.js'

/** The `typ` of a policy bundle: a JWS meant as something else (an ID token) is never taken for a policy. */
export const POLICY_BUNDLE_TYPE = 'warden-policy+jws'

/** The signature algorithms of policy bundles: asymmetric only. */
export type PolicyBundleAlgorithm = 'ES256' | 'EdDSA'
export const POLICY_BUNDLE_ALGORITHMS: readonly PolicyBundleAlgorithm[] = ['ES256', 'EdDSA']

/** The payload of a bundle, as signed. */
export const bundlePayloadSchema = z.strictObject({
  policy: z.string().min(1),
  rev: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  iat: z.number().int().min(0),
  exp: z.number().int().min(0),
})

export type BundlePayload = z.output<typeof bundlePayloadSchema>

/** Why a bundle was refused; `details.reason` of ERR_POLICY_INVALID. */
export type BundleRejection =
  | 'malformed'
  | 'alg-not-allowed'
  | 'unknown-kid'
  | 'alg-mismatch'
  | 'wrong-type'
  | 'bad-signature'
  | 'bad-claims'
  | 'expired'
  | 'issued-in-future'
  | 'rollback'
  | 'policy-invalid'
  | 'revision-mismatch'

/** An ERR_POLICY_INVALID with its reason; the message says what to do. */
export function bundleRejected(reason: BundleRejection, what: string, facts: Readonly<Record<string, unknown>> = {}, cause?: unknown): WardenError {
  return new WardenError(
    'ERR_POLICY_INVALID',
    `The policy bundle was refused: ${what}. The last good policy stays in force; publish a bundle signed with a key in the settings (docs/policy-distribution.md).`,
    { details: { reason, ...facts }, cause },
  )
}

/** The JWK `alg` a key is pinned to: its own `alg`, else the one its curve implies; undefined for other keys. */
export function pinnedAlgorithm(jwk: { readonly kty?: unknown; readonly crv?: unknown; readonly alg?: unknown }): PolicyBundleAlgorithm | undefined {
  const implied = jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk.kty === 'OKP' && jwk.crv === 'Ed25519' ? 'EdDSA' : undefined
  if (implied === undefined) return undefined
  if (jwk.alg === undefined) return implied
  return jwk.alg === implied || (implied === 'EdDSA' && jwk.alg === 'Ed25519') ? implied : undefined
}
