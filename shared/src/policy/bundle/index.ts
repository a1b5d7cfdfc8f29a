/**
 * shared/src/policy/bundle/index.ts — signed policy bundles: `signPolicyBundle` (administrator) and
 * `createPolicyBundleVerifier` / `verifyPolicyBundle` (desktop). Format: bundle-format.ts; docs/policy-distribution.md.
 */
export { POLICY_BUNDLE_ALGORITHMS, POLICY_BUNDLE_TYPE, pinnedAlgorithm } from './bundle-format.js'
export type { BundleRejection, PolicyBundleAlgorithm } from './bundle-format.js'
export { signPolicyBundle } from './sign-policy-bundle.js'
export type { SignPolicyBundleOptions } from './sign-policy-bundle.js'
export { createPolicyBundleVerifier, verifyPolicyBundle } from './verify-policy-bundle.js'
export type { PolicyBundleVerifier, VerifiedPolicyBundle, VerifyBundleOptions } from './verify-policy-bundle.js'
