/**
 * shared/src/content-safety/detectors/phone.ts — telephone numbers.
 *
 * Digits are everywhere in tool arguments (ids, amounts, timestamps), so a number counts as a phone number only
 * when libphonenumber-js accepts it (see Validation below), and:
 *  - it is written internationally (`+44 20 7946 0958`, `+1-415-555-2671`, `tel:+14155552671`): found anywhere; or
 *  - a context word (`phone`, `tel`, `mobile`, `call`, `dial`, `cell`, `fax`, `whatsapp`, `sms`, `ph`…) stands
 *    within 40 characters before it or 16 after it, or the member that holds the string is named like one
 *    (`phone`, `mobileNumber`, `work_tel`, `fax`), or heads the number's column in a table (`name,phone\nAda,…`):
 *    then the national formats of the US (`(415) 555-2671`), the UK (`020 7946 0958`), Germany (`030 901820`) and
 *    France (`01 23 45 67 89`) count too. A UK, German or French national number must start with its trunk
 *    prefix `0`, so a bare US-looking run is never read as German.
 * Dates, IP addresses, card numbers, dotted versions and decimals are turned away by shape (looksLikeOtherNumber),
 * and a run glued to a word, an `@` or a time (`…abc`, `…@host`, `…:30`) is not a number.
 *
 * Validation: a number written as one block of digits (`+14155552671`, `4155552671`) must pass `isValid()`: its
 * digits must lie in a range the country has assigned, which is what tells a phone number from an id. A number
 * written in three or more groups (`+44 7700 900958`, `(555) 123-4567`) needs only `isPossible()` (a length its
 * country's plan allows): the grouping already says "phone number", and the numbers people and test data write
 * are often in unassigned or fictional ranges (Ofcom's drama mobiles `07700 900xxx`, US `555` area codes).
 *
 * Metadata: `libphonenumber-js/max`. The default `min` metadata validates only the length of a number, so nearly
 * any ten digits would be a "valid" number somewhere; `max` checks the digits against each country's number
 * ranges, which is what turns away order numbers and timestamps. It costs ~145 kB loaded once, nothing per call.
 *
 * Time: a linear regex finds runs of phone-shaped characters; only runs with a `+` or a context word and the
 * digits of a number reach the library: parsed whole (one call per country, one to three countries) when they
 * have the digits of one number, else `findPhoneNumbersInText` over their first 40 characters (see findInRun).
 * The cost per run is bounded, so the whole scan stays linear in the text length.
 */
