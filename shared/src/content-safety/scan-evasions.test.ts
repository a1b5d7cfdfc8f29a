import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { EntityType } from './entities.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { mayHoldEvasion } from './scan-evasions.js'
import { scanText } from './scan-text.js'

// Secret-shaped values are built at run time and obviously synthetic.
const STRIPE = ['sk', 'live', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3'].join('_')
const GITHUB = ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_')
const b64 = (text: string): string => Buffer.from(text).toString('base64')
const hex = (text: string): string => Buffer.from(text).toString('hex')
const fullwidth = (text: string): string => text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0))
const digitsIn = (zero: number, text: string): string => text.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)))

const found = (text: string): [EntityType, string][] =>
  scanText(text, DEFAULT_DETECTORS).map((finding) => [finding.type, text.slice(finding.start, finding.end)])

describe('scanText survives evasions, reporting the original span', () => {
  it.each<[string, string, EntityType, string]>([
    // Unicode digits
    ['fullwidth digits', 'card ４１１１ １１１１ １１１１ １１１１ exp', 'CREDIT_CARD', '４１１１ １１１１ １１１１ １１１１'],
    ['Arabic-Indic digits', `card ${digitsIn(0x660, '4111111111111111')}`, 'CREDIT_CARD', digitsIn(0x660, '4111111111111111')],
    ['Extended Arabic-Indic digits', `ssn ${digitsIn(0x6f0, '123-45-6789')}`, 'US_SSN', digitsIn(0x6f0, '123-45-6789')],
    ['Devanagari digits', `card ${digitsIn(0x966, '5555555555554444')}`, 'CREDIT_CARD', digitsIn(0x966, '5555555555554444')],
    ['mathematical bold digits', `card ${digitsIn(0x1d7ce, '4111111111111111')}`, 'CREDIT_CARD', digitsIn(0x1d7ce, '4111111111111111')],
    ['double-struck digits', `ssn ${digitsIn(0x1d7d8, '123-45-6789')}`, 'US_SSN', digitsIn(0x1d7d8, '123-45-6789')],
    // Invisible characters
    ['zero-width spaces in an email', 'to ada\u200B@exam\u200Bple.org now', 'EMAIL', 'ada\u200B@exam\u200Bple.org'],
    ['a soft hyphen and a word joiner in a card', 'card 4111\u00AD1111\u20601111 1111', 'CREDIT_CARD', '4111\u00AD1111\u20601111 1111'],
    ['a BOM inside a secret', `key ${STRIPE.slice(0, 9)}\uFEFF${STRIPE.slice(9)}`, 'STRIPE_KEY', `${STRIPE.slice(0, 9)}\uFEFF${STRIPE.slice(9)}`],
    // Homoglyphs and NFKC
    ['fullwidth email', `mail ${fullwidth('ada@example.org')}`, 'EMAIL', fullwidth('ada@example.org')],
    ['Cyrillic letters in an email', 'mail аdа@ехаmple.org', 'EMAIL', 'аdа@ехаmple.org'],
    ['Cyrillic letters in a secret prefix', `key ѕk_livе_${STRIPE.slice(8)}`, 'STRIPE_KEY', `ѕk_livе_${STRIPE.slice(8)}`],
    ['Greek capitals in a key prefix', `id ΑΚΙΑ${'IOSFODNN7EXAMPLE'.replace('EXAMPLE', 'QWERTYZ')}`, 'AWS_ACCESS_KEY', `ΑΚΙΑ${'IOSFODNN7QWERTYZ'}`],
    ['a fullwidth @', 'mail ada＠example.org', 'EMAIL', 'ada＠example.org'],
    ['Unicode dashes in an SSN', 'ssn 123\u201145\u20116789', 'US_SSN', '123\u201145\u20116789'],
    // Escapes
    ['a percent-escaped @', 'q=ada%40example.org&x=1', 'EMAIL', 'ada%40example.org'],
    ['\\u escapes', 'to ada\\u0040example\\u002eorg', 'EMAIL', 'ada\\u0040example\\u002eorg'],
    ['\\x escapes', 'to ada\\x40example.org', 'EMAIL', 'ada\\x40example.org'],
    ['HTML character references', 'to ada&#64;example&#x2e;org', 'EMAIL', 'ada&#64;example&#x2e;org'],
    ['a percent-escaped fullwidth @ (escape then homoglyph)', 'ada%EF%BC%A0example.org', 'EMAIL', 'ada%EF%BC%A0example.org'],
    ['percent-escaped digits', 'card %34%31%31%31111111111111', 'CREDIT_CARD', '%34%31%31%31111111111111'],
    // Separators between digit groups
    ['dots in a card', 'note 5517.0538.6150.4078 ok', 'CREDIT_CARD', '5517.0538.6150.4078'],
    ['slashes in a card', 'card 4111/1111/1111/1111', 'CREDIT_CARD', '4111/1111/1111/1111'],
    ['spaced dashes in a card', 'card 4111 - 1111 - 1111 - 1111', 'CREDIT_CARD', '4111 - 1111 - 1111 - 1111'],
    ['double spaces in a card', 'card 4111  1111  1111  1111', 'CREDIT_CARD', '4111  1111  1111  1111'],
    ['a line break in a card', 'card 4111 1111\n1111 1111', 'CREDIT_CARD', '4111 1111\n1111 1111'],
    ['plus signs in a card', 'card 4111+1111+1111+1111', 'CREDIT_CARD', '4111+1111+1111+1111'],
    ['dots in an SSN', 'ssn 123.45.6789', 'US_SSN', '123.45.6789'],
    ['slashes in an SSN', 'ssn 123/45/6789', 'US_SSN', '123/45/6789'],
    // Defanged
    ['a defanged email', 'write to ada [at] example [dot] org today', 'EMAIL', 'ada [at] example [dot] org'],
    ['a defanged email in parentheses', 'grace(at)initech(dot)dev', 'EMAIL', 'grace(at)initech(dot)dev'],
    // Encodings: the whole run is reported
    ['a base64 email', `blob ${b64('contact: ada@example.org')} end`, 'EMAIL', b64('contact: ada@example.org')],
    ['a base64url secret', `t=${Buffer.from(`key=${GITHUB}`).toString('base64url')}`, 'GITHUB_TOKEN', Buffer.from(`key=${GITHUB}`).toString('base64url')],
    ['a hex card', `h ${hex('4111 1111 1111 1111')}`, 'CREDIT_CARD', hex('4111 1111 1111 1111')],
    ['a base64 value hiding fullwidth digits', `x ${b64('ssn １２３-４５-６７８９')}`, 'US_SSN', b64('ssn １２３-４５-６７８９')],
  ])('%s', (_name, text, type, value) => {
    expect(found(text)).toEqual([[type, value]])
  })

  it('keeps raw findings and adds the evasive ones once, in order', () => {
    const text = `a ada@example.org b ada%40example.org c ${STRIPE}`
    expect(found(text)).toEqual([
      ['EMAIL', 'ada@example.org'],
      ['EMAIL', 'ada%40example.org'],
      ['STRIPE_KEY', STRIPE],
    ])
  })
})

