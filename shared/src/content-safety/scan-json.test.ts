import { describe, expect, it } from 'vitest'
import type { Detector } from './detector.js'
import { scanJson } from './scan-json.js'

const EMAIL = 'ada@example.org'

describe('scanJson', () => {
  it('finds values in strings and member names at any depth, in document order', () => {
    const value = { to: EMAIL, list: [1, true, null, { note: `card 4111 1111 1111 1111` }], [EMAIL]: 'x' }
    expect(scanJson(value)).toEqual([
      { type: 'EMAIL', path: '/to', start: 0, end: 15, inKey: false },
      { type: 'CREDIT_CARD', path: '/list/3/note', start: 5, end: 24, inKey: false },
      { type: 'EMAIL', path: `/${EMAIL}`, start: 0, end: 15, inKey: true },
    ])
  })

  it('escapes ~ and / in paths (RFC 6901)', () => {
    expect(scanJson({ 'a/b': { 'm~n': EMAIL } }).map((finding) => finding.path)).toEqual(['/a~1b/m~0n'])
  })

  it('gives a key finding the path of its member, even when the value holds findings too', () => {
    expect(scanJson({ [`to ${EMAIL}`]: `cc ${EMAIL}` })).toEqual([
      { type: 'EMAIL', path: `/to ${EMAIL}`, start: 3, end: 18, inKey: true },
      { type: 'EMAIL', path: `/to ${EMAIL}`, start: 3, end: 18, inKey: false },
    ])
  })

  it('scans a string given on its own (path "")', () => {
    expect(scanJson(`mail ${EMAIL}`)).toEqual([{ type: 'EMAIL', path: '', start: 5, end: 20, inKey: false }])
  })

  it('scans a member named __proto__ as a member', () => {
    expect(scanJson(JSON.parse(`{"__proto__": "${EMAIL}"}`))).toEqual([
      { type: 'EMAIL', path: '/__proto__', start: 0, end: 15, inKey: false },
    ])
  })

  it('ignores numbers, booleans, null and values that are not JSON', () => {
    expect(scanJson({ a: 4111111111111111, b: true, c: null, d: undefined, e: () => EMAIL })).toEqual([])
  })

  it('gives detectors the nearest member name, through arrays', () => {
    expect(scanJson({ ssn: '123456789', ssns: ['123456789'], order: '123456789' }).map((finding) => finding.path)).toEqual([
      '/ssn',
      '/ssns/0',
    ])
  })

  it('uses the key option as the member name of the scanned value', () => {
    expect(scanJson('123456789', { key: 'ssn' })).toHaveLength(1)
    expect(scanJson('123456789')).toEqual([])
  })

  it('walks 10,000 levels of nesting without overflowing the stack', () => {
    let value: unknown = EMAIL
    for (let depth = 0; depth < 10_000; depth += 1) value = depth % 2 === 0 ? { k: value } : [value]
    const [finding] = scanJson(value)
    // The outermost level is an array (built last), so the pointer starts with /0.
    expect(finding?.path === '/0/k'.repeat(5_000)).toBe(true)
  })

  it('scans a 10 MB string in full and finds values planted in the middle and at the end', () => {
    const filler = 'lorem ipsum 12345 dolor, '.repeat(200_000)
    const text = `${filler}card 4111-1111-1111-1111 ${filler}${EMAIL}`
    expect(text.length).toBeGreaterThan(10_000_000)
    expect(scanJson({ text }).map((finding) => finding.type)).toEqual(['CREDIT_CARD', 'EMAIL'])
  })

  it('stops after maxFindings', () => {
    const value = Array.from({ length: 10 }, () => `${EMAIL} ${EMAIL}`)
    expect(scanJson(value, { maxFindings: 3 })).toHaveLength(3)
    expect(scanJson(value)).toHaveLength(20)
  })

  it('runs the given detectors only', () => {
    const everything: Detector = { type: 'GENERIC_SECRET', find: (text) => (text === '' ? [] : [{ start: 0, end: text.length }]) }
    expect(scanJson({ a: EMAIL, b: 'x' }, { detectors: [everything] }).map((finding) => [finding.type, finding.path])).toEqual([
      ['GENERIC_SECRET', '/a'],
      ['GENERIC_SECRET', '/a'],
      ['GENERIC_SECRET', '/b'],
      ['GENERIC_SECRET', '/b'],
    ])
  })

  it('scans a value reached twice through different paths at each path', () => {
    const shared = { mail: EMAIL }
    expect(scanJson({ a: shared, b: shared }).map((finding) => finding.path)).toEqual(['/a/mail', '/b/mail'])
  })

  it('throws TypeError for a value that contains itself', () => {
    const cyclic: Record<string, unknown> = { a: EMAIL }
    cyclic['self'] = [cyclic]
    expect(() => scanJson(cyclic)).toThrow(new TypeError('the value refers to itself, so it is not JSON and cannot be scanned'))
  })

  it.each([
    [null, 'options must be an object'],
    [{ maxFindings: 0 }, '"maxFindings" must be a positive integer'],
    [{ maxFindings: 1.5 }, '"maxFindings" must be a positive integer'],
    [{ detectors: 'all' }, '"detectors" must be an array of detectors'],
    [{ key: 1 }, '"key" must be a string'],
  ])('rejects options %j', (options, message) => {
    expect(() => scanJson({}, options as never)).toThrow(new TypeError(message))
  })
})
