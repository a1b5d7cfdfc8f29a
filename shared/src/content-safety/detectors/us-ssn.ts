/**
 * shared/src/content-safety/detectors/us-ssn.ts — US Social Security numbers.
 *
 * `AAA-GG-SSSS` or `AAA GG SSSS` (one separator, used twice), checked against the rules the SSA has applied
 * since randomisation in 2011 (https://www.ssa.gov/employer/randomization.html): area not 000, 666 or 900–999,
 * group not 00, serial not 0000. Nine bare digits look like too many other things (order numbers, routing
 * numbers), so they count only when a context word such as "SSN" or "social security" stands within 30
 * characters before them, or names the member that holds the string (`{"ssn": "123456789"}`).
 */
import { createRegexDetector, type Detector, type DetectorContext, type Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): fixed-length alternatives (11 or 9 characters) that start only at a digit not
 * preceded by a letter, digit, `_`, or `1-` / `1.`; the end refuses a letter, digit, `_`, or `-`/`.` + digit.
 */
const SSN_CANDIDATE = /(?<!\w|\d[.-])(?:(\d{3})([- ])(\d{2})\2(\d{4})|(\d{3})(\d{2})(\d{4}))(?!\w|[.-]\d)/g

/** How far before bare digits a context word may stand. */
const CONTEXT_WINDOW = 30
/** How much of a member name is read for a context word (names are short; this bounds the work per string). */
const KEY_WINDOW = 100
/** `ssn`, `SSNs`, `ss#`, `social security`, `social_security_number`, `user_ssn`; not `classname`. */
const CONTEXT_WORD = /(?<![a-z])(?:ssns?|ss#|social[\s_-]*security)(?![a-z])/i
/** camelCase names: `userSsn`, `socialSecurityNumber`, `employeeSSN`. */
const CAMEL_CONTEXT_WORD = /(?:^|[a-z])(?:Ssns?|SSNs?|SocialSecurity|socialSecurity)(?![a-z])/

function hasContextWord(text: string): boolean {
  return CONTEXT_WORD.test(text) || CAMEL_CONTEXT_WORD.test(text)
}

function isValidSsn(area: string, group: string, serial: string): boolean {
  const areaNumber = Number(area)
  return areaNumber !== 0 && areaNumber !== 666 && areaNumber < 900 && group !== '00' && serial !== '0000'
}

function checkSsn(match: RegExpExecArray, text: string, context: DetectorContext): Span | undefined {
  const separated = match[1] !== undefined
  const [area, group, serial] = separated ? [match[1], match[3], match[4]] : [match[5], match[6], match[7]]
  if (!isValidSsn(area ?? '', group ?? '', serial ?? '')) return undefined
  const span = { start: match.index, end: match.index + match[0].length }
  if (separated) return span
  const before = text.slice(Math.max(0, match.index - CONTEXT_WINDOW), match.index)
  const key = context.key?.slice(0, KEY_WINDOW) ?? ''
  return hasContextWord(before) || hasContextWord(key) ? span : undefined
}

/**
 * Detects US Social Security numbers (`US_SSN`).
 *
 * @example
 * usSsnDetector.find('SSN 123-45-6789') // → [{ start: 4, end: 15 }]
 * usSsnDetector.find('order 123456789') // → []
 * usSsnDetector.find('123456789', { key: 'ssn' }) // → [{ start: 0, end: 9 }]
 */
export const usSsnDetector: Detector = createRegexDetector({
  type: 'US_SSN',
  pattern: SSN_CANDIDATE,
  check: checkSsn,
  // Both forms are nine digits in one chain (bare, or grouped by single `-` or blanks).
  mayContain: createPrecondition({ chainDigits: 9 }),
})
