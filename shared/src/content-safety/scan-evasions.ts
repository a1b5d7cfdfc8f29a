/**
 * shared/src/content-safety/scan-evasions.ts — the extra passes `scanText` runs when a string may hide a value.
 *
 * Most strings hide nothing, so `mayHoldEvasion` (one linear regex test) decides whether any of this runs. Then:
 *  1. rewritten text: every place that normalization (normalize.ts: invisible characters, Unicode digits,
 *     homoglyphs, NFKC), unescaping (decode.ts: `%40`, `\u0040`, `\x40`, `&#64;`) or digit separators
 *     and defanging (separators.ts: `4111.1111.1111.1111`, `123 - 45 - 6789`, `ada [at] example [dot] org`)
 *     would change is taken with
 *     WINDOW characters around it (widened to the nearest whitespace, up to WINDOW_STRETCH more); overlapping
 *     windows merge. Each window is unescaped, normalized, its digit separators rewritten, and scanned; a finding is kept only when it
 *     covers at least one rewritten character (the others were found on the raw text already), and is mapped
 *     back to the exact original span. Windows keep a 10 MB string with a few odd characters from being copied
 *     whole; a string full of them is rewritten whole, once (linear).
 *  2. encoded runs: each base64 or hex run that decodes to plausible text (decode.ts) is scanned as raw and as
 *     rewritten text (1 above), but not decoded again (one level of nesting). A finding in the decoded text is
 *     reported as covering the whole encoded run in the original string.
 * The caller merges these findings with the raw ones through `resolveOverlaps`, which also drops duplicates.
 */
import { findEncodedRuns, mayHoldEncodedRun, mayHoldEscape, unescapeText } from './decode.js'
import type { Span } from './detector.js'
import type { EntityType } from './entities.js'
import { forEachUnicodeEvasion, normalizeText } from './normalize.js'
import { charMasks, digitShapeOf, hasAnyChar, profileOf } from './precondition.js'
import {
  forEachDefanged,
  forEachSeparatorChain,
  MIN_CHAIN_DIGITS,
  mayHoldDefanged,
  mayHoldOddSeparator,
  rewriteDefanged,
  rewriteSeparators,
} from './separators.js'
import { composeMaps, mapSpanBack, type MappedText } from './text-map.js'

/** A finding of the raw detectors on some text (what scanText returns before the evasion passes). */
export interface TypedSpan extends Span {
  readonly type: EntityType
}

/** Runs the detectors on a text, raw (no evasion passes). */
export type DetectText = (text: string) => readonly TypedSpan[]

/** Characters taken on each side of a rewritten character (a 4096-bit RSA key in PEM is about 3,200). */
const WINDOW = 4096
/** How much further a window may grow to reach whitespace, so it does not cut a token in two. */
const WINDOW_STRETCH = 1024

/** A non-ASCII character, or one that may start an escape (`%`, `&`, `\\`): one character class, a fast search. */
const MAY_BE_REWRITTEN = /[^\x00-\x24\x27-\x5b\x5d-\x7f]/

const REWRITE_CHARS = charMasks('%&\\')
const CLOSING_BRACKETS = charMasks(')]')
const SEPARATOR_CHARS = charMasks(' ./+|\\-')

/**
 * Cheap gate: false promises that the passes of this file find nothing in `text`. True when it holds a non-ASCII
 * character, a `%`, `&` or `\\` (a possible escape), a base64 or hex run decode.ts would try, or digits joined by
 * a separator separators.ts rewrites.
 */
export function mayHoldEvasion(text: string): boolean {
  // Each test below is put behind what it needs, read from the profile the preconditions already took of this
  // string (precondition.ts, screen.ts), so an ordinary string costs a few bit tests and the encoded-run scan:
  //  - MAY_BE_REWRITTEN matches exactly a non-ASCII character, `%`, `&` or `\\`;
  //  - an odd separator chain has seven digits (MIN_CHAIN_DIGITS) and a separator: a blank, a tab or line break
  //    (control characters), `.`, `/`, `+`, `|`, `\\`, `-` or a non-ASCII dash or dot (SEP in separators.ts); and
  //    it is made of digits and those characters only, so some run of them holds the seven digits;
  //  - a defanged separator has a closing bracket.
  const profile = profileOf(text)
  if (profile.nonAscii || hasAnyChar(profile, REWRITE_CHARS)) return true
  const oddSeparator = profile.digits >= MIN_CHAIN_DIGITS && (profile.control || hasAnyChar(profile, SEPARATOR_CHARS))
  const defanged = hasAnyChar(profile, CLOSING_BRACKETS)
  if (mayHoldEncodedRun(text)) return true
  if (oddSeparator && digitShapeOf(text).separated >= MIN_CHAIN_DIGITS && mayHoldOddSeparator(text)) return true
  return defanged && mayHoldDefanged(text)
}

