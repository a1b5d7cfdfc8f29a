import { describe, expect, it } from 'vitest'
import { ENTITY_TYPES } from '../entities.js'
import { DEFAULT_DETECTORS } from './default-detectors.js'

/**
 * Inputs that make a careless regex quadratic or exponential in a backtracking engine: long runs of the
 * characters a pattern repeats, with the one character it needs next missing, and many almost-starts. A
 * quadratic pattern would take minutes on a million characters; these finish in milliseconds. No timing is
 * asserted: a regression shows up as a test timeout.
 */
const PATHOLOGICAL: readonly (readonly [string, string])[] = [
  ['many almost-emails', 'a@'.repeat(50_000)],
  ['a million dashes', '-'.repeat(1_000_000)],
  ['a million letters', 'a'.repeat(1_000_000)],
  ['a million digits', '1'.repeat(1_000_000)],
  ['single digits between spaces', '4 '.repeat(500_000)],
  ['single digits between dashes', '4-'.repeat(500_000)],
  ['dotted letters', 'a.'.repeat(500_000)],
  ['an email domain of endless labels', `x@${'a.'.repeat(500_000)}`],
  ['an email domain of hyphens', `x@${'a-'.repeat(500_000)}`],
  ['an endless local part before a real domain', `${'a.'.repeat(500_000)}@example.com`],
  ['local parts and domains, alternating', `${'a'.repeat(60)}@${'b'.repeat(60)}.`.repeat(8_000)],
  ['an endless JWT header', `eyJ${'a'.repeat(1_000_000)}`],
  ['endless two-dot JWT starts', 'eyJa.'.repeat(200_000)],
  ['many PEM headers without an END line', '-----BEGIN PRIVATE KEY-----'.repeat(40_000)],
  ['a PEM header and an endless body', `-----BEGIN PRIVATE KEY-----${'A'.repeat(1_000_000)}`],
  ['a PEM header of endless words', `-----BEGIN ${'A '.repeat(500_000)}`],
  ['many OpenAI prefixes', 'sk-'.repeat(300_000)],
  ['many AWS prefixes', 'AKIA'.repeat(300_000)],
  ['many Slack webhook prefixes', 'https://hooks.slack.com/services/T'.repeat(30_000)],
  ['an endless Slack token', `xoxb-${'1-'.repeat(500_000)}_`],
  ['many SSN context words and numbers', 'ssn 123456789 '.repeat(70_000)],
  ['decimal-looking digits', '1.'.repeat(500_000)],
  ['nine-digit runs', '123456789 '.repeat(100_000)],
  ['a million spaces', ' '.repeat(1_000_000)],
]

describe('DEFAULT_DETECTORS', () => {
  it('cannot be changed: neither the list nor a detector in it', () => {
    expect(Object.isFrozen(DEFAULT_DETECTORS)).toBe(true)
    for (const detector of DEFAULT_DETECTORS) {
      expect(() => {
        ;(detector as { mayContain?: unknown }).mayContain = () => true
      }).toThrow(TypeError)
    }
  })

  it('has one detector per implemented type, in the order of ENTITY_TYPES', () => {
    const types = DEFAULT_DETECTORS.map((detector) => detector.type)
    expect(types).toEqual(ENTITY_TYPES.filter((type) => types.includes(type)))
    expect(types).toEqual([
      'EMAIL',
      'PHONE',
      'CREDIT_CARD',
      'US_SSN',
      'IBAN',
      'IP_ADDRESS',
      'US_PASSPORT',
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
    ])
  })

  it.each(PATHOLOGICAL)('every detector completes on %s', (_name, text) => {
    for (const detector of DEFAULT_DETECTORS) {
      const spans = detector.find(text)
      expect(spans.every((span) => span.start < span.end && span.end <= text.length)).toBe(true)
    }
  })
})
