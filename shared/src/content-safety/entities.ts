/**
 * shared/src/content-safety/entities.ts — the entity type names. Policy documents, audit records and the
 * detectors all use these strings; they are a public, documented API (docs/content-safety.md).
 */

export const PII_ENTITY_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN',
  'IP_ADDRESS',
  'US_PASSPORT',
] as const

export const SECRET_ENTITY_TYPES = [
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'GITHUB_TOKEN',
  'SLACK_TOKEN',
  'SLACK_WEBHOOK',
  'STRIPE_KEY',
  'GCP_API_KEY',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'NPM_TOKEN',
  'PRIVATE_KEY',
  'JWT',
  'GENERIC_SECRET',
] as const

export const ENTITY_TYPES = [...PII_ENTITY_TYPES, ...SECRET_ENTITY_TYPES] as const

export type PiiEntityType = (typeof PII_ENTITY_TYPES)[number]
export type SecretEntityType = (typeof SECRET_ENTITY_TYPES)[number]
export type EntityType = (typeof ENTITY_TYPES)[number]

const ENTITY_SET = new Set<string>(ENTITY_TYPES)
export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && ENTITY_SET.has(value)
}

/**
 * What to do with a detected value: `redact` replaces it with `[REDACTED:TYPE]`, `mask` keeps the last four
 * characters where the type allows, `block` denies the whole message, `allow` lets it through (still audited),
 * `tokenize` replaces it with a placeholder (`[EMAIL_1]`) that is the same for the same value for the rest of the
 * session and is turned back into the value in results on their way to the host (token-vault.ts).
 */
export const CONTENT_ACTIONS = ['redact', 'mask', 'block', 'allow', 'tokenize'] as const
export type ContentAction = (typeof CONTENT_ACTIONS)[number]