/**
 * Linear: each alternative starts with a literal its bounded body cannot contain (`ESCAPE` in decode.ts; here only
 * the starts are needed).
 */
const ESCAPE_START = /%[0-9A-Fa-f]{2}|\\u\{?[0-9A-Fa-f]|\\x[0-9A-Fa-f]{2}|&#[xX0-9]/g

/** Sorted offsets of every character that rewriting would change (escape starts and odd Unicode). */
function rewritePoints(text: string): number[] {
  const points: number[] = []
  let sorted = true
  const add = (offset: number): void => {
    if (sorted && points.length > 0 && offset < (points.at(-1) ?? 0)) sorted = false
    points.push(offset)
  }
  forEachUnicodeEvasion(text, add)
  if (mayHoldEscape(text)) {
    ESCAPE_START.lastIndex = 0
    for (let match = ESCAPE_START.exec(text); match !== null; match = ESCAPE_START.exec(text)) add(match.index)
  }
  if (mayHoldOddSeparator(text)) forEachSeparatorChain(text, add)
  if (mayHoldDefanged(text)) forEachDefanged(text, add)
  if (!sorted) points.sort((a, b) => a - b)
  return points
}

/** Unescapes, normalizes, undoes defanging, then rewrites digit separators in `slice`, with the map back to it. */
function rewrite(slice: string): MappedText {
  const unescaped = mayHoldEscape(slice) ? unescapeText(slice) : undefined
  let mapped = normalizeText(unescaped === undefined ? slice : unescaped.text)
  if (unescaped !== undefined) mapped = composeMaps(mapped, unescaped)
  const defanged = mayHoldDefanged(mapped.text) ? rewriteDefanged(mapped.text) : undefined
  if (defanged !== undefined) mapped = composeMaps(defanged, mapped)
  const separated = mayHoldOddSeparator(mapped.text) ? rewriteSeparators(mapped.text) : undefined
  return separated === undefined ? mapped : composeMaps(separated, mapped)
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13)
}

/** Merged windows `[start, end)` around the points, widened to whitespace (see the top of the file). */
function windowsAround(text: string, points: readonly number[]): [number, number][] {
  const windows: [number, number][] = []
  for (const point of points) {
    let start = Math.max(0, point - WINDOW)
    const end = Math.min(text.length, point + WINDOW)
    const last = windows.at(-1)
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end)
      continue
    }
    for (let stop = Math.max(0, start - WINDOW_STRETCH); start > stop && !isSpace(text.charCodeAt(start - 1)); ) start -= 1
    windows.push([start, end])
  }
  for (const window of windows) {
    const stop = Math.min(text.length, window[1] + WINDOW_STRETCH)
    while (window[1] < stop && !isSpace(text.charCodeAt(window[1]))) window[1] += 1
  }
  return windows
}

/** Pass 1: findings that only appear once the text is unescaped and normalized, as original spans. */
function findRewritten(text: string, detect: DetectText, out: TypedSpan[]): void {
  const points = rewritePoints(text)
  if (points.length === 0) return
  for (const [start, end] of windowsAround(text, points)) {
    const mapped = rewrite(start === 0 && end === text.length ? text : text.slice(start, end))
    for (const finding of detect(mapped.text)) {
      const back = mapSpanBack(mapped, finding.start, finding.end, start)
      if (back !== undefined) out.push({ type: finding.type, start: back.start, end: back.end })
    }
  }
}

/**
 * Runs the evasion passes (see the top of the file) over `text`, calling `detect` for the raw detectors, and
 * returns what they found as spans of `text`, not yet settled against each other or the raw findings.
 *
 * @example
 * findEvasions('ada＠example.org', detect) // → [{ type: 'EMAIL', start: 0, end: 15 }]
 */
export function findEvasions(text: string, detect: DetectText): TypedSpan[] {
  const out: TypedSpan[] = []
  if (MAY_BE_REWRITTEN.test(text) || mayHoldOddSeparator(text) || mayHoldDefanged(text)) findRewritten(text, detect, out)
  if (!mayHoldEncodedRun(text)) return out
  for (const run of findEncodedRuns(text)) {
    const inner: TypedSpan[] = [...detect(run.decoded)]
    if (mayHoldEvasion(run.decoded)) findRewritten(run.decoded, detect, inner)
    const types = new Set(inner.map((finding) => finding.type))
    for (const type of types) out.push({ type, start: run.start, end: run.end })
  }
  return out
}
