/**
 * shared/src/content-safety/decode.ts — undoes escapes and encodings that hide a value from the detectors.
 *
 * Two kinds, reported differently:
 *  - escapes (`unescapeText`): percent-escapes (`%40`, and runs like `%E2%82%AC` read as UTF-8), `\uXXXX`,
 *    `\u{X…}`, `\xXX` and HTML character references (`&#64;`, `&#x40;`). Each decoded character maps back to its
 *    own escape, so a finding's span in the original covers exactly the escapes (and plain characters) it was
 *    made of; a multi-byte percent run maps as a whole;
 *  - encodings (`findEncodedRuns`): base64 (standard or URL-safe, padded or not) and hex runs of at least 16
 *    characters that decode to plausible text (valid UTF-8, almost all printable). The caller scans the decoded
 *    text, and a finding anywhere in it is reported as the WHOLE encoded run in the original: a span inside an
 *    encoding has no exact place in the encoded characters (a base64 character carries bits of two bytes).
 * Bounds: a run longer than MAX_ENCODED_RUN characters is not decoded, and at most MAX_DECODED_TOTAL bytes are
 * decoded per string, so the work stays linear in the input; decoded text is not decoded again (one level).
 */
import { isUtf8 } from 'node:buffer'
import { profileOf } from './precondition.js'
import { MappedTextBuilder, type MappedText } from './text-map.js'

/**
 * Linear (see detector.ts): every alternative starts with a literal (`%`, `\`, `&#`) its body cannot contain, and
 * every body is bounded; the percent run repeats a group that starts with `%`, which its two hex digits are not.
 */
const ESCAPE = /(?:%[0-9A-Fa-f]{2})+|\\u\{[0-9A-Fa-f]{1,6}\}|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|&#[xX][0-9A-Fa-f]{1,6};|&#[0-9]{1,7};/g

/** Cheap test: could `text` hold an escape `unescapeText` decodes? */
export function mayHoldEscape(text: string): boolean {
  return text.includes('%') || text.includes('\\') || text.includes('&#')
}

const UTF8 = new TextDecoder('utf-8', { fatal: false })

function fromCodePoint(value: number): string | undefined {
  return value <= 0x10ffff ? String.fromCodePoint(value) : undefined
}

function decodePercentRun(escaped: string): string {
  const bytes = new Uint8Array(escaped.length / 3)
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(escaped.slice(i * 3 + 1, i * 3 + 3), 16)
  return UTF8.decode(bytes)
}

/**
 * Decodes the escapes in `text` (see the top of the file), or returns undefined when there are none.
 *
 * @example
 * unescapeText('ada%40example.org')?.text // → 'ada@example.org'
 */
export function unescapeText(text: string): MappedText | undefined {
  ESCAPE.lastIndex = 0
  let builder: MappedTextBuilder | undefined
  let same = 0
  for (let match = ESCAPE.exec(text); match !== null; match = ESCAPE.exec(text)) {
    const escaped = match[0]
    const start = match.index
    builder ??= new MappedTextBuilder(text.length)
    builder.pushSame(text, same, start)
    same = start + escaped.length
    if (escaped.startsWith('%')) {
      const decoded = decodePercentRun(escaped)
      if (decoded.length === escaped.length / 3) {
        // All ASCII: one character per escape.
        for (let i = 0; i < decoded.length; i += 1) builder.push(decoded.charAt(i), start + i * 3, start + i * 3 + 3, true)
      } else builder.push(decoded, start, same, true)
      continue
    }
    const digits = escaped.startsWith('\\u{') ? escaped.slice(3, -1) : escaped.startsWith('&#') ? escaped.slice(2, -1) : escaped.slice(2)
    const value = digits.startsWith('x') || digits.startsWith('X') ? Number.parseInt(digits.slice(1), 16) : escaped.startsWith('&#') ? Number.parseInt(digits, 10) : Number.parseInt(digits, 16)
    const decoded = fromCodePoint(value)
    if (decoded === undefined) builder.pushSame(text, start, same)
    else builder.push(decoded, start, same, true)
  }
  if (builder === undefined) return undefined
  builder.pushSame(text, same, text.length)
  return builder.build()
}

