/**
 * shared/src/content-safety/detectors/us-passport.ts — US passport numbers.
 *
 * A US passport book number is nine digits (`123456789`) or, in the Next Generation Passport issued since 2021, a
 * letter and eight digits (`A12345678`). Both shapes are everyday ids, so a number counts only with context: the
 * word `passport` (any case, also inside `passportNo` or `passport_number`) within 40 characters before it, or in
 * the name of the JSON member that holds the string (`{"passportNumber": "A12345678"}`), or in the header of the
 * number's column when the text is a table (`name,passport\nAda,A12345678`, see columnHeader). One digit
 * repeated (`000000000`) is a placeholder, not a number.
 */
import { createRegexDetector, type Detector, type DetectorContext, type Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): fixed length (nine characters), starting only at a letter or digit not preceded by a
 * word character or `-`; the end refuses a word character, or `-` / `.` followed by one (a longer id).
 */
const PASSPORT_CANDIDATE = /(?<![\w-])(?:[A-Za-z]\d{8}|\d{9})(?![\w]|[-.]\w)/g

/** How far before the number the context word may stand, and how much of a member name is read. */
const CONTEXT_WINDOW = 40
const KEY_WINDOW = 100
const CONTEXT_WORD = /passport/i
const REPEATED_DIGIT = /^[A-Za-z]?(\d)\1{7,8}$/

/** How far a table's header line and a cell's line are read (bounds the work per candidate). */
const TABLE_WINDOW = 1000
const CELL_SEPARATORS = [',', '\t', ';', '|'] as const

interface Table {
  readonly headerEnd: number
  readonly separator: string
  readonly headers: readonly string[]
}

// The last text's table header, kept because every candidate of one scan asks about the same text (one string;
// released at the next scan, as in precondition.ts).
let lastText: string | undefined
let lastTable: Table | undefined

/** The header line of `text` when it reads as a table (see columnHeader), once per text. */
function tableOf(text: string): Table | undefined {
  if (text === lastText) return lastTable
  lastText = text
  lastTable = undefined
  const headerEnd = text.slice(0, TABLE_WINDOW + 1).indexOf('\n')
  if (headerEnd < 0) return undefined
  const header = text.slice(0, headerEnd).replace(/\r$/, '')
  const separator = CELL_SEPARATORS.find((candidate) => header.includes(candidate))
  if (separator !== undefined) lastTable = { headerEnd, separator, headers: header.split(separator) }
  return lastTable
}

/**
 * The header of the column the text at `start` sits in, when the text is a table: its first line holds a cell
 * separator (`,` tab `;` `|`), `start` is on a later line, and that line has the header's cell count. Undefined
 * otherwise. Reads at most TABLE_WINDOW characters of each line, so the cost per call is bounded.
 *
 * @example
 * columnHeader('name,passport\nAda,A12345678', 18) // → 'passport'
 */
export function columnHeader(text: string, start: number): string | undefined {
  const table = tableOf(text)
  if (table === undefined || start <= table.headerEnd) return undefined
  const { headerEnd, separator, headers } = table
  const from = Math.max(headerEnd, start - TABLE_WINDOW)
  const lineStart = from + text.slice(from, start).lastIndexOf('\n') + 1
  if (lineStart === from) return undefined // no line break within the window: a line too long to be a row
  const ahead = text.slice(start, start + TABLE_WINDOW)
  const lineEnd = ahead.includes('\n') ? start + ahead.indexOf('\n') : start + ahead.length
  const line = text.slice(lineStart, lineEnd)
  if (line.replace(/\r$/, '').split(separator).length !== headers.length) return undefined
  return headers[text.slice(lineStart, start).split(separator).length - 1]
}

function checkPassport(match: RegExpExecArray, text: string, context: DetectorContext): Span | undefined {
  if (REPEATED_DIGIT.test(match[0])) return undefined
  const before = text.slice(Math.max(0, match.index - CONTEXT_WINDOW), match.index)
  const key = context.key?.slice(0, KEY_WINDOW) ?? ''
  const header = columnHeader(text, match.index) ?? ''
  if (!CONTEXT_WORD.test(before) && !CONTEXT_WORD.test(key) && !CONTEXT_WORD.test(header)) return undefined
  return { start: match.index, end: match.index + match[0].length }
}

/**
 * Detects US passport numbers (`US_PASSPORT`) next to the word "passport" or in a member named like one.
 *
 * @example
 * usPassportDetector.find('passport no. A12345678') // → [{ start: 13, end: 22 }]
 * usPassportDetector.find('order 123456789') // → []
 * usPassportDetector.find('123456789', { key: 'passportNumber' }) // → [{ start: 0, end: 9 }]
 */
export const usPassportDetector: Detector = createRegexDetector({
  type: 'US_PASSPORT',
  pattern: PASSPORT_CANDIDATE,
  check: checkPassport,
  // Both shapes hold eight digits in a row.
  mayContain: createPrecondition({ chainDigits: 8 }),
})
