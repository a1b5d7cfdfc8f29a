import { describe, expect, it } from 'vitest'
import type { Detector } from './detector.js'
import type { EntityType } from './entities.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { createPrecondition } from './precondition.js'
import { resolveOverlaps, scanText, type TextFinding } from './scan-text.js'

const f = (type: EntityType, start: number, end: number): TextFinding => ({ type, start, end })
const fixed = (type: EntityType, ...spans: [number, number][]): Detector => ({
  type,
  find: () => spans.map(([start, end]) => ({ start, end })),
})

describe('resolveOverlaps', () => {
  it.each([
    ['a secret beats PII that covers more', [f('EMAIL', 0, 40), f('STRIPE_KEY', 0, 32)], [f('STRIPE_KEY', 0, 32)]],
    ['a named secret beats GENERIC_SECRET', [f('GENERIC_SECRET', 0, 50), f('GITHUB_TOKEN', 9, 49)], [f('GITHUB_TOKEN', 9, 49)]],
    ['GENERIC_SECRET beats PII', [f('EMAIL', 5, 20), f('GENERIC_SECRET', 0, 12)], [f('GENERIC_SECRET', 0, 12)]],
    ['the longer of two PII spans wins', [f('US_SSN', 0, 9), f('CREDIT_CARD', 0, 16)], [f('CREDIT_CARD', 0, 16)]],
    ['the earlier of two equal spans wins', [f('EMAIL', 4, 10), f('PHONE', 0, 6)], [f('PHONE', 0, 6)]],
    ['ENTITY_TYPES order breaks a full tie', [f('PHONE', 0, 6), f('EMAIL', 0, 6)], [f('EMAIL', 0, 6)]],
    ['touching spans both stay', [f('EMAIL', 0, 5), f('PHONE', 5, 9)], [f('EMAIL', 0, 5), f('PHONE', 5, 9)]],
    [
      'a span dropped for a secret does not shadow the spans it overlapped',
      [f('EMAIL', 0, 20), f('JWT', 15, 25), f('PHONE', 0, 10)],
      [f('PHONE', 0, 10), f('JWT', 15, 25)],
    ],
    [
      'spans that do not overlap stay, sorted',
      [f('JWT', 30, 40), f('EMAIL', 0, 5), f('PHONE', 10, 12)],
      [f('EMAIL', 0, 5), f('PHONE', 10, 12), f('JWT', 30, 40)],
    ],
  ])('%s', (_name, input, expected) => {
    expect(resolveOverlaps(input)).toEqual(expected)
  })

  it('keeps many separate findings without quadratic work', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => f('EMAIL', i * 3, i * 3 + 2))
    expect(resolveOverlaps(many.toReversed())).toEqual(many)
  })
})

describe('scanText', () => {
  it('combines detectors and settles their overlaps', () => {
    const detectors = [fixed('EMAIL', [0, 10]), fixed('AWS_ACCESS_KEY', [2, 8]), fixed('PHONE', [11, 12])]
    expect(scanText('0123456789ab', detectors)).toEqual([f('AWS_ACCESS_KEY', 2, 8), f('PHONE', 11, 12)])
  })

  it('skips a detector whose mayContain is false, and runs one without mayContain or with a true one', () => {
    const asked: string[] = []
    const spy = (type: EntityType, answer?: boolean): Detector => ({
      type,
      find: (text) => (asked.push(`find ${type}`), [{ start: 0, end: text.length }]),
      ...(answer === undefined ? {} : { mayContain: (text: string) => (asked.push(`mayContain ${type} ${text}`), answer) }),
    })
    expect(scanText('xy', [spy('EMAIL', false), spy('PHONE', true), spy('JWT')])).toEqual([f('JWT', 0, 2)])
    expect(asked).toEqual(['mayContain EMAIL xy', 'mayContain PHONE xy', 'find PHONE', 'find JWT'])
  })

  it('tests built preconditions inline for a frozen list, and keeps honouring a mayContain changed later', () => {
    const whole: Detector['find'] = (text) => [{ start: 0, end: text.length }]
    const atSign = { type: 'EMAIL', find: whole, mayContain: createPrecondition({ chars: '@' }) } as { type: EntityType; find: Detector['find']; mayContain: (text: string) => boolean }
    const custom: Detector = { type: 'JWT', find: whole, mayContain: (text) => text.startsWith('j') }
    const frozen = Object.freeze([atSign, custom])
    expect([scanText('a@b', frozen), scanText('ab', frozen), scanText('j@', frozen)]).toEqual([
      [f('EMAIL', 0, 3)],
      [],
      [f('JWT', 0, 2)],
    ])
    atSign.mayContain = () => true
    expect(scanText('ab', frozen)).toEqual([f('EMAIL', 0, 2)])
  })

  it('passes the context to every detector', () => {
    const seen: unknown[] = []
    scanText('text', [{ type: 'US_SSN', find: (_text, context) => (seen.push(context), []) }], { key: 'ssn' })
    expect(seen).toEqual([{ key: 'ssn' }])
  })

  it('finds a secret inside an email-shaped string as the secret', () => {
    const key = ['sk_', 'live_', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3'].join('')
    const text = `${key}@example.com`
    expect(scanText(text, DEFAULT_DETECTORS)).toEqual([f('STRIPE_KEY', 0, key.length)])
  })

  it('finds each kind once in mixed text, in order', () => {
    const text = 'mail ada@example.org, card 4111 1111 1111 1111, ssn 123-45-6789'
    expect(scanText(text, DEFAULT_DETECTORS).map((finding) => [finding.type, text.slice(finding.start, finding.end)])).toEqual([
      ['EMAIL', 'ada@example.org'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['US_SSN', '123-45-6789'],
    ])
  })

  it.each([
    ['an empty span', [3, 3]],
    ['a span past the end', [0, 99]],
    ['a negative start', [-1, 2]],
    ['a fractional offset', [0.5, 2]],
  ] as const)('throws when a detector returns %s', (_name, span) => {
    expect(() => scanText('0123456789', [fixed('PHONE', [...span])])).toThrow(
      new TypeError('a PHONE detector returned a span outside the text or empty'),
    )
  })
})
