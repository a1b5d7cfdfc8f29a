import { describe, expect, it } from 'vitest'
import { applyContentActions } from './apply-content-actions.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { scanJson } from './scan-json.js'
import { scanText } from './scan-text.js'
import { findSplitValues, MAX_PART } from './split-siblings.js'

const STRIPE = ['sk', 'live', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3'].join('_')
const scan = (text: string) => scanText(text, DEFAULT_DETECTORS)
const parts = (value: unknown) => scanJson(value).map((finding) => [finding.type, finding.path, finding.start, finding.end])

describe('values split across adjacent short strings', () => {
  it.each([
    [
      'a card in four array elements',
      { card: ['4111', '1111', '1111', '1111'] },
      [['CREDIT_CARD', '/card/0', 0, 4], ['CREDIT_CARD', '/card/1', 0, 4], ['CREDIT_CARD', '/card/2', 0, 4], ['CREDIT_CARD', '/card/3', 0, 4]],
    ],
    ['an email in two members', { first: 'ada', domain: '@example.org' }, [['EMAIL', '/first', 0, 3], ['EMAIL', '/domain', 0, 12]]],
    ['an SSN in groups', { parts: ['123', '45', '6789'] }, [['US_SSN', '/parts/0', 0, 3], ['US_SSN', '/parts/1', 0, 2], ['US_SSN', '/parts/2', 0, 4]]],
    ['a secret in two halves', { a: STRIPE.slice(0, 12), b: STRIPE.slice(12) }, [['STRIPE_KEY', '/a', 0, 12], ['STRIPE_KEY', '/b', 0, STRIPE.length - 12]]],
    [
      'a card after eight unrelated tags (sliding windows)',
      { tags: ['alpha', 'beta', 'gamma', 'delta', 'x', 'y', 'z', 'w', '4111', '1111', '1111', '1111'] },
      [['CREDIT_CARD', '/tags/8', 0, 4], ['CREDIT_CARD', '/tags/9', 0, 4], ['CREDIT_CARD', '/tags/10', 0, 4], ['CREDIT_CARD', '/tags/11', 0, 4]],
    ],
    [
      'a secret in three parts whose first part matches alone',
      { values: [`${STRIPE}Ab`, 'Cd3Ef4Gh5', 'Ij6Kl7'] },
      [['STRIPE_KEY', '/values/0', 0, STRIPE.length + 2], ['STRIPE_KEY', '/values/1', 0, 9], ['STRIPE_KEY', '/values/2', 0, 6]],
    ],
    ['a part that is only the end of its string', { a: 'mail: ada', b: '@example.org' }, [['EMAIL', '/a', 6, 9], ['EMAIL', '/b', 0, 12]]],
    ['a split value with an evasion in one part', { a: 'ada', b: '＠example.org' }, [['EMAIL', '/a', 0, 3], ['EMAIL', '/b', 0, 12]]],
    [
      'a phone number in groups before an identifier',
      { to: ['+1 206 555', '0131', '4f9c2a1168'] },
      [['PHONE', '/to/0', 0, 10], ['PHONE', '/to/1', 0, 4]],
    ],
  ])('finds %s, one finding per part', (_name, value, expected) => {
    expect(parts(value)).toEqual(expected)
  })

  it.each([
    ['a name next to an email (the email explains the join)', { name: 'Ada', email: 'ada@example.org' }, [['EMAIL', '/email', 0, 15]]],
    ['a date in parts', { date: ['2024', '01', '15'] }, []],
    ['ordinary tags', { tags: ['red', 'green', 'blue'] }, []],
    ['strings separated by a number', { a: ['4111', 1, '1111', '1111', '1111'] }, []],
    ['a content block', { content: [{ type: 'text', text: 'Echo: benchmark message' }] }, []],
    ['a key next to another field', { key: STRIPE, model: 'gpt4oMini' }, [['STRIPE_KEY', '/key', 0, STRIPE.length]]],
  ])('finds nothing new in %s', (_name, value, expected) => {
    expect(parts(value)).toEqual(expected)
  })

  it(`does not join strings longer than ${MAX_PART} characters`, () => {
    expect(parts({ a: `${'x '.repeat(MAX_PART / 2)}ada`, b: '@example.org' })).toEqual([])
  })

  it('redacts every part with apply-content-actions', () => {
    const value = { card: ['4111', '1111', '1111', '1111'], first: 'ada', domain: '@example.org', note: 'hi' }
    const { value: safe, applied } = applyContentActions(value, scanJson(value), () => 'redact')
    expect(safe).toEqual({
      card: Array(4).fill('[REDACTED:CREDIT_CARD]'),
      first: '[REDACTED:EMAIL]',
      domain: '[REDACTED:EMAIL]',
      note: 'hi',
    })
    expect(applied).toHaveLength(6)
  })

  it("joins parts with ' ' too when they hold digits, but not into a part whose first digits are glued to a letter", () => {
    const asked: string[] = []
    const asking = (text: string) => (asked.push(text), scan(text))
    findSplitValues(['v1.0.8', '2024'], [[], []], asking)
    expect(asked).toEqual(['v1.0.82024', 'v1.0.8 2024'])
    asked.length = 0
    // `4f9c…` begins an identifier, not a group of a number.
    findSplitValues(['v1.0.8', '4f9c2a1168', '15'], [[], [], []], asking)
    expect(asked).toEqual(['v1.0.84f9c2a116815', '4f9c2a1168 15'])
  })

  it('findSplitValues skips a run of one', () => {
    expect(findSplitValues(['4111111111111111'], [[]], scan)).toEqual([])
  })

  it('stays bounded on a long array of short strings', () => {
    const value = Array.from({ length: 100_000 }, (_, index) => String(index % 10_000))
    const started = performance.now()
    scanJson(value)
    expect(performance.now() - started).toBeLessThan(10_000)
    // The test's own timeout is above the bound it asserts, so a slow run fails on the bound, not on vitest's 5 s.
  }, 20_000)
})
