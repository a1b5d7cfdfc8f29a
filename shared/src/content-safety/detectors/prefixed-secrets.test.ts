import { describe, expect, it } from 'vitest'
import type { Detector } from '../detector.js'
import {
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
} from './prefixed-secrets.js'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * A deterministic random-looking body. Test tokens are assembled at run time from a prefix and such a body, so
 * that no secret-shaped literal sits in the repository for secret scanners to trip on.
 */
function body(length: number, alphabet = ALNUM, seed = 11): string {
  let state = seed
  let text = ''
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648
    text += alphabet[(state >> 8) % alphabet.length]
  }
  return text
}

const t = (...parts: string[]): string => parts.join('')

const AWS = t('AKIA', body(16, BASE32))
const GITHUB = t('ghp', '_', body(36))
const GITHUB_PAT = t('github_pat', '_', body(82, `${ALNUM}_`))
const SLACK = t('xoxb', '-', '1234567890123-1234567890123-', body(24))
const SLACK_HOOK = t('https://hooks.slack.com/services/', 'T0ABCD1EF', '/B0GHIJ2KL/', body(24))
const STRIPE = t('sk_', 'live_', body(24))
const GCP = t('AI', 'za', body(35, `${ALNUM}_-`))
const OPENAI_PROJECT = t('sk-', 'proj-', body(120, `${ALNUM}_-`))
const OPENAI_LEGACY = t('sk-', body(48))
const ANTHROPIC = t('sk-', 'ant-', 'api03-', body(93, `${ALNUM}_-`), 'AA')
const NPM = t('npm', '_', body(36))

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(detector: Detector, text: string): string[] {
  const spans = detector.find(text)
  expect(detector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('prefixed secret detectors', () => {
  it.each([
    ['AWS access key id', awsAccessKeyDetector, AWS],
    ['AWS temporary access key id', awsAccessKeyDetector, t('ASIA', body(16, BASE32, 3))],
    ['GitHub classic token', githubTokenDetector, GITHUB],
    ['GitHub OAuth token', githubTokenDetector, t('gho', '_', body(36, ALNUM, 5))],
    ['GitHub fine-grained token', githubTokenDetector, GITHUB_PAT],
    ['Slack bot token', slackTokenDetector, SLACK],
    ['Slack user token', slackTokenDetector, t('xoxp', '-', '1234-5678-9012-', body(32))],
    ['Slack webhook', slackWebhookDetector, SLACK_HOOK],
    ['Stripe live secret key', stripeKeyDetector, STRIPE],
    ['Stripe test restricted key', stripeKeyDetector, t('rk_', 'test_', body(99))],
    ['GCP API key', gcpApiKeyDetector, GCP],
    ['OpenAI project key', openaiApiKeyDetector, OPENAI_PROJECT],
    ['OpenAI service account key', openaiApiKeyDetector, t('sk-', 'svcacct-', body(80, `${ALNUM}_-`))],
    ['OpenAI legacy key', openaiApiKeyDetector, OPENAI_LEGACY],
    ['Anthropic key', anthropicApiKeyDetector, ANTHROPIC],
    ['Anthropic key without a kind', anthropicApiKeyDetector, t('sk-', 'ant-', body(40, `${ALNUM}_-`, 9))],
    ['npm token', npmTokenDetector, NPM],
  ])('finds a %s, alone and in text', (_name, detector, token) => {
    expect(found(detector, token)).toEqual([token])
    expect(found(detector, `export KEY="${token}"\n`)).toEqual([token])
    expect(found(detector, `Authorization: Bearer ${token}`)).toEqual([token])
  })

  it('tells Anthropic keys from OpenAI keys', () => {
    expect(found(openaiApiKeyDetector, ANTHROPIC)).toEqual([])
    expect(found(anthropicApiKeyDetector, OPENAI_PROJECT)).toEqual([])
    expect(found(anthropicApiKeyDetector, OPENAI_LEGACY)).toEqual([])
  })

  it.each([
    ['AWS: a body one character short', awsAccessKeyDetector, AWS.slice(0, -1)],
    ['AWS: a body one character long', awsAccessKeyDetector, `${AWS}Q`],
    ['AWS: a character outside base32', awsAccessKeyDetector, `${AWS.slice(0, -1)}1`],
    ['AWS: inside a longer token', awsAccessKeyDetector, `X${AWS}`],
    ['AWS: the documented example key', awsAccessKeyDetector, t('AKIA', 'IOSFODNN7', 'EXAMPLE')],
    ['AWS: another key-id kind (AIDA)', awsAccessKeyDetector, t('AIDA', body(16, BASE32))],
    ['GitHub: a body one character long', githubTokenDetector, `${GITHUB}a`],
    ['GitHub: an unknown kind letter', githubTokenDetector, GITHUB.replace('ghp', 'ghx')],
    ['GitHub: inside a longer token', githubTokenDetector, `x${GITHUB}`],
    ['GitHub: an x placeholder', githubTokenDetector, t('ghp', '_', 'x'.repeat(36))],
    ['GitHub: a variable', githubTokenDetector, 'ghp_${GITHUB_TOKEN}'],
    ['GitHub: an angle placeholder', githubTokenDetector, '<github-token>'],
    ['Slack: a body without ids', slackTokenDetector, t('xoxb', '-', 'not-a-real-token-at-all')],
    ['Slack: a placeholder', slackTokenDetector, t('xoxb', '-', 'your-token-here-123')],
    ['Slack: an unknown kind letter', slackTokenDetector, SLACK.replace('xoxb', 'xoxz')],
    ['Slack webhook: the documented placeholder', slackWebhookDetector, t('https://hooks.slack.com/services/', 'T00000000/B00000000/', 'X'.repeat(24))],
    ['Slack webhook: another host', slackWebhookDetector, SLACK_HOOK.replace('hooks.slack.com', 'hooks.example.com')],
    ['Stripe: a publishable key', stripeKeyDetector, t('pk_', 'live_', body(24))],
    ['Stripe: a body too short', stripeKeyDetector, t('sk_', 'live_', body(23))],
    ['Stripe: an x placeholder', stripeKeyDetector, t('sk_', 'test_', 'x'.repeat(24))],
    ['Stripe: a placeholder word', stripeKeyDetector, t('sk_', 'test_', 'EXAMPLEkey', body(20))],
    ['GCP: a body too short', gcpApiKeyDetector, GCP.slice(0, -1)],
    ['OpenAI: a legacy body too short', openaiApiKeyDetector, OPENAI_LEGACY.slice(0, -1)],
    ['OpenAI: a legacy body too long', openaiApiKeyDetector, `${OPENAI_LEGACY}a`],
    ['OpenAI: a 32-character hex key of another vendor', openaiApiKeyDetector, t('sk-', '0123456789abcdef0123456789abcdef')],
    ['OpenAI: a placeholder', openaiApiKeyDetector, t('sk-', 'your-api-key-here')],
    ['OpenAI: a project key placeholder', openaiApiKeyDetector, t('sk-', 'proj-', 'x'.repeat(60))],
    ['Anthropic: a body too short', anthropicApiKeyDetector, t('sk-', 'ant-', body(31))],
    ['Anthropic: a repeated-character placeholder', anthropicApiKeyDetector, t('sk-', 'ant-', 'api03-', '0'.repeat(90))],
    ['npm: a repeated-character body', npmTokenDetector, t('npm', '_', 'a'.repeat(36))],
    ['npm: inside a longer token', npmTokenDetector, `my-${NPM}`],
  ])('finds nothing for %s', (_name, detector, text) => {
    expect(found(detector, text)).toEqual([])
  })

  it('lists each prefixed detector once, each with its own type', () => {
    const types = PREFIXED_SECRET_DETECTORS.map((detector) => detector.type)
    expect(new Set(types).size).toBe(types.length)
  })
})