import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import type { Detector, DetectorContext, Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'
import { columnHeader } from './us-passport.js'

/**
 * A run of phone-shaped characters: an optional `+`, then digits joined by single separators (space `.` `-` `/`)
 * and parentheses. Linear (see detector.ts): every repetition ends with a digit and its optional `)`, separator
 * and `(` come in a fixed order and are never digits, so the loop is unambiguous and nothing follows it (no
 * backtracking). A run can start only where no run goes on: not after a word character, `+ . / @ # $ % & * ( ) -`,
 * nor after a separator that follows a digit or parenthesis (which is inside a run), so each character is read by
 * at most one run. A `,` before is fine (a CSV cell) unless a digit precedes it (`1,234,567` is an amount).
 */
const PHONE_RUN = /(?:(?<![\w+])\+|(?<![\w./@#$%&*+()-]|[\d()][ ./-]|\d,))\(?\d(?:\)?[ ./-]?\(?\d)*/g

/** Longest slice of a run handed to the library's matcher (a formatted number is at most ~25 characters). */
const WINDOW = 40
/** The fewest digits a national significant number plus trunk prefix has in the supported countries. */
const MIN_DIGITS = 7
/** E.164 allows 15 digits; an international access code (`00`, `011`) adds up to three. */
const MAX_DIGITS = 18
const CONTEXT_BEFORE = 40
const CONTEXT_AFTER = 16
const KEY_WINDOW = 100

/** The countries a run is read in (`undefined`: international numbers only); the last three write a trunk `0`. */
type Countries = readonly (CountryCode | undefined)[]
const INTERNATIONAL_ONLY: Countries = [undefined]
const US_ONLY: Countries = ['US']
const TRUNK_COUNTRIES: Countries = ['GB', 'DE', 'FR']
const TRUNK_ZERO = new Set<CountryCode | undefined>(TRUNK_COUNTRIES)

/**
 * Context words in text, as whole words (`hotel`, `recall`, `cancellation` do not count). Run on a short window
 * after camelCase is split (`phoneNumber` → `phone Number`).
 */
const TEXT_CONTEXT =
  /(?<![a-z])(?:(?:tele?|cell|mobile|smart|home|work|office)?phones?|tel|tele|telefon|t[eé]l[eé]phone|mobiles?|mob|cell|cellular|calls?|called|calling|dial|dial-in|fax|whats ?app|sms|msisdn|portable|handy|ph)(?![a-z])/i
/** Context words in a member name; `call` is left out there (`callId`, `call_sid` hold ids, not numbers). */
const KEY_CONTEXT =
  /(?<![a-z])(?:(?:tele?|cell|mobile|smart|home|work|office)?phones?|tel|telefon|telephone|mobiles?|mob|cell|cellular|fax|whats ?app|sms|msisdn)(?![a-z])/i

function splitCamel(text: string): string {
  return text.replace(/([a-z])(?=[A-Z])/g, '$1 ')
}

function hasContext(text: string, run: Span, context: DetectorContext): boolean {
  const before = text.slice(Math.max(0, run.start - CONTEXT_BEFORE), run.start)
  const after = text.slice(run.end, run.end + CONTEXT_AFTER)
  if (TEXT_CONTEXT.test(splitCamel(before)) || TEXT_CONTEXT.test(splitCamel(after))) return true
  const key = context.key?.slice(0, KEY_WINDOW)
  if (key !== undefined && KEY_CONTEXT.test(splitCamel(key))) return true
  const header = columnHeader(text, run.start)
  return header !== undefined && KEY_CONTEXT.test(splitCamel(header))
}

function countDigits(text: string): number {
  let digits = 0
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) digits += 1
  }
  return digits
}

/** Dates (`2024-01-15`, `15.01.2024`, `01/15/2024`), dotted quads (IP addresses) and decimals, as whole runs. */
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?!\d)/
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/
/** A card number in its printed groups of four, or a bare 13–19 digit run (those are CREDIT_CARD's, not ours). */
const CARD_GROUPS = /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$/
const BARE_LONG = /^\d{13,}$/

/**
 * Shapes that are not phone numbers even when the digits would validate: dates, IP addresses, cards, and dotted
 * runs with a one-digit group (`0.1234567`, `1.2.3.4567`, version strings). A leading `+cc.` is allowed.
 */
function looksLikeOtherNumber(raw: string): boolean {
  if (DATE.test(raw) || DOTTED_QUAD.test(raw) || CARD_GROUPS.test(raw) || BARE_LONG.test(raw)) return true
  if (!raw.includes('.')) return false
  const groups = raw.replace(/^\+\d{1,3}\./, '').split('.')
  return groups.some((group) => countDigits(group) < 2)
}

/** The run's end must not run into a word, an address or a time (`4155552671abc`, `…@host`, `10:30`). */
function endsCleanly(text: string, end: number): boolean {
  const next = text.charAt(end)
  return !/[\w@%]/.test(next) && !(next === ':' && /\d/.test(text.charAt(end + 1)))
}

/** Phone numbers the library finds in one slice, as spans of the whole text. */
function findInSlice(text: string, start: number, end: number, countries: Countries): Span[] {
  const slice = text.slice(start, end)
  const spans: Span[] = []
  for (const country of countries) {
    const options = country === undefined ? {} : { defaultCountry: country }
    for (const found of findPhoneNumbersInText(slice, options)) {
      const raw = slice.slice(found.startsAt, found.endsAt)
      const digits = countDigits(raw)
      if (digits < MIN_DIGITS || digits > MAX_DIGITS || !found.number.isValid() || looksLikeOtherNumber(raw)) continue
      const international = raw.startsWith('+') || raw.startsWith('00') || raw.startsWith('011')
      if (!international && country === undefined) continue
      if (!international && TRUNK_ZERO.has(country) !== /^\(?0/.test(raw)) continue
      spans.push({ start: start + found.startsAt, end: start + found.endsAt })
    }
  }
  return spans
}

/** How a run is read: in which countries, and how many digits one number of that kind has. */
interface Reading {
  readonly countries: Countries
  readonly minDigits: number
  readonly maxDigits: number
}

const INTERNATIONAL: Reading = { countries: INTERNATIONAL_ONLY, minDigits: MIN_DIGITS, maxDigits: 15 }
const US_IDD: Reading = { countries: US_ONLY, minDigits: 10, maxDigits: MAX_DIGITS }
const TRUNK_IDD: Reading = { countries: TRUNK_COUNTRIES, minDigits: 9, maxDigits: MAX_DIGITS }
const TRUNK_NATIONAL: Reading = { countries: TRUNK_COUNTRIES, minDigits: MIN_DIGITS, maxDigits: 14 }
/** Ten digits, or eleven with the trunk prefix `1`: anything shorter is a local number without its area code. */
const US_NATIONAL: Reading = { countries: US_ONLY, minDigits: 10, maxDigits: 11 }

/**
 * How a run is read: international when it starts with `+`; else (only with context) as a US number unless it
 * starts with `0` or the US access code `011`, else as a UK, German or French number (whose access code is `00`).
 */
function readingOf(run: string): Reading {
  if (run.startsWith('+')) return INTERNATIONAL
  if (/^\(?011/.test(run)) return US_IDD
  if (/^\(?00/.test(run)) return TRUNK_IDD
  return /^\(?0/.test(run) ? TRUNK_NATIONAL : US_NATIONAL
}

/**
 * Written in three or more groups of digits, at most two of them a single digit (`+1`, a French `6`): the shape
 * of a phone number. `1 2 3 4 5 6 7` is not.
 */
function isGrouped(run: string): boolean {
  const groups = run.split(/\D+/).filter((group) => group !== '')
  return groups.length >= 3 && groups.filter((group) => group.length === 1).length <= 2
}

/**
 * NANP numbers (`+1`): the area code starts with 2–9, so `123-456-7890` is not a number. (The exchange code
 * should too, but `(555) 123-4567` is how people write a made-up number, and they mean a phone number.)
 */
const NANP_FORMAT = /^[2-9]\d{9}$/

/**
 * The run as one number, in the first of the countries where it is valid (or possible, when grouped). A grouped
 * number is asked whether it is possible first: that is a length check, where `isValid()` tries the country's
 * number ranges one regex at a time, and either answer accepts it.
 */
function parseWhole(run: string, countries: Countries): boolean {
  const grouped = isGrouped(run)
  for (const country of countries) {
    const number = parsePhoneNumberFromString(run, country === undefined ? {} : { defaultCountry: country })
    if (number === undefined) continue
    if (grouped && (number.countryCallingCode !== '1' || NANP_FORMAT.test(number.nationalNumber)) && number.isPossible()) return true
    if (number.isValid()) return true
  }
  return false
}

/** Groups of a single digit: `+1`, a French `6` are normal, a run of them (`0 1 2 3 4 5`) is not a number. */
function singleDigitGroups(run: string): number {
  return run.split(/[^\d]+/).filter((group) => group.length === 1).length
}

/**
 * The numbers in one run. A run with the digits of one number is parsed whole (the common case, one library
 * call per country); a run with more (a list joined by spaces, `room 12 415-555-2671`) goes to the library's
 * matcher, over its first WINDOW characters only: a number further into a long run of digits has no context
 * word near it (the run's own digits stand between), and a `+` can only start a run. This bounds the work per run.
 */
function findInRun(text: string, run: Span, reading: Reading): Span[] {
  const raw = text.slice(run.start, run.end)
  const digits = countDigits(raw)
  if (digits <= reading.maxDigits) return parseWhole(raw, reading.countries) ? [run] : []
  const end = Math.min(run.end, run.start + WINDOW)
  if (singleDigitGroups(text.slice(run.start, end)) > 3) return []
  return findInSlice(text, run.start, end, reading.countries)
}

/** Longest first among overlapping spans, then in order of start; the result is sorted and free of overlaps. */
function settle(spans: Span[]): Span[] {
  const sorted = spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: Span[] = []
  for (const span of sorted) {
    const last = kept[kept.length - 1]
    if (last === undefined || span.start >= last.end) kept.push(span)
    else if (span.end - span.start > last.end - last.start) kept[kept.length - 1] = span
  }
  return kept
}

function findPhones(text: string, context: DetectorContext = {}): Span[] {
  // One module-wide regex: find is synchronous and resets lastIndex, so calls stay pure (as in createRegexDetector).
  const run = PHONE_RUN
  run.lastIndex = 0
  const spans: Span[] = []
  for (let match = run.exec(text); match !== null; match = run.exec(text)) {
    const span = { start: match.index, end: match.index + match[0].length }
    const digits = countDigits(match[0])
    if (digits < MIN_DIGITS || !endsCleanly(text, span.end) || looksLikeOtherNumber(match[0])) continue
    // The digit count is checked before the context, which costs more.
    const reading = readingOf(match[0])
    if (digits < reading.minDigits) continue
    if (reading !== INTERNATIONAL && !hasContext(text, span, context)) continue
    spans.push(...findInRun(text, span, reading))
  }
  return spans.length <= 1 ? spans : settle(spans)
}

/**
 * Detects telephone numbers (`PHONE`): international numbers anywhere, and US, UK, German and French national
 * numbers next to a context word, in a member named like `phone` or in a table column headed like one; every
 * number is checked by libphonenumber-js (`max` metadata; see the top of this file).
 *
 * @example
 * phoneDetector.find('call me on +44 20 7946 0958') // → [{ start: 11, end: 27 }]
 * phoneDetector.find('order 4155552671') // → []
 * phoneDetector.find('(415) 555-2671', { key: 'mobile' }) // → [{ start: 0, end: 14 }]
 */
export const phoneDetector: Detector = {
  type: 'PHONE',
  find: findPhones,
  // Every accepted number lies in one PHONE_RUN of at least MIN_DIGITS digits, whose neighbouring digits are
  // joined by at most `)`, one of ` ./-` and `(`: a chain in precondition.ts's sense.
  mayContain: createPrecondition({ chainDigits: MIN_DIGITS }),
}
