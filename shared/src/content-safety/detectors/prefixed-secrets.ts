/**
 * shared/src/content-safety/detectors/prefixed-secrets.ts — credentials that announce themselves by a prefix.
 *
 * Each provider puts a fixed prefix on its keys precisely so that scanners can find them (GitHub's token format
 * post, Stripe's and Slack's key docs, AWS's IAM identifiers). A prefix plus the exact body alphabet and length
 * is specific enough to act on without a context word. Every pattern is wrapped in the same boundaries, so a
 * prefix inside a longer token (`xghp_…`, a body one character too long) does not fire, and every body goes
 * through `isPlaceholder`, so documentation samples are not treated as secrets.
 */
import type { SecretEntityType } from '../entities.js'
import { createRegexDetector, type Detector, type Span } from '../detector.js'
import { isPlaceholder } from '../placeholder.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): every pattern starts with a literal prefix behind a lookbehind that refuses a token
 * character, so an attempt starts only at the start of a token. After the prefix come bounded parts that end at a
 * delimiter they cannot contain (the webhook's `/` segments, Anthropic's optional `api03-`), then one character
 * class under one quantifier, then a lookahead that refuses a token character. An attempt therefore reads at most
 * one token (a URL, for the webhook), and backtracks at most once per character of it.
 */
function tokenPattern(body: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])(?:${body})(?![A-Za-z0-9_-])`, 'g')
}

/** Accepts a match whose body (the first capture group that matched) is not a placeholder. */
function checkBody(match: RegExpExecArray): Span | undefined {
  const body = match.slice(1).find((group) => group !== undefined) ?? ''
  return isPlaceholder(body) ? undefined : { start: match.index, end: match.index + match[0].length }
}

/** `literals` are what every match contains (its prefixes); a text with none of them is not scanned. */
function prefixed(type: SecretEntityType, body: string, literals: readonly string[], check: typeof checkBody = checkBody): Detector {
  return createRegexDetector({ type, pattern: tokenPattern(body), check, mayContain: createPrecondition({ anyOf: literals }) })
}

/**
 * AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary), then 16 base32 characters.
 *
 * @example
 * awsAccessKeyDetector.find(`aws_access_key_id = ${keyId}`) // → [{ start: 20, end: 40 }]
 */
export const awsAccessKeyDetector: Detector = prefixed('AWS_ACCESS_KEY', '(?:AKIA|ASIA)([A-Z2-7]{16})', ['AKIA', 'ASIA'])

/**
 * GitHub tokens: classic `ghp_` / `gho_` / `ghu_` / `ghs_` / `ghr_` + 36, fine-grained `github_pat_` + 82.
 *
 * @example
 * githubTokenDetector.find(`GH_TOKEN=${token}`) // → [{ start: 9, end: 49 }] for a classic token
 */
export const githubTokenDetector: Detector = prefixed('GITHUB_TOKEN', 'gh[pousr]_([A-Za-z0-9]{36})|github_pat_([A-Za-z0-9_]{82})', [
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
])

/**
 * Slack tokens `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`; real bodies always hold the workspace's numeric ids.
 *
 * @example
 * slackTokenDetector.find(`SLACK_BOT_TOKEN=${token}`) // → [{ start: 16, end: 16 + token.length }]
 */
export const slackTokenDetector: Detector = prefixed('SLACK_TOKEN', 'xox[abprs]-([A-Za-z0-9-]{10,})', ['xox'], (match) =>
  /\d/.test(match[1] ?? '') ? checkBody(match) : undefined,
)

/**
 * Slack incoming webhooks: `https://hooks.slack.com/services/T…/B…/<secret>`. The placeholder check reads the
 * secret part, so Slack's documented `T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX` passes.
 *
 * @example
 * slackWebhookDetector.find(`curl -X POST ${url}`) // → [{ start: 13, end: 13 + url.length }]
 */
export const slackWebhookDetector: Detector = prefixed(
  'SLACK_WEBHOOK',
  'https://hooks\\.slack\\.com/services/T[A-Za-z0-9]{6,12}/B[A-Za-z0-9]{6,12}/([A-Za-z0-9]{20,32})',
  ['https://hooks.slack.com/services/'],
)

/**
 * Stripe secret and restricted keys (`sk_` / `rk_`, live or test). Publishable `pk_` keys are public by design.
 *
 * @example
 * stripeKeyDetector.find(`STRIPE_SECRET_KEY=${key}`) // → [{ start: 18, end: 18 + key.length }]
 */
export const stripeKeyDetector: Detector = prefixed('STRIPE_KEY', '[sr]k_(?:live|test)_([A-Za-z0-9]{24,})', ['k_live_', 'k_test_'])

/**
 * Google Cloud API keys: `AIza` + 35.
 *
 * @example
 * gcpApiKeyDetector.find(`?key=${key}`) // → [{ start: 5, end: 44 }]
 */
export const gcpApiKeyDetector: Detector = prefixed('GCP_API_KEY', 'AIza([A-Za-z0-9_-]{35})', ['AIza'])

/**
 * OpenAI keys: `sk-proj-`, `sk-svcacct-`, `sk-admin-` + 40 or more, or the legacy `sk-` + exactly 48
 * alphanumerics. Anthropic's `sk-ant-…` cannot match: `ant` is none of the named kinds, and the `-` after it ends
 * the legacy form's alphanumeric body.
 *
 * @example
 * openaiApiKeyDetector.find(`OPENAI_API_KEY=${key}`) // → [{ start: 15, end: 15 + key.length }]
 */
export const openaiApiKeyDetector: Detector = prefixed(
  'OPENAI_API_KEY',
  'sk-(?:proj|svcacct|admin)-([A-Za-z0-9_-]{40,})|sk-([A-Za-z0-9]{48})',
  ['sk-'],
)

/**
 * Anthropic keys: `sk-ant-` + 32 or more (`sk-ant-api03-…`, `sk-ant-admin01-…`). The kind (`api03-`) is read as part
 * of the prefix, so the placeholder check sees only the random part.
 *
 * @example
 * anthropicApiKeyDetector.find(`x-api-key: ${key}`) // → [{ start: 11, end: 11 + key.length }]
 */
export const anthropicApiKeyDetector: Detector = prefixed('ANTHROPIC_API_KEY', 'sk-ant-(?:[a-z]{3,8}[0-9]{2}-)?([A-Za-z0-9_-]{32,})', ['sk-ant-'])

/**
 * npm access tokens: `npm_` + 36.
 *
 * @example
 * npmTokenDetector.find(`//registry.npmjs.org/:_authToken=${token}`) // → [{ start: 33, end: 73 }]
 */
export const npmTokenDetector: Detector = prefixed('NPM_TOKEN', 'npm_([A-Za-z0-9]{36})', ['npm_'])

/**
 * All prefixed-secret detectors, in the order of SECRET_ENTITY_TYPES.
 *
 * @example
 * PREFIXED_SECRET_DETECTORS.flatMap((detector) => detector.find(text))
 */
export const PREFIXED_SECRET_DETECTORS: readonly Detector[] = [
  awsAccessKeyDetector,
  githubTokenDetector,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
  gcpApiKeyDetector,
  openaiApiKeyDetector,
  anthropicApiKeyDetector,
  npmTokenDetector,
]
