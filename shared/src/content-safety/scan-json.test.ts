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

  it('scans member names again under another key or detector list, and names with findings every time', () => {
    // A name found clean is remembered per detector list and parent key; each case below must still be found.
    const ssnName = '123456789'
    const calls: string[] = []
    const counting: Detector = { type: 'EMAIL', find: (text) => (calls.push(text), []) }
    const custom = Object.freeze([counting])
    for (let round = 0; round < 3; round += 1) {
      expect(scanJson({ [ssnName]: 1 })).toEqual([])
      expect(scanJson({ ssn: { [ssnName]: 1 } })).toEqual([
        { type: 'US_SSN', path: `/ssn/${ssnName}`, start: 0, end: 9, inKey: true },
      ])
      expect(scanJson({ [EMAIL]: 1, [`x${round}`]: 2 })).toEqual([{ type: 'EMAIL', path: `/${EMAIL}`, start: 0, end: 15, inKey: true }])
      scanJson({ note: 'n' }, { detectors: custom })
    }
    // The custom list scanned the name once and the value every time: a clean name is not scanned again.
    expect(calls).toEqual(['note', 'n', 'n', 'n'])
  })

  it('scans a string given on its own (path "")', () => {
    expect(scanJson(`mail ${EMAIL}`)).toEqual([{ type: 'EMAIL', path: '', start: 5, end: 20, inKey: false }])
  })

  it('scans a member named __proto__ as a member', () => {
    expect(scanJson(JSON.parse(`{"__proto__": "${EMAIL}"}`))).toEqual([
      { type: 'EMAIL', path: '/__proto__', start: 0, end: 15, inKey: false },
    ])
  })

  it('ignores booleans, null and values that are not JSON', () => {
    expect(scanJson({ b: true, c: null, d: undefined, e: () => EMAIL })).toEqual([])
  })

  describe('integer numbers', () => {
    it.each([
      ['a Visa number', { card: 4111111111111111 }, 'CREDIT_CARD', '/card', 16],
      ['a 13-digit Visa number', { n: 4222222222222 }, 'CREDIT_CARD', '/n', 13],
      ['a Mastercard number', { pan: 5555555555554444 }, 'CREDIT_CARD', '/pan', 16],
      ['an American Express number', { amex: 371449635398431 }, 'CREDIT_CARD', '/amex', 15],
      ['a Diners Club number', { n: 36227206271667 }, 'CREDIT_CARD', '/n', 14],
      ['a Discover number', { n: 6011111111111117 }, 'CREDIT_CARD', '/n', 16],
      ['a JCB number', { n: 3530111333300000 }, 'CREDIT_CARD', '/n', 16],
      ['a card number in an array', { cards: [1, 4111111111111111] }, 'CREDIT_CARD', '/cards/1', 16],
      ['a negative card number (the sign is part of the span)', { card: -4111111111111111 }, 'CREDIT_CARD', '/card', 17],
      ['nine digits under a member named ssn', { ssn: 123456789 }, 'US_SSN', '/ssn', 9],
      ['nine digits under a camelCase SSN name', { employeeSsn: 178051120 }, 'US_SSN', '/employeeSsn', 9],
      ['nine digits in an array under ssns', { ssns: [123456789] }, 'US_SSN', '/ssns/0', 9],
      ['nine digits under a member named social_security_number', { social_security_number: 219099999 }, 'US_SSN', '/social_security_number', 9],
    ] as const)('finds %s, over the whole number', (_name, value, type, path, end) => {
      expect(scanJson(value)).toEqual([{ type, path, start: 0, end, inKey: false }])
    })

    it.each([
      ['a Luhn-invalid 16-digit number', { card: 4111111111111112 }],
      ['a Luhn-valid number without a brand prefix', { n: 1000000000000008 }],
      ['nine digits under an unrelated name', { count: 123456789 }],
      ['nine digits as an order id', { orderId: 123456789 }],
      ['an order id of 15 digits', { orderId: 100000000000017 }],
      ['nine digits with no member name', [123456789]],
      ['an SSN-named number with an invalid area', { ssn: 666123456 }],
      ['an SSN-named number of eight digits', { ssn: 12345678 }],
      ['an SSN-named number of ten digits', { ssn: 1234567890 }],
      ['a timestamp in milliseconds', { ts: 1732406400000 }],
      ['a timestamp in microseconds', { ts: 1732406400000000 }],
      ['a timestamp in seconds, under an ssn name', { ssn: 1732406400 }],
      ['a float near a card number', { amount: 4111111111111111.5 }],
      ['a float under an ssn name', { ssn: 123456789.5 }],
      ['an integer beyond Number.MAX_SAFE_INTEGER', { n: 41111111111111111 }],
      ['a huge number written with an exponent', { n: 4.111111111111111e21 }],
      ['small integers', { ssn: 12345, n: 0, m: -1 }],
    ])('finds nothing in %s', (_name, value) => {
      expect(scanJson(value)).toEqual([])
    })

    it('never takes a millisecond timestamp from 2001 to 2096 for a card', () => {
      // 13 digits starting 1, 2 or 3 fit no brand (Visa's 13-digit numbers start with 4, from October 2096).
      const found: number[] = []
      const start = Date.UTC(2001, 8, 9, 1, 46, 40)
      const end = Date.UTC(2096, 0, 1)
      for (let ms = start; ms < end; ms += 299_993_023) if (scanJson({ ts: ms }).length > 0) found.push(ms)
      for (let ms = 1732406400000; ms < 1732406400000 + 20_000; ms += 1) if (scanJson({ ts: ms }).length > 0) found.push(ms)
      expect(found).toEqual([])
    })

    it('runs only the CREDIT_CARD and US_SSN detectors over numbers', () => {
      const everything: Detector = { type: 'GENERIC_SECRET', find: (text) => [{ start: 0, end: text.length }] }
      const cards: Detector = { type: 'CREDIT_CARD', find: (text) => [{ start: 0, end: text.length }] }
      expect(scanJson({ n: 123456789 }, { detectors: [everything] })).toEqual([
        { type: 'GENERIC_SECRET', path: '/n', start: 0, end: 1, inKey: true },
      ])
      expect(scanJson({ n: 123456789 }, { detectors: [cards] }).map((finding) => [finding.path, finding.inKey, finding.end])).toEqual([
        ['/n', true, 1],
        ['/n', false, 9],
      ])
    })

    it('reports one finding per number, over all of it, whatever the detectors return', () => {
      const parts: Detector = { type: 'US_SSN', find: () => [{ start: 1, end: 3 }, { start: 5, end: 7 }] }
      const whole: Detector = { type: 'US_SSN', find: (text) => [{ start: 0, end: text.length }] }
      const card: Detector = { type: 'CREDIT_CARD', find: (text) => [{ start: 0, end: text.length }] }
      expect(scanJson(123456789, { detectors: [parts] })).toEqual([{ type: 'US_SSN', path: '', start: 0, end: 9, inKey: false }])
      // Two types over the same digits: the overlap rule decides (here the order of ENTITY_TYPES).
      expect(scanJson(123456789, { detectors: [whole, card] })).toEqual([{ type: 'CREDIT_CARD', path: '', start: 0, end: 9, inKey: false }])
    })

    it('scans a number given on its own, with the key option as its member name', () => {
      expect(scanJson(123456789, { key: 'ssn' })).toEqual([{ type: 'US_SSN', path: '', start: 0, end: 9, inKey: false }])
      expect(scanJson(123456789)).toEqual([])
      expect(scanJson(4111111111111111)).toEqual([{ type: 'CREDIT_CARD', path: '', start: 0, end: 16, inKey: false }])
    })
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
