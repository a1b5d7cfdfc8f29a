/**
 * shared/src/content-safety/detectors/credit-card.ts — payment card numbers (PANs).
 *
 * 13 to 19 digits (ISO/IEC 7812-1), optionally written in groups separated by single spaces or dashes, accepted
 * only when the Luhn check digit is right AND the number has a known brand's prefix and length. The two checks
 * together turn away almost all order ids, timestamps, ISBNs and phone numbers that happen to be long digit runs.
 */
import { createRegexDetector, type Detector, type Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): a match starts only at a digit that begins a group (not after a letter, digit or
 * underscore, nor after `1-` or `1.` which would make it part of a longer id or decimal). Each of the at most 18
 * repetitions consumes exactly one digit, with an optional separator the digit cannot be, so an attempt costs at
 * most 37 characters plus 7 backtracking steps. The end boundary refuses a letter, digit or `_`, and a `-` or `.`
 * followed by a digit (`4111-1111-1111-1111-2222` is one id, not a card); a space followed by a digit is allowed,
 * so cards listed one after another are all found.
 */
const CARD_CANDIDATE = /(?<!\w|\d[.-])\d(?:[ -]?\d){12,18}(?!\w|[.-]\d)/g

interface Brand {
  /** Inclusive ranges of the first `digits` digits. */
  readonly ranges: readonly (readonly [digits: number, from: number, to: number])[]
  readonly lengths: readonly number[]
}

/** Issuer prefixes and lengths (ISO/IEC 7812 IIN ranges as the networks publish them). */
const BRANDS: readonly Brand[] = [
  { ranges: [[1, 4, 4]], lengths: [13, 16, 19] }, // Visa
  { ranges: [[2, 51, 55], [4, 2221, 2720]], lengths: [16] }, // Mastercard
  { ranges: [[2, 34, 34], [2, 37, 37]], lengths: [15] }, // American Express
  { ranges: [[4, 6011, 6011], [3, 644, 649], [2, 65, 65]], lengths: [16, 17, 18, 19] }, // Discover
  { ranges: [[4, 3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  { ranges: [[3, 300, 305], [2, 36, 36], [2, 38, 38]], lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
]

/** The lengths a number with these leading digits may have; empty when no brand issues that prefix. */
function allowedLengths(digits: readonly number[]): readonly number[] {
  const leading = (digits[0] ?? 0) * 1000 + (digits[1] ?? 0) * 100 + (digits[2] ?? 0) * 10 + (digits[3] ?? 0)
  for (const brand of BRANDS) {
    for (const [count, from, to] of brand.ranges) {
      const prefix = Math.floor(leading / 10 ** (4 - count))
      if (prefix >= from && prefix <= to) return brand.lengths
    }
  }
  return []
}

/** The Luhn (mod 10) check of ISO/IEC 7812-1 Annex B over the first `length` digits. */
function passesLuhn(digits: readonly number[], length: number): boolean {
  let sum = 0
  for (let i = 0; i < length; i += 1) {
    const digit = digits[length - 1 - i] ?? 0
    sum += i % 2 === 0 ? digit : digit * 2 > 9 ? digit * 2 - 9 : digit * 2
  }
  return sum % 10 === 0
}

/**
 * The regex returns the longest run it can; when that is not a card, a shorter run that ends at a space-separated
 * group boundary may be (`4111 1111 1111 1111 12 items`), so those are tried too, longest first. This runs once
 * per candidate, so it reads the match once and allocates little.
 */
function checkCard(match: RegExpExecArray, text: string): Span | undefined {
  const raw = match[0]
  const digits: number[] = []
  const ends: number[] = []
  for (let i = 0; i < raw.length; i += 1) {
    const code = raw.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      digits.push(code - 48)
      ends.push(match.index + i + 1)
    }
  }
  const lengths = allowedLengths(digits)
  for (let length = digits.length; length >= 13; length -= 1) {
    const end = ends[length - 1] ?? 0
    const groupEnds = length === digits.length || text[end] === ' '
    if (groupEnds && lengths.includes(length) && passesLuhn(digits, length)) return { start: match.index, end }
  }
  return undefined
}

/**
 * Detects payment card numbers (`CREDIT_CARD`): Visa, Mastercard, American Express, Discover, JCB, Diners Club.
 *
 * @example
 * creditCardDetector.find('card 4111 1111 1111 1111, exp 12/29') // → [{ start: 5, end: 24 }]
 */
export const creditCardDetector: Detector = createRegexDetector({
  type: 'CREDIT_CARD',
  pattern: CARD_CANDIDATE,
  check: checkCard,
  // Every candidate is at least 13 digits in one chain (groups joined by single blanks or dashes).
  mayContain: createPrecondition({ chainDigits: 13 }),
})
