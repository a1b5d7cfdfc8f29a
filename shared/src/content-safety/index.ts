/**
 * shared/src/content-safety/index.ts — PII and secret detection, and the content-safety stage, as one import.
 */

export type { ContentAction, EntityType, PiiEntityType, SecretEntityType } from './entities.js'
export { CONTENT_ACTIONS, ENTITY_TYPES, isEntityType, PII_ENTITY_TYPES, SECRET_ENTITY_TYPES } from './entities.js'
export type { Detector, DetectorContext, MatchCheck, RegexDetectorOptions, Span } from './detector.js'
export { assertDetectors, createRegexDetector } from './detector.js'
export { isPlaceholder } from './placeholder.js'
export { emailDetector } from './detectors/email.js'
export { creditCardDetector } from './detectors/credit-card.js'
export { usSsnDetector } from './detectors/us-ssn.js'
export {
  anthropicApiKeyDetector,
  awsAccessKeyDetector,
  gcpApiKeyDetector,
  githubTokenDetector,
  npmTokenDetector,
  openaiApiKeyDetector,
  PREFIXED_SECRET_DETECTORS,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
} from './detectors/prefixed-secrets.js'
export { privateKeyDetector } from './detectors/private-key.js'
export { jwtDetector } from './detectors/jwt.js'
export { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
export type { TextFinding } from './scan-text.js'
export { resolveOverlaps, scanText } from './scan-text.js'
export { escapePointerToken, formatJsonPointer, parseJsonPointer } from './json-pointer.js'
export type { ScanFinding, ScanJsonOptions } from './scan-json.js'
export { scanJson } from './scan-json.js'
export type { RenderEdit, TextEdit } from './apply-text-edits.js'
export { applyTextEdits } from './apply-text-edits.js'
export type { ContentActionResult, ContentDecider } from './apply-content-actions.js'
export { applyContentActions } from './apply-content-actions.js'
export { contentBlockedError, describeEntityTypes } from './blocked-error.js'
export type { ContentSafetyStageOptions } from './content-safety-stage.js'
export { contentSafetyStage } from './content-safety-stage.js'
export { createFindingHasher, FINDING_HASH_KEY_MIN_BYTES, type FindingHasher } from './finding-hash.js'
export { createTokenVault, DEFAULT_VAULT_MAX_CHARACTERS, DEFAULT_VAULT_MAX_ENTRIES, isTokenVault, tokenKey } from './token-vault.js'
export type { TokenVault, TokenVaultOptions } from './token-vault.js'
export { restorePlaceholders } from './restore-placeholders.js'
