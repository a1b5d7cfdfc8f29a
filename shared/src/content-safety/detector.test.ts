import { describe, expect, it } from 'vitest'
import { assertDetectors, createRegexDetector, type Detector } from './detector.js'

describe('createRegexDetector', () => {
  const digits = createRegexDetector({ type: 'US_PASSPORT', pattern: /(?<!\d)\d{9}(?!\d)/g })

  it('returns every match as a span, in order', () => {
    expect(digits.find('a 123456789 b 987654321')).toEqual([
      { start: 2, end: 11 },
      { start: 14, end: 23 },
    ])
  })

  it('is pure: the same text gives the same spans on every call', () => {
    expect(digits.find('123456789')).toEqual(digits.find('123456789'))
    expect(digits.find('x 123456789')).toEqual([{ start: 2, end: 11 }])
  })

  it('retries one character after a rejected match', () => {
    const evenStart = createRegexDetector({
      type: 'PHONE',
      pattern: /\d{3}/g,
      check: (match) => (Number(match[0][0]) % 2 === 0 ? { start: match.index, end: match.index + 3 } : undefined),
    })
    expect(evenStart.find('12345')).toEqual([{ start: 1, end: 4 }])
  })

  it('passes the context to the check', () => {
    const keyed = createRegexDetector({
      type: 'US_SSN',
      pattern: /\d+/g,
      check: (match, _text, context) => (context.key === 'ssn' ? { start: match.index, end: match.index + match[0].length } : undefined),
    })
    expect(keyed.find('42', { key: 'ssn' })).toEqual([{ start: 0, end: 2 }])
    expect(keyed.find('42')).toEqual([])
  })

  it('never returns empty spans, even for a pattern that matches the empty string', () => {
    expect(createRegexDetector({ type: 'EMAIL', pattern: /x*/g }).find('abc')).toEqual([])
  })

  it('exposes the mayContain it is given, and has none without one', () => {
    const mayContain = (text: string): boolean => text.includes('1')
    expect(createRegexDetector({ type: 'US_PASSPORT', pattern: /1/g, mayContain }).mayContain).toBe(mayContain)
    expect(digits.mayContain).toBeUndefined()
  })

  it.each([
    [{ type: 'NOPE', pattern: /a/g }, '"type" must be one of the entity types in ENTITY_TYPES'],
    [{ type: 'EMAIL', pattern: /a/ }, '"pattern" must be a RegExp with the g flag'],
    [{ type: 'EMAIL', pattern: 'a' }, '"pattern" must be a RegExp with the g flag'],
    [{ type: 'EMAIL', pattern: /a/g, check: 1 }, '"check" must be a function'],
    [{ type: 'EMAIL', pattern: /a/g, mayContain: 'a' }, '"mayContain" must be a function'],
  ])('rejects bad options (%j)', (options, message) => {
    expect(() => createRegexDetector(options as never)).toThrow(new TypeError(message))
  })
})

describe('assertDetectors', () => {
  const valid: Detector = { type: 'EMAIL', find: () => [] }

  it('accepts an array of detectors, with or without mayContain', () => {
    expect(() => assertDetectors([valid, { ...valid, mayContain: () => true }], '"detectors"')).not.toThrow()
  })

  it.each([
    [{}, '"detectors" must be an array of detectors'],
    [[null], 'every entry of "detectors" must be an object with an entity "type" and a find(text) function'],
    [[{ type: 'EMAIL' }], 'every entry of "detectors" must be an object with an entity "type" and a find(text) function'],
    [[{ type: 'MAIL', find: () => [] }], 'every entry of "detectors" must be an object with an entity "type" and a find(text) function'],
    [[{ type: 'EMAIL', find: () => [], mayContain: null }], 'the "mayContain" of every entry of "detectors" must be a function or left out'],
  ])('rejects %j', (value, message) => {
    expect(() => assertDetectors(value, '"detectors"')).toThrow(new TypeError(message))
  })
})