describe('scanText does not turn ordinary text into findings', () => {
  it.each([
    ['base64 of an ordinary sentence', b64('The quick brown fox jumps over the lazy dog')],
    ['a hex SHA-256', createHash('sha256').update('abc').digest('hex')],
    ['a base64 SHA-512', createHash('sha512').update('abc').digest('base64')],
    ['a git SHA and a UUID', `${createHash('sha1').update('c').digest('hex')} 3f2504e0-4f89-11d3-9a0c-0305e82c3301`],
    ['CJK text with fullwidth numbers', '注文番号 ２０２４年１２月 価格 １２３４円'],
    ['Arabic text with Arabic-Indic date', `التاريخ ${digitsIn(0x660, '2024-11-24')}`],
    ['Russian prose', 'Привет, как дела? Всё хорошо, спасибо.'],
    ['prose with typographic dashes and quotes', 'It’s 9–5 — “every day” … 50% off'],
    ['percent-escaped ordinary text', 'q=hello%20world%21&page=2'],
    ['a Windows path', 'C:\\Users\\ada\\x64\\uninstall.exe'],
    ['a short Unicode-digit number', digitsIn(0xff10, '12345')],
    ['versions, dates and decimals', 'release v1.22.333 on 2024/11/24, 12.5/13.75/14.25'],
    ['a dotted OID', 'oid 1.3.6.1.4.1.311.21.8.1234567'],
    ['brackets and parentheses in prose', 'see [the docs] (at least section 2) and the list [.] here'],
    ['a Luhn-invalid card with dots', 'card 4111.1111.1111.1112'],
  ])('%s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it.each([
    ['prose', 'Please summarise the document and send it to the team'],
    ['a lowercase path', '/home/user/projects/app/src/index.ts'],
    ['a short identifier', 'user_id_42'],
  ])('the gate lets %s through without extra passes', (_name, text) => {
    expect(mayHoldEvasion(text)).toBe(false)
  })
})

describe('bounded work', () => {
  it('scans a 10 MB string with scattered odd characters and finds the hidden values in a bounded time', () => {
    const filler = 'lorem ipsum dolor sit amet é 東京 '.repeat(330_000)
    const text = `${filler}ada＠example.org ${filler.slice(0, 1000)}ada%40example.org`
    const started = performance.now()
    expect(found(text).map(([type]) => type)).toEqual(['EMAIL', 'EMAIL'])
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it.each([
    ['percent-escapes', '%41'.repeat(1_000_000)],
    ['zero-width characters', '\u200B'.repeat(1_000_000)],
    ['a base64 run', 'QUFB'.repeat(500_000)],
    ['\\u escapes', '\\u0041'.repeat(500_000)],
    ['digit groups with odd separators', '12.'.repeat(1_000_000)],
    ['digits and double spaces', '1  '.repeat(1_000_000)],
  ])('stays linear on 3 MB of %s', (_name, text) => {
    const started = performance.now()
    scanText(text, DEFAULT_DETECTORS)
    expect(performance.now() - started).toBeLessThan(10_000)
  })
})
