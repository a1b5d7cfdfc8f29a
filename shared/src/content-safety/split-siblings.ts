/**
 * shared/src/content-safety/split-siblings.ts — values split across adjacent short strings of one array or object.
 *
 * `["4111", "1111", "1111", "1111"]` or `{"first": "ada", "domain": "@example.org"}` hide a value no single
 * string holds. A run of adjacent short string siblings (each at most MAX_PART characters; any other value breaks
 * the run) is joined, in windows of at most MAX_SIBLINGS siblings (sliding by half a window, so a value of up to
 * MAX_SIBLINGS / 2 parts always falls inside one window), with '' between the parts and, for each run of parts
 * that hold a digit (groups of a number), once more with ' ', and scanned. That run does not extend into a part
 * whose first digits are glued to a letter (`4f9c2a…` after `v1.0.8`): those begin an identifier, not a group of a
 * number, and running on into one only blurs the number before it (a phone number and the next id read as one
 * run of too many digits). A finding that spans two siblings or more is reported as one finding per sibling part,
 * each with the same type and its own span in its own string (so an action redacts every part). It is dropped
 * when one of its parts overlaps what that sibling's own scan found: the sibling's own value already explains it
 * (`["Ada", "ada@example.org"]` joined gives `Adaada@example.org`, which is not a new value); and a first or last
 * sibling that only lengthens a value the others already make is left out of it (see trimPieces). A named
 * secret in array elements is the exception to both: a token cut in two often matches its pattern in its first
 * part already, and the joined token (first part and continuation) is the secret. Object members are named
 * fields, so a token there is not extended into the next field (`{"key": "sk-…", "model": "gpt4o"}`).
 */
import { SECRET_ENTITY_TYPES, type EntityType } from './entities.js'
import type { TextFinding } from './scan-text.js'

/** The longest sibling joined (characters). */
export const MAX_PART = 64
/** The most siblings joined at once. */
export const MAX_SIBLINGS = 8
const STRIDE = MAX_SIBLINGS / 2
/** Named secrets: tokens of a fixed alphabet that a split may cut anywhere (GENERIC_SECRET is not one). */
const TOKEN_TYPES = new Set<EntityType>(SECRET_ENTITY_TYPES.filter((type) => type !== 'GENERIC_SECRET'))

/** A part of a split value, in sibling `index` of the run. */
export interface SiblingPart extends TextFinding {
  readonly index: number
}

/** Is this value a string short enough to be part of a split value? */
export function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PART
}

/**
 * Does a piece conflict with what its sibling's own scan found? Any overlap does, except (for a named secret in
 * array elements, `tokens`) an own finding of the same type inside the piece: a token cut in two often still
 * matches its pattern in its first part, and the joined token is the whole secret.
 */
function conflicts(found: readonly TextFinding[], piece: SiblingPart, tokens: boolean): boolean {
  const extendsSecret = tokens && TOKEN_TYPES.has(piece.type)
  return found.some(
    (finding) =>
      finding.start < piece.end &&
      piece.start < finding.end &&
      !(extendsSecret && finding.type === piece.type && finding.start >= piece.start && finding.end <= piece.end),
  )
}

/** The parts of one finding in the joined `parts` (offsets of each part in the joined text: `offsets`). */
function piecesOf(finding: TextFinding, parts: readonly string[], offsets: readonly number[], first: number): SiblingPart[] {
  const pieces: SiblingPart[] = []
  for (let i = 0; i < parts.length; i += 1) {
    const base = offsets[i] ?? 0
    const start = Math.max(finding.start, base) - base
    const end = Math.min(finding.end, base + (parts[i]?.length ?? 0)) - base
    if (end > start) pieces.push({ type: finding.type, index: first + i, start, end })
  }
  return pieces
}

/**
 * Drops a first or last piece that only extends a value the other pieces already make (`"ada"`, `"@example.org"`,
 * `"hi"` joined give `ada@example.orghi`, whose `hi` is not part of the address): while the joined text without
 * that sibling still holds a value of the same type over the rest, the sibling is left out.
 */
