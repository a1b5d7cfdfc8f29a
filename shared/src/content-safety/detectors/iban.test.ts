import { describe, expect, it } from 'vitest'
import { ibanDetector } from './iban.js'
import { seededRandom } from '../testing/fixtures.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string): string[] {
  const spans = ibanDetector.find(text)
  expect(ibanDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

/** Computes the check digits (ISO 7064 mod 97-10), to build valid IBANs of any country at run time. */
function withCheckDigits(country: string, bban: string): string {
  let remainder = 0
  for (const char of bban + country + '00') {
    const value = parseInt(char, 36)
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97
  }
  return country + String(98 - remainder).padStart(2, '0') + bban
}

/** The printed form: groups of four separated by `separator`. */
function grouped(iban: string, separator = ' '): string {
  return (iban.match(/.{1,4}/g) ?? []).join(separator)
}

// The SWIFT registry's own example IBANs (public, and not real accounts).
const DE = 'DE89370400440532013000'
const GB = 'GB82WEST12345698765432'
const NL = 'NL91ABNA0417164300'
const FR = 'FR1420041010050500013M02606'
const NO = 'NO9386011117947'
const LC = withCheckDigits('LC', 'HEMM000100010012001200023015')
const CH = withCheckDigits('CH', '00762011623852957')
const BE = withCheckDigits('BE', '539007547034')

describe('ibanDetector', () => {
  it.each([
    ['compact German', DE, DE],
    ['printed German', `IBAN: ${grouped(DE)}`, grouped(DE)],
    ['printed British', `pay ${grouped(GB)} by Friday`, grouped(GB)],
    ['lower-case German', `iban ${DE.toLowerCase()}`, DE.toLowerCase()],
    ['compact Dutch in JSON', `{"iban":"${NL}"}`, NL],
    ['French (a letter in the BBAN)', grouped(FR), grouped(FR)],
    ['Norwegian (the shortest)', NO, NO],
    ['Saint Lucian (long, all letters)', LC, LC],
    ['dash-grouped German', grouped(DE, '-'), grouped(DE, '-')],
    ['Swiss (built at run time)', CH, CH],
    ['printed Belgian (then a four-letter word)', `${grouped(BE)} Bank`, grouped(BE)],
    ['printed German (then a full stop)', `to ${grouped(DE)}.`, grouped(DE)],
  ])('finds a %s IBAN', (_name, text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it('finds two IBANs in a row', () => {
    expect(found(`${DE}, ${GB}`)).toEqual([DE, GB])
  })

  it.each([
    ['a wrong check digit', DE.replace('89', '88')],
    ['a changed BBAN digit', DE.slice(0, -1) + '1'],
    ['one character too many', `${DE}0`],
    ['one character too few', withCheckDigits('DE', '37040044053201300')],
    ['an unknown country', withCheckDigits('XX', '370400440532013000')],
    ['check digits 00', 'DE00370400440532013000'],
    ['a letter in a digits-only BBAN', withCheckDigits('DE', '37040044053201300A')],
    ['inside a longer word', `x${DE}`],
    ['followed by letters', `${DE}abc`],
    ['after an underscore', `acct_${DE}`],
    ['groups of three', 'DE8 937 040 044 053 201 300 0'],
    ['mixed separators', 'DE89 3704-0044 0532 0130 00'],
    ['two spaces between groups', 'DE89  3704  0044  0532  0130  00'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['a commit SHA', 'de89a1b2c3d4e5f60718293a4b5c6d7e8f901234'],
    ['an order id', 'ORDER-2024-000123456789'],
    ['a product code', 'GB12ABCD34567890123456'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it('needs at least 15 characters and two digits to run, and a run of 15 or a separator', () => {
    expect(ibanDetector.mayContain?.('DE89 short')).toBe(false)
    expect(ibanDetector.mayContain?.('no digits in this sentence')).toBe(false)
    // A version and an id joined: no run of 15, no blank or `-`.
    expect(ibanDetector.mayContain?.('v1.3.44f9c2a123456')).toBe(false)
    // The shortest grouped candidates are 14 characters, a run one short of 15 when `-` separates the groups.
    expect(ibanDetector.mayContain?.('pay:DE89-3704-0044')).toBe(true)
    expect(ibanDetector.mayContain?.('pay DE89 3704 0044')).toBe(true)
  })

  it('says a text may hold an IBAN whenever the candidate pattern matches in it', () => {
    // The candidate pattern of iban.ts: a false false of the precondition would be a leak.
    const candidate = /(?<![A-Za-z0-9_])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|([ -])[A-Za-z0-9]{4}(?:\1[A-Za-z0-9]{4}){1,6}(?:\1[A-Za-z0-9]{1,4})?)(?![A-Za-z0-9_])/
    const alphabets = ['DE0123456789', 'GBWEST0123 ', 'ab12-', 'DE89.0123_x', 'Gb0123456789 -.']
    const next = seededRandom(11)
    let matching = 0
    for (let i = 0; i < 20_000; i += 1) {
      const alphabet = alphabets[i % alphabets.length] as string
      const text = Array.from({ length: 10 + next(30) }, () => alphabet.charAt(next(alphabet.length))).join('')
      if (!candidate.test(text)) continue
      matching += 1
      expect([text, ibanDetector.mayContain?.(text)]).toEqual([text, true])
    }
    expect(matching).toBeGreaterThan(200)
  })

  it.each([
    ['a million letters and digits', `DE89${'1'.repeat(1_000_000)}`],
    ['endless groups', `DE89${' 1234'.repeat(200_000)}`],
    ['repeated candidates', 'DE89 3704 '.repeat(100_000)],
  ])('stays linear on %s', (_name, text) => {
    const started = performance.now()
    ibanDetector.find(text)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
