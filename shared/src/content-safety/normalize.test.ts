import { describe, expect, it } from 'vitest'
import { decimalDigitValue, forEachUnicodeEvasion, normalizeText } from './normalize.js'

/** The zero of some decimal digit sets (UnicodeData.txt), each followed by 1…9. */
const ZEROS: [string, number][] = [
  ['fullwidth', 0xff10],
  ['Arabic-Indic', 0x0660],
  ['Extended Arabic-Indic', 0x06f0],
  ['Devanagari', 0x0966],
  ['Bengali', 0x09e6],
  ['Thai', 0x0e50],
  ['mathematical bold', 0x1d7ce],
  ['mathematical double-struck', 0x1d7d8],
  ['mathematical sans-serif', 0x1d7e2],
  ['mathematical monospace', 0x1d7f6],
]

describe('decimalDigitValue', () => {
  it.each(ZEROS)('reads the %s digits 0 to 9', (_name, zero) => {
    expect(Array.from({ length: 10 }, (_, value) => decimalDigitValue(zero + value))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it.each([
    ['a letter', 0x61],
    ['a circled digit (No, not Nd)', 0x2460],
    ['a superscript two (No)', 0xb2],
    ['a CJK numeral', 0x4e09],
  ])('gives undefined for %s', (_name, codePoint) => {
    expect(decimalDigitValue(codePoint)).toBeUndefined()
  })

  it('gives every Nd code point a value 0–9 whose zero is Nd too', () => {
    for (let codePoint = 0x80; codePoint <= 0x1ffff; codePoint += 1) {
      const value = decimalDigitValue(codePoint)
      if (value === undefined) continue
      expect(value).toBeGreaterThanOrEqual(0)
      expect(decimalDigitValue(codePoint - value)).toBe(0)
    }
  })
})

describe('normalizeText', () => {
  it.each([
    ['fullwidth Latin and @', 'ａｄａ＠ｅｘａｍｐｌｅ．ｏｒｇ', 'ada@example.org'],
    ['Arabic-Indic digits', '٤١١١', '4111'],
    ['Extended Arabic-Indic digits', '۴۱۱۱', '4111'],
    ['Devanagari digits', '४१११', '4111'],
    ['mathematical bold digits', '𝟒𝟏𝟏𝟏', '4111'],
    ['zero-width space, joiners, word joiner, BOM, soft hyphen', 'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u00ADg', 'abcdefg'],
    ['bidi controls and variation selectors', 'a\u202Eb\uFE0Fc', 'abc'],
    ['Cyrillic look-alikes', 'раураӏ ѕк_', 'paypal ѕк_'.replace('ѕ', 's')],
    ['Greek look-alikes', 'ΑΚΙΑ', 'AKIA'],
    ['dashes and minus signs', '123\u201145\u201367\u22128', '123-45-67-8'],
    ['no-break and ideographic spaces', 'a\u00A0b\u3000c', 'a b c'],
    ['a ligature', 'ﬁle', 'file'],
    ['mathematical letters', '𝐬𝐤', 'sk'],
  ])('rewrites %s', (_name, input, expected) => {
    expect(normalizeText(input).text).toBe(expected)
  })

  it.each([
    ['CJK text', '東京都千代田区'],
    ['Russian prose outside the table', 'Привет, мир'.replace(/[аеорсух]/g, 'л')],
    ['accented Latin', 'café naïve'],
    ['a fraction (NFKC is not ASCII-only)', '½'],
  ])('leaves %s as it is', (_name, input) => {
    const mapped = normalizeText(input)
    expect(mapped.text).toBe(input)
    expect([...mapped.changed].every((flag) => flag === 0)).toBe(true)
  })

  it('maps every rewritten unit back to its source range, astral characters included', () => {
    const input = 'x𝟒\u200B１y'
    const mapped = normalizeText(input)
    expect(mapped.text).toBe('x41y')
    expect([...mapped.starts]).toEqual([0, 1, 4, 5])
    expect([...mapped.ends]).toEqual([1, 3, 5, 6])
    // '1' follows a dropped character and is fullwidth: changed; 'y' is not.
    expect([...mapped.changed]).toEqual([0, 1, 1, 0])
  })

  it('visits only the characters it would change', () => {
    const offsets: number[] = []
    forEachUnicodeEvasion('é東１\u200Bz', (offset) => offsets.push(offset))
    expect(offsets).toEqual([2, 3])
  })
})