function trimPieces(pieces: SiblingPart[], parts: readonly string[], first: number, joiner: string, scan: Scan): SiblingPart[] {
  const holds = (kept: SiblingPart[]): boolean => {
    const texts = kept.map((piece) => parts[piece.index - first] ?? '')
    const joined = texts.join(joiner)
    const from = kept[0]?.start ?? 0
    const to = joined.length - (texts.at(-1)?.length ?? 0) + (kept.at(-1)?.end ?? 0)
    return scan(joined).some((finding) => finding.type === kept[0]?.type && finding.start <= from && finding.end >= to)
  }
  let trimmed = pieces
  while (trimmed.length > 2 && holds(trimmed.slice(0, -1))) trimmed = trimmed.slice(0, -1)
  while (trimmed.length > 2 && holds(trimmed.slice(1))) trimmed = trimmed.slice(1)
  if (trimmed.length === 2 && (holds(trimmed.slice(0, 1)) || holds(trimmed.slice(1)))) return []
  return trimmed
}

type Scan = (text: string) => readonly TextFinding[]

interface Run {
  readonly own: readonly (readonly TextFinding[])[]
  readonly scan: Scan
  /** Array elements, where a named secret may continue from one element into the next (see conflicts). */
  readonly tokens: boolean
  /** The parts found, by index, span and type (made at the first). */
  out: Map<string, SiblingPart> | undefined
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (isDigit(text.charCodeAt(i))) return true
  return false
}

function scanJoined(parts: readonly string[], first: number, joiner: string, run: Run): void {
  const { own, scan, tokens } = run
  const found = scan(parts.join(joiner))
  if (found.length === 0) return
  const offsets: number[] = []
  let length = 0
  for (const part of parts) {
    offsets.push(length)
    length += part.length + joiner.length
  }
  for (const finding of found) {
    const whole = piecesOf(finding, parts, offsets, first)
    // A named secret in array elements is one opaque token: its continuation belongs to it (no trimming).
    const pieces = tokens && TOKEN_TYPES.has(finding.type) ? whole : trimPieces(whole, parts, first, joiner, scan)
    if (pieces.length < 2 || pieces.some((piece) => conflicts(own[piece.index] ?? [], piece, tokens))) continue
    run.out ??= new Map()
    for (const piece of pieces) run.out.set(`${piece.index}:${piece.start}:${piece.end}:${piece.type}`, piece)
  }
}

/**
 * Whether `part` starts with digits glued to a letter (`4f9c…`): such digits begin an identifier, not a group of
 * a number written in groups, so the ' ' join does not run into that part.
 */
function startsGlued(part: string): boolean {
  let i = 0
  while (i < part.length && isDigit(part.charCodeAt(i))) i += 1
  return i > 0 && i < part.length && isLetter(part.charCodeAt(i))
}

function scanWindow(parts: readonly string[], first: number, run: Run): void {
  scanJoined(parts, first, '', run)
  // The ' ' join finds numbers written in groups (`123 45 6789`): it joins each run of parts that hold a digit,
  // cut before a part whose first digits are glued to a letter (startsGlued).
  for (let start = 0; start < parts.length; ) {
    let end = start
    while (
      end < parts.length &&
      hasDigit(parts[end] as string) &&
      (end === start || !startsGlued(parts[end] as string))
    ) {
      end += 1
    }
    if (end - start >= 2) scanJoined(parts.slice(start, end), first + start, ' ', run)
    start = Math.max(end, start + 1)
  }
}

/**
 * Finds the values split across `parts` (a run of adjacent short strings, in order; see the top of the file).
 * `own[i]` is what scanning `parts[i]` alone found; `scan` scans a joined text (scanText with the run's context);
 * `inArray` says the parts are array elements rather than object members.
 * Returns the parts of every split value, in no particular order.
 *
 * @example
 * findSplitValues(['4111', '1111', '1111', '1111'], [[], [], [], []], scan)
 * // → four CREDIT_CARD parts: { index: 0, start: 0, end: 4 }, { index: 1, … }, …
 */
export function findSplitValues(parts: readonly string[], own: readonly (readonly TextFinding[])[], scan: Scan, inArray = false): SiblingPart[] {
  if (parts.length < 2) return []
  const run: Run = { own, scan, tokens: inArray, out: undefined }
  for (let first = 0; ; first += STRIDE) {
    const last = Math.min(parts.length, first + MAX_SIBLINGS)
    scanWindow(first === 0 && last === parts.length ? parts : parts.slice(first, last), first, run)
    if (last === parts.length) break
  }
  return run.out === undefined ? [] : [...run.out.values()]
}