/** A run of base64 or hex in the original string and the text it decodes to. */
export interface EncodedRun {
  readonly start: number
  readonly end: number
  readonly decoded: string
}

/** Runs longer than this (1 MiB of characters) are not decoded. */
export const MAX_ENCODED_RUN = 1 << 20
/** At most this many bytes are decoded per string (4 MiB). */
export const MAX_DECODED_TOTAL = 4 << 20
/** A run counts from 16 characters, its `=` padding included (12 bytes: `Njg3LTYzLTU1NDU=` is an SSN). */
const MIN_RUN = 16
/** So the characters before the padding are at least 14. */
const MIN_BODY = MIN_RUN - 2

/**
 * Linear (see detector.ts): a run starts only where a run of base64 characters starts (the lookbehind) and is one
 * greedy class repetition, then at most two `=`, which the class does not contain.
 */
const RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{14,}={0,2}(?![A-Za-z0-9+/_=-])/g
const HEX = /^(?:0x)?[0-9A-Fa-f]+$/
const LOWER = /[a-z]/
const UPPER = /[A-Z]/
const DIGIT = /[0-9]/

/** Per ASCII code: 1 base64 character, |2 uppercase, |4 lowercase, |HEX_DIGIT hex digit; 0 for any other character. */
const HEX_DIGIT = 8
const CLASS = new Uint8Array(128)
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code)
  if (!/[A-Za-z0-9+/_-]/.test(char)) continue
  CLASS[code] = 1 | (/[A-Z]/.test(char) ? 2 : 0) | (/[a-z]/.test(char) ? 4 : 0) | (/[0-9A-Fa-f]/.test(char) ? HEX_DIGIT : 0)
}

function classAt(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code < 128 ? (CLASS[code] ?? 0) : 0
}

/** The capital letters' presence bits in a profile's `upper` mask (`A` is bit 1), and `x`'s in its `lower` mask. */
const CAPITALS = 0x3ffffff << 1
const X_BIT = 1 << ('x'.charCodeAt(0) - 96)

/**
 * Whether `text` holds a run of base64 characters at least MIN_BODY long made only of hex digits (the test of
 * mayHoldEncodedRun for a text without capitals or `x`). It looks at every MIN_BODY-th character like that walk,
 * but leaves a run at its first character that is not a hex digit, looking next MIN_BODY characters further: no
 * such run contains that character, and one that starts after it covers the next look.
 */
function hasHexRun(text: string): boolean {
  const length = text.length
  for (let look = MIN_BODY - 1; look < length; ) {
    if ((classAt(text, look) & HEX_DIGIT) === 0) {
      look += MIN_BODY
      continue
    }
    let end = look + 1
    while (end < length && (classAt(text, end) & HEX_DIGIT) !== 0) end += 1
    // A base64 character after the hex digits: the run goes on with a letter beyond `f` (or `+/_-`).
    if (end < length && classAt(text, end) !== 0) {
      look = end + MIN_BODY
      continue
    }
    let start = look
    while (start > 0 && (classAt(text, start - 1) & HEX_DIGIT) !== 0) start -= 1
    if (end - start >= MIN_BODY && (start === 0 || classAt(text, start - 1) === 0)) return true
    look = end + MIN_BODY
  }
  return false
}

/**
 * Cheap test: could `text` hold a run `findEncodedRuns` would decode (14 base64 characters or more before any
 * padding, with both letter cases, or all hex digits)? It looks at every 14th character only, and at the run around it when that is
 * a base64 character: any run of 14 holds one of the characters looked at (after a run of length n ending at e,
 * the next look is at e + 14, which every longer run starting after e covers). Prose costs a fraction of a pass.
 */
