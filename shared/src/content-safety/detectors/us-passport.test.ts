import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { usPassportDetector } from './us-passport.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = usPassportDetector.find(text, context)
  expect(usPassportDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('usPassportDetector', () => {
  it.each([
    ['passport 123456789', '123456789'],
    ['Passport No.: 987654321', '987654321'],
    ['US passport number A12345678 expires 2031', 'A12345678'],
    ['passport_number=c03005988', 'c03005988'],
    ['{"passportNo":"X98765432"}', 'X98765432'],
    ['PASSPORT #: 530123456.', '530123456'],
    ['my passport, issued in 2019, is 412345678', '412345678'],
  ])('finds the number in %j', (text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it.each(['passport', 'passportNumber', 'passport_no', 'travelerPassport', 'PASSPORT_ID'])(
    'finds a number under a member named %j',
    (key) => {
      expect(found('A12345678', { key })).toEqual(['A12345678'])
      expect(found('123456789', { key })).toEqual(['123456789'])
    },
  )

  it('finds numbers in a table column headed "passport"', () => {
    const csv = 'name,passport,nationality\nGrace Hopper,391878321,US\nAlan Turing,E20579203,US\n'
    expect(found(csv)).toEqual(['391878321', 'E20579203'])
    expect(found('name\tPassport No\r\nAda\tA12345678\r\n')).toEqual(['A12345678'])
  })

  it('needs the number to sit in the passport column of a table', () => {
    expect(found(`name,passport,order\n${'Grace Hopper,,1\n'.repeat(3)}Ada,,391878321\n`)).toEqual([])
    expect(found(`name,passport\n${'Grace Hopper,x,y\n'.repeat(4)}Ada,391878321,extra\n`)).toEqual([])
    expect(found('passport photos\nthis line is not a table row: order 391878321')).toEqual([])
  })

  it('finds every number after one context word', () => {
    expect(found('passports: 123456789, 234567891')).toEqual(['123456789', '234567891'])
  })

  it.each([
    ['nine digits with no context word', '123456789'],
    ['a letter and eight digits with no context word', 'A12345678'],
    ['an order number', 'order 123456789'],
    ['the context word too far before', `passport ${'x'.repeat(40)} 123456789`],
    ['eight digits', 'passport 12345678'],
    ['ten digits', 'passport 1234567890'],
    ['two letters and seven digits', 'passport AB1234567'],
    ['a letter and nine digits', 'passport A123456789'],
    ['digits inside a word', 'passport ref123456789'],
    ['a dashed longer id', 'passport 123456789-01'],
    ['a decimal', 'passport fee 123456789.50'],
    ['an SSN shape', 'passport 123-45-6789'],
    ['a repeated digit', 'passport 000000000'],
    ['a repeated digit after a letter', 'passport A00000000'],
    ['a date', 'passport expires 2031-05-01'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it('needs the context word in the member name, not just any name', () => {
    expect(found('123456789', { key: 'orderId' })).toEqual([])
  })

  it.each([
    ['a million digits', `passport ${'1'.repeat(1_000_000)}`],
    ['candidates in a row', 'passport 123456789 '.repeat(50_000)],
    ['letters and digits', 'A1'.repeat(500_000)],
    ['a table header and an endless row', `name,passport\n${'123456789,'.repeat(100_000)}`],
    ['a table with many rows', `name,passport\n${'Ada,123456789\n'.repeat(70_000)}`],
  ])('stays linear on %s', (_name, text) => {
    const started = performance.now()
    usPassportDetector.find(text)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
