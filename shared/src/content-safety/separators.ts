/**
 * shared/src/content-safety/separators.ts — separators the detectors do not accept: digit groups, and defanged
 * `[at]` / `[dot]`.
 *
 * Card numbers and SSNs are written `4111 1111 1111 1111` or `123-45-6789`, which the detectors read; to evade
 * them the same digits are written `4111.1111.1111.1111`, `4111/1111/1111/1111`, `4111 + 1111 …`, `4111  1111`
 * (two spaces), `123 - 45 - 6789`, or across a line break. In a chain of at least three digit groups (at most 6
 * digits each) joined by such separators (or the usual single space or dash), every odd separator becomes one
 * space, so the detectors (with their
 * validators: Luhn and brand, SSA rules) decide. Shorter chains (a decimal number, `1.5/2`) are left alone, and a
 * version or IP address becomes digits no detector accepts.
 *
 * Defanged addresses (`ada [at] example [dot] org`, `23[.]99[.]157[.]195`) get their `@` and `.` back.
 */
import { MappedTextBuilder, type MappedText } from './text-map.js'

/** One separator between digit groups that the detectors do not read as one (see the top of the file). */
const SEP = String.raw`(?:[ \t]*[./+|\\\u2013\u2014\u00B7][ \t]*|[ \t]+-[ \t]*|-[ \t]+|[ \t]{2,}|[ \t]*\r?\n[ \t]*)`

/**
 * Linear (see detector.ts): the test starts at a digit, and each alternative of SEP is bounded by the digit that
 * must follow; runs of blanks are read by a constant number of alternatives from one start.
 */
const ODD_SEPARATOR = new RegExp(String.raw`\d${SEP}\d`)

/**
 * Linear (see detector.ts): a chain starts only where a run of digits starts (the lookbehind), its groups are
 * bounded, and each separator ends at the digit that follows it.
 */
const CHAIN = new RegExp(String.raw`(?<!\d)\d{1,6}(?:(?:${SEP}|[ -])\d{1,6}){2,}(?!\d)`, 'g')
const SEPARATOR = new RegExp(SEP, 'g')

/**
 * The fewest digits of any value a digit chain can hide (a phone number's subscriber part: 7). Shorter chains are
 * version numbers, decimals and dates (`v1.12.3`, `3.14`, `2024/11/24`): rewriting them finds nothing and costs a
 * rescan of ordinary text.
 */
export const MIN_CHAIN_DIGITS = 7

function countDigits(text: string): number {
  let digits = 0
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) digits += 1
  }
  return digits
}

const ODD_IN_CHAIN = new RegExp(SEP)

/** Whether a chain found by CHAIN is worth rewriting: it has an odd separator and enough digits. */
function isOddChain(chain: string): boolean {
  return countDigits(chain) >= MIN_CHAIN_DIGITS && ODD_IN_CHAIN.test(chain)
}

/** Cheap test: does `text` hold a chain of digit groups joined by such a separator, long enough to hide a value? */
export function mayHoldOddSeparator(text: string): boolean {
  if (!ODD_SEPARATOR.test(text)) return false
  CHAIN.lastIndex = 0
  for (let match = CHAIN.exec(text); match !== null; match = CHAIN.exec(text)) if (isOddChain(match[0])) return true
  return false
}

/** Offsets of the chains `rewriteSeparators` would change (those with an odd separator and enough digits). */
export function forEachSeparatorChain(text: string, visit: (offset: number) => void): void {
  CHAIN.lastIndex = 0
  for (let match = CHAIN.exec(text); match !== null; match = CHAIN.exec(text)) if (isOddChain(match[0])) visit(match.index)
}

/**
 * Linear (see detector.ts): a bracket, bounded blanks, a literal word, bounded blanks, a bracket. Matches the
 * defanged `[at]`, `(at)`, `[dot]`, `(dot)`, `[.]`, `(.)` and `[@]` of addresses written to dodge scanners.
 */
const DEFANGED = /[ \t]{0,3}[[(][ \t]{0,3}(at|dot|\.|@)[ \t]{0,3}[\])][ \t]{0,3}/gi

/** Cheap test: could `text` hold a defanged `@` or `.`? */
export function mayHoldDefanged(text: string): boolean {
  if (!text.includes(']') && !text.includes(')')) return false
  DEFANGED.lastIndex = 0
  return DEFANGED.test(text)
}

/** Offsets of the defanged separators `rewriteDefanged` changes. */
export function forEachDefanged(text: string, visit: (offset: number) => void): void {
  DEFANGED.lastIndex = 0
  for (let match = DEFANGED.exec(text); match !== null; match = DEFANGED.exec(text)) visit(match.index)
}

/**
 * Rewrites `[at]`, `(dot)`, `[.]` and the like (with the blanks around them) to `@` and `.`, or returns undefined
 * when there is none.
 *
 * @example
 * rewriteDefanged('ada [at] example [dot] org')?.text // → 'ada@example.org'
 */
export function rewriteDefanged(text: string): MappedText | undefined {
  let builder: MappedTextBuilder | undefined
  let same = 0
  DEFANGED.lastIndex = 0
  for (let match = DEFANGED.exec(text); match !== null; match = DEFANGED.exec(text)) {
    builder ??= new MappedTextBuilder(text.length)
    builder.pushSame(text, same, match.index)
    const word = (match[1] ?? '').toLowerCase()
    same = match.index + match[0].length
    builder.push(word === 'at' || word === '@' ? '@' : '.', match.index, same, true)
  }
  if (builder === undefined) return undefined
  builder.pushSame(text, same, text.length)
  return builder.build()
}

/**
 * Rewrites every separator of every chain of digit groups to one space, or returns undefined when there is none.
 *
 * @example
 * rewriteSeparators('card 4111.1111.1111.1111')?.text // → 'card 4111 1111 1111 1111'
 */
export function rewriteSeparators(text: string): MappedText | undefined {
  let builder: MappedTextBuilder | undefined
  let same = 0
  CHAIN.lastIndex = 0
  for (let chain = CHAIN.exec(text); chain !== null; chain = CHAIN.exec(text)) {
    builder ??= new MappedTextBuilder(text.length)
    const base = chain.index
    SEPARATOR.lastIndex = 0
    for (let separator = SEPARATOR.exec(chain[0]); separator !== null; separator = SEPARATOR.exec(chain[0])) {
      const start = base + separator.index
      builder.pushSame(text, same, start)
      builder.push(' ', start, start + separator[0].length, true)
      same = start + separator[0].length
    }
  }
  if (builder === undefined) return undefined
  builder.pushSame(text, same, text.length)
  return builder.build()
}
