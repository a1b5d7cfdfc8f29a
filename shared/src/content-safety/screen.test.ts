import { describe, expect, it } from 'vitest'
import { createRegexDetector, type Detector, type DetectorContext } from './detector.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { createPrecondition } from './precondition.js'
import { scanText } from './scan-text.js'
import { screenOf, screenText } from './screen.js'

/** What the detectors' own preconditions answer, one by one: the indexes of those that hold (undefined: none). */
function askedOneByOne(detectors: readonly Detector[], text: string, context: DetectorContext): number[] | undefined {
  const holding = detectors.flatMap((detector, index) => (detector.mayContain === undefined || detector.mayContain(text, context) ? [index] : []))
  return holding.length === 0 ? undefined : holding
}

const TEXTS = [
  '',
  'deploy',
  'deploy the weekly report',
  '/home/dev/projects/app/src/customer/report.ts',
  "SELECT id, status FROM orders WHERE status = 'open' LIMIT 42",
  'v1.8.84f9c2a911360',
  'write to ada@example.org',
  'card 4111 1111 1111 1111',
  'ssn: 123-45-6789',
  'call +44 7700 900958',
  'GB82 WEST 1234 5698 7654 32',
  'ssh admin@10.0.0.12 or [2001:db8::1]',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'token ghp_Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3',
  'Authorization: Bearer abc123def456',
  'postgres://app:s3cr3t-pw@db/app',
  'DB_PASSWORD=hunter2!',
  'the wifi password is Tr0ub4dor',
  'docker login -u ci -p S3cret-pw1',
  '<password>hunter22</password>',
  '-----BEGIN PRIVATE KEY-----',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  'ａｄａ＠example.org',
  'passport C12345678',
]
const CONTEXTS: DetectorContext[] = [{}, { key: 'password' }, { key: 'auth' }, { key: 'phone' }, { key: 'message' }]
/** `text` with at most `count` digits: the later ones are left out. */
function firstDigits(text: string, count: number): string {
  let kept = 0
  return text.replace(/[0-9]/g, (digit) => (kept++ < count ? digit : ''))
}

/**
 * Each text also without its digits, its punctuation, its capitals or its lowercase letters, with six or seven
 * digits only, without `-`, `:`, `x` or `b`, so every feature that picks a row list (screen.ts) is asked, including on
 * texts that lack what a row needs.
 */
const VARIANTS = [...TEXTS, `key ${'A'.repeat(31)}`, `key ${'A'.repeat(32)}`, 'xoxb-1-2-abc'].flatMap((text) => [
  text,
  text.replace(/[0-9]/g, ''),
  text.replace(/[^A-Za-z0-9]/g, ''),
  text.toLowerCase(),
  text.toUpperCase(),
  text.replace(/[a-z]/g, ''),
  firstDigits(text, 6),
  firstDigits(text, 7),
  text.replace(/-/g, ''),
  text.replace(/:/g, ''),
  text.replace(/x/gi, ''),
  text.replace(/b/gi, ''),
])

describe('screenText', () => {
  it('names exactly the built-in detectors whose preconditions hold, in order', () => {
    const screen = screenOf(DEFAULT_DETECTORS)
    expect(screen).toBeDefined()
    let named = 0
    for (const text of VARIANTS) {
      for (const context of CONTEXTS) {
        const expected = askedOneByOne(DEFAULT_DETECTORS, text, context)
        named += expected?.length ?? 0
        expect([text, context, screen && screenText(screen, text, context)]).toEqual([text, context, expected])
      }
    }
    // Not vacuous: many detectors were named, and many strings named none.
    expect(named).toBeGreaterThan(TEXTS.length)
  })

  it('asks a precondition it did not build, and names a detector without one for every text', () => {
    const asked: string[] = []
    const custom: Detector = { type: 'EMAIL', find: () => [], mayContain: (text) => (asked.push(text), text.includes('!')) }
    const always: Detector = { type: 'PHONE', find: () => [] }
    const built = createRegexDetector({ type: 'NPM_TOKEN', pattern: /npm_\w+/g, mayContain: createPrecondition({ anyOf: ['npm_'] }) })
    const detectors = Object.freeze([custom, always, built])
    const screen = screenOf(detectors)
    expect(screen && screenText(screen, 'hi!', {})).toEqual([0, 1])
    expect(screen && screenText(screen, 'npm_x', {})).toEqual([1, 2])
    expect(asked).toEqual(['hi!', 'npm_x'])
    expect(screenOf([...detectors])).toBeUndefined()
  })

  it('follows a precondition replaced after the table was built', () => {
    const detector = createRegexDetector({ type: 'NPM_TOKEN', pattern: /tok_\w+/g, mayContain: createPrecondition({ anyOf: ['npm_'] }) })
    const detectors = Object.freeze([detector])
    expect(scanText('tok_abc', detectors)).toEqual([])
    ;(detector as { mayContain?: Detector['mayContain'] }).mayContain = createPrecondition({ anyOf: ['tok_'] })
    expect(scanText('tok_abc', detectors)).toEqual([{ type: 'NPM_TOKEN', start: 0, end: 7 }])
  })
})
