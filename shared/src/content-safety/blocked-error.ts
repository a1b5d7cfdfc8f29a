/**
 * shared/src/content-safety/blocked-error.ts — the error a person sees when content safety refuses a message.
 *
 * It names the kinds of data found ("a credit card number"), never the data, and says what to do next.
 */
import { WardenError } from '../errors.js'
import type { EntityType } from './entities.js'

/** How each type is named in a sentence. */
const DESCRIPTIONS: Readonly<Record<EntityType, string>> = {
  EMAIL: 'an email address',
  PHONE: 'a phone number',
  CREDIT_CARD: 'a credit card number',
  US_SSN: 'a US Social Security number',
  IBAN: 'a bank account number (IBAN)',
  IP_ADDRESS: 'an IP address',
  US_PASSPORT: 'a US passport number',
  AWS_ACCESS_KEY: 'an AWS access key',
  AWS_SECRET_KEY: 'an AWS secret key',
  GITHUB_TOKEN: 'a GitHub token',
  SLACK_TOKEN: 'a Slack token',
  SLACK_WEBHOOK: 'a Slack webhook URL',
  STRIPE_KEY: 'a Stripe secret key',
  GCP_API_KEY: 'a Google Cloud API key',
  OPENAI_API_KEY: 'an OpenAI API key',
  ANTHROPIC_API_KEY: 'an Anthropic API key',
  NPM_TOKEN: 'an npm token',
  PRIVATE_KEY: 'a private key',
  JWT: 'a JSON Web Token',
  GENERIC_SECRET: 'a password or other secret',
}

/**
 * Names types as an English list: `a credit card number`, `a and b`, `a, b and c`.
 *
 * @example
 * describeEntityTypes(['EMAIL', 'CREDIT_CARD']) // → 'an email address and a credit card number'
 */
export function describeEntityTypes(types: readonly EntityType[]): string {
  const names = types.map((type) => DESCRIPTIONS[type])
  const last = names.pop() ?? 'sensitive data'
  return names.length === 0 ? last : `${names.join(', ')} and ${last}`
}

/**
 * The deny error for blocked types. `request`: something the host sends (arguments, a URI, an answer to a
 * server's request), which the person can fix. `result`: a server's result on its way to the host, which only
 * the policy can let through.
 *
 * @example
 * contentBlockedError(['CREDIT_CARD'], 'request').message
 * // → 'This call was blocked because it contains a credit card number. Remove the sensitive data and try again.'
 */
export function contentBlockedError(types: readonly EntityType[], kind: 'request' | 'result'): WardenError {
  const found = describeEntityTypes(types)
  const message =
    kind === 'request'
      ? `This call was blocked because it contains ${found}. Remove the sensitive data and try again.`
      : `The result of this call was blocked because it contains ${found}. Ask your administrator if you need this data.`
  return new WardenError('ERR_CONTENT_BLOCKED', message, { stage: 'content-safety', details: { types: [...types] } })
}
