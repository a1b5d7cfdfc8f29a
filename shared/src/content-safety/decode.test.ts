import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { findEncodedRuns, MAX_ENCODED_RUN, mayHoldEncodedRun, unescapeText } from './decode.js'
import { seededRandom } from './testing/fixtures.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')
const hex = (text: string): string => Buffer.from(text).toString('hex')

describe('unescapeText', () => {
  it.each([
    ['percent-escapes', 'ada%40example.org', 'ada@example.org'],
    ['lowercase percent-escapes', 'a%2fb%2Fc', 'a/b/c'],
    ['a UTF-8 percent run', 'x%EF%BC%A0y', 'x＠y'],
    ['\\u escapes', 'ada\\u0040example\\u002eorg', 'ada@example.org'],
    ['\\u{…} escapes', 'ada\\u{40}example.org', 'ada@example.org'],
    ['\\x escapes', 'ada\\x40example.org', 'ada@example.org'],
    ['decimal and hex character references', 'ada&#64;example&#x2E;org', 'ada@example.org'],
  ])('decodes %s', (_name, input, expected) => {
    expect(unescapeText(input)?.text).toBe(expected)
  })

  it.each([
    ['no escape at all', 'plain text'],
    ['a percentage', '50% off'],
    ['a backslash path', 'C:\\Users\\ada'],
    ['an escape naming no code point', '&#99999999;'],
  ])('changes nothing in %s', (_name, input) => {
    const mapped = unescapeText(input)
    expect(mapped === undefined || mapped.text === input).toBe(true)
  })

  it('maps each decoded character to its own escape', () => {
    const mapped = unescapeText('a%40b\\u0040c')
    expect(mapped?.text).toBe('a@b@c')
    expect([...(mapped?.starts ?? [])]).toEqual([0, 1, 4, 5, 11])
    expect([...(mapped?.ends ?? [])]).toEqual([1, 4, 5, 11, 12])
    expect([...(mapped?.changed ?? [])]).toEqual([0, 1, 0, 1, 0])
  })
})

describe('findEncodedRuns', () => {
  it.each([
    ['base64', b64('mail ada@example.org now')],
    ['unpadded base64url', Buffer.from('ssn: 123-45-6789 ok?>').toString('base64url')],
    ['16 characters with padding', b64('123-45-6789')],
    ['hex', hex('card 4111 1111 1111 1111')],
    ['0x-prefixed hex', `0x${hex('ada@example.org')}`],
  ])('decodes a run of %s that holds text', (_name, run) => {
    const text = `data: ${run} end`
    expect(mayHoldEncodedRun(text)).toBe(true)
    const runs = findEncodedRuns(text)
    expect(runs.map((found) => text.slice(found.start, found.end))).toEqual([run])
    expect(runs[0]?.decoded).toMatch(/ada@example\.org|123-45-6789|4111 1111/)
  })

  it.each([
    ['a hex SHA-256', createHash('sha256').update('x').digest('hex')],
    ['a git commit SHA', createHash('sha1').update('commit').digest('hex')],
    ['base64 of random bytes', createHash('sha512').update('y').digest('base64')],
    ['a UUID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['a long lowercase path', '/home/user/projects/application/src/index'],
    ['a long identifier', 'ThisIsAVeryLongIdentifierName'],
    ['a run shorter than 16 (padding included)', b64('ada@x.io')],
  ])('leaves %s alone', (_name, run) => {
    expect(findEncodedRuns(`value ${run} here`)).toEqual([])
  })

  it('does not decode a run longer than MAX_ENCODED_RUN', () => {
    const run = b64('a@example.org '.repeat(MAX_ENCODED_RUN / 10))
    expect(run.length).toBeGreaterThan(MAX_ENCODED_RUN)
    expect(findEncodedRuns(run)).toEqual([])
  })

  it.each([
    ['prose', 'An ordinary sentence about nothing in particular, with short words.'],
    ['a lowercase path', '/home/user/projects/application/src/index.ts'],
  ])('the gate passes over %s', (_name, text) => {
    expect(mayHoldEncodedRun(text)).toBe(false)
  })

  it('the gate holds exactly when a run of 14 has both cases, is all hex or starts with 0x', () => {
    // Its definition, as a regex over maximal runs of base64 characters.
    const defined = (text: string): boolean =>
      [...text.matchAll(/[A-Za-z0-9+/_-]+/g)].some(
        ([run]) => run.length >= 14 && ((/[A-Z]/.test(run) && /[a-z]/.test(run)) || /^[0-9A-Fa-f]+$/.test(run) || run.startsWith('0x')),
      )
    // Hex digits and other letters, in one case mostly (the lowercase walk) and sometimes both or an `x`.
    const alphabets = ['0123456789abcdef', '0123456789abcdefgz', 'abcdefz/.', '0123456789abcdefxZ', '0123456789abcdef-_ =']
    const next = seededRandom(5)
    let holding = 0
    for (let i = 0; i < 5_000; i += 1) {
      const alphabet = alphabets[i % alphabets.length] as string
      const text = Array.from({ length: next(60) }, () => alphabet.charAt(next(alphabet.length))).join('')
      const expected = defined(text)
      if (expected) holding += 1
      expect([text, mayHoldEncodedRun(text)]).toEqual([text, expected])
    }
    expect(holding).toBeGreaterThan(500)
    expect(holding).toBeLessThan(4_500)
  })
})
