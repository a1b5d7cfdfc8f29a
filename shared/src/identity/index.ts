/**
 * shared/src/identity/index.ts — token verification and the identity stage, as one import for the package entry.
 */

export type { ClaimsMapping, TokenVerifierOptions } from './verifier-options.js'
export { DEFAULT_ALGORITHMS } from './verifier-options.js'
export type { TokenVerifier } from './token-verifier.js'
export { createTokenVerifier } from './token-verifier.js'
export type { IdentityStageOptions } from './identity-stage.js'
export { identityStage, SIGNED_OUT_MESSAGE } from './identity-stage.js'
export { IDP_UNREACHABLE_MESSAGE, SIGNED_OUT_EXPIRED_MESSAGE } from './identity-errors.js'
export type { IdentityMeta, IdentityMetaStageOptions } from './identity-meta-stage.js'
export { IDENTITY_META_KEY, identityMetaStage } from './identity-meta-stage.js'