export function mayHoldEncodedRun(text: string): boolean {
  // The profile the preconditions take of the string knows its longest run of these characters.
  const profile = profileOf(text)
  if (profile.longestRun < MIN_BODY) return false
  // Without a capital letter no run has both cases, and without an `x` none starts with `0x`: only a run of hex
  // digits is left, which a lowercase path or sentence gives up on at its first other letter.
  if ((profile.upper & CAPITALS) === 0 && (profile.lower & X_BIT) === 0) return hasHexRun(text)
  const length = text.length
  for (let look = MIN_BODY - 1; look < length; ) {
    if (classAt(text, look) === 0) {
      look += MIN_BODY
      continue
    }
    // The run around it, read once: its extent and the classes of its characters.
    let seen = classAt(text, look)
    let hex = seen & HEX_DIGIT
    let start = look
    for (let bits = start > 0 ? classAt(text, start - 1) : 0; bits !== 0; bits = start > 0 ? classAt(text, start - 1) : 0) {
      seen |= bits
      hex &= bits
      start -= 1
    }
    let end = look + 1
    for (let bits = end < length ? classAt(text, end) : 0; bits !== 0; bits = end < length ? classAt(text, end) : 0) {
      seen |= bits
      hex &= bits
      end += 1
    }
    if (end - start >= MIN_BODY && ((seen & 6) === 6 || hex !== 0 || text.startsWith('0x', start))) return true
    look = end + MIN_BODY
  }
  return false
}

/** Valid UTF-8 whose characters are almost all printable (tab and newlines count): what an encoded value is. */
function plausibleText(bytes: Uint8Array): string | undefined {
  // Checked first rather than caught from a fatal decoder: a thrown error costs more than the whole scan.
  if (!isUtf8(bytes)) return undefined
  const text = UTF8.decode(bytes)
  let unprintable = 0
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f || code === 0xfffd) unprintable += 1
  }
  return unprintable * 20 <= text.length ? text : undefined
}

function decodeHex(run: string): Uint8Array | undefined {
  const digits = run.startsWith('0x') ? run.slice(2) : run
  if (digits.length % 2 !== 0 || digits.length < MIN_RUN) return undefined
  return Buffer.from(digits, 'hex')
}

function decodeBase64(run: string): Uint8Array | undefined {
  const body = run.replace(/=+$/, '')
  // A base64 text of 12 bytes or more mixes cases and nearly always has a digit; a path or a long word does not.
  if (body.length % 4 === 1 || !LOWER.test(body) || !UPPER.test(body)) return undefined
  if (!DIGIT.test(body) && !body.includes('+') && !body.includes('/')) return undefined
  const urlSafe = body.includes('-') || body.includes('_')
  if (urlSafe && (body.includes('+') || body.includes('/'))) return undefined
  return Buffer.from(body, urlSafe ? 'base64url' : 'base64')
}

/**
 * Finds the base64 and hex runs of `text` that decode to plausible text (see the top of the file). A run of hex
 * digits is read as hex first, then as base64. A hash (random bytes) is not plausible text and is left alone.
 *
 * @example
 * findEncodedRuns('token YWRhQGV4YW1wbGUub3Jn') // → [{ start: 6, end: 26, decoded: 'ada@example.org' }]
 */
export function findEncodedRuns(text: string): EncodedRun[] {
  const runs: EncodedRun[] = []
  let budget = MAX_DECODED_TOTAL
  RUN.lastIndex = 0
  for (let match = RUN.exec(text); match !== null && budget > 0; match = RUN.exec(text)) {
    const run = match[0]
    if (run.length > MAX_ENCODED_RUN || run.length < MIN_RUN) continue
    budget -= run.length
    let decoded: string | undefined
    if (HEX.test(run)) {
      const bytes = decodeHex(run)
      if (bytes !== undefined) decoded = plausibleText(bytes)
    }
    if (decoded === undefined) {
      const bytes = decodeBase64(run)
      if (bytes !== undefined) decoded = plausibleText(bytes)
    }
    if (decoded !== undefined && decoded.length > 0) runs.push({ start: match.index, end: match.index + run.length, decoded })
  }
  return runs
}
