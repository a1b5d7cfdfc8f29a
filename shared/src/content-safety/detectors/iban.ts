/**
 * shared/src/content-safety/detectors/iban.ts — International Bank Account Numbers (ISO 13616).
 *
 * A two-letter country code, two check digits and the country's BBAN, written compact (`DE89370400440532013000`)
 * or in the printed form of ISO 13616-1 §5.4 (groups of four separated by single spaces: `DE89 3704 0044 0532 0130
 * 00`; single dashes are taken too, the same separator throughout). Letters in any case. A candidate is reported
 * only when its length is the one the SWIFT IBAN registry gives its country, the check digits are in 02–98, the
 * BBAN is all digits where the registry says so, and the ISO 7064 mod-97-10 check gives 1.
 */
import { createRegexDetector, type Detector, type Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): a match starts only at a letter not preceded by a letter, digit or `_`, so once per
 * alphanumeric run; the compact body is bounded (11–30) and followed by a boundary; the grouped body is at most
 * eight groups, each starting with the separator the groups cannot contain. An attempt costs at most ~45 steps.
 */
const IBAN_CANDIDATE =
  /(?<![A-Za-z0-9_])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|([ -])[A-Za-z0-9]{4}(?:\1[A-Za-z0-9]{4}){1,6}(?:\1[A-Za-z0-9]{1,4})?)(?![A-Za-z0-9_])/g

/** IBAN lengths per country, from the SWIFT IBAN registry (release 99, 2024). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
}

/** Countries whose BBAN the registry defines as digits only: a letter there is not an IBAN (fewer false hits). */
const NUMERIC_BBAN = new Set([
  'AT', 'BA', 'BE', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FO', 'GL', 'HR', 'HU', 'IL', 'LT', 'ME', 'NO', 'PL', 'PT',
  'RS', 'SE', 'SI', 'SK', 'TL', 'TN', 'XK', 'SA', 'EG', 'SD', 'LY', 'ST', 'SO', 'VA', 'DJ', 'BI',
])

/** The shortest IBAN (Norway's) has 15 characters. */
const MIN_IBAN_LENGTH = 15

/**
 * Two ASCII letters directly followed by two ASCII digits (a country code and check digits: how every candidate
 * starts). Asked only for texts long enough and with two digits (see the precondition below).
 */
const COUNTRY_AND_CHECK_DIGITS = /[A-Za-z]{2}[0-9]{2}/

function hasCountryAndCheckDigits(text: string): boolean {
  return COUNTRY_AND_CHECK_DIGITS.test(text)
}

/** ISO 7064 mod 97-10 over the rearranged IBAN (first four characters moved to the end, letters as 10–35). */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const code = char.charCodeAt(0)
    const value = code <= 57 ? code - 48 : code - 55
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97
  }
  return remainder
}

/** True when `iban` (upper case, no separators) is a valid IBAN by the rules at the top of this file. */
function isValidIban(iban: string): boolean {
  const country = iban.slice(0, 2)
  if (IBAN_LENGTHS[country] !== iban.length) return false
  const check = Number(iban.slice(2, 4))
  if (check < 2 || check > 98) return false
  if (NUMERIC_BBAN.has(country) && !/^\d+$/.test(iban.slice(4))) return false
  return mod97(iban) === 1
}

/**
 * The grouped form may run on into a following word of four characters (`BE68 5390 0754 7034 Bank`), so the
 * IBAN is the country's length of characters from the start, ending where a group ends.
 */
function checkIban(match: RegExpExecArray, text: string): Span | undefined {
  const raw = match[0]
  const length = IBAN_LENGTHS[raw.slice(0, 2).toUpperCase()]
  if (length === undefined) return undefined
  let compact = ''
  let end = match.index
  for (let i = 0; i < raw.length && compact.length < length; i += 1) {
    const char = raw.charAt(i)
    if (char !== ' ' && char !== '-') compact += char.toUpperCase()
    end = match.index + i + 1
  }
  if (compact.length !== length || /[A-Za-z0-9]/.test(text.charAt(end))) return undefined
  return isValidIban(compact) ? { start: match.index, end } : undefined
}

/**
 * Detects IBANs (`IBAN`) of the 90 countries in the SWIFT registry, compact or in groups of four.
 *
 * @example
 * ibanDetector.find('pay to DE89 3704 0044 0532 0130 00 by Friday') // → [{ start: 7, end: 34 }]
 * ibanDetector.find('DE89370400440532013001') // → [] (mod-97 fails)
 */
export const ibanDetector: Detector = createRegexDetector({
  type: 'IBAN',
  pattern: IBAN_CANDIDATE,
  check: checkIban,
  // Only the two check digits are sure to be digits: some BBANs may be all letters (Saint Lucia's `4!a24!c`), so
  // a stronger digit requirement would be a leak. A compact candidate is a run of 15 or more letters and digits (a
  // base64 run that long); a grouped one has its separator, a blank or a `-`.
  mayContain: createPrecondition([
    { minLength: MIN_IBAN_LENGTH, digits: 2, minRun: MIN_IBAN_LENGTH, confirm: hasCountryAndCheckDigits },
    { minLength: MIN_IBAN_LENGTH, digits: 2, anyOf: [' ', '-'], confirm: hasCountryAndCheckDigits },
  ]),
})
