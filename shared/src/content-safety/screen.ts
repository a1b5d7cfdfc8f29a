/**
 * shared/src/content-safety/screen.ts — the combined precondition of a detector list: which detectors a string
 * needs, from one pass over it and one table.
 *
 * Most strings in tool arguments (paths, queries, ids, words) hold nothing, so what a string costs is mostly the
 * asking. A screen asks every detector at once. Each detector's precondition is one or more requirements
 * (precondition.ts), any of which is enough; every requirement is one row of a table of integers, in detector
 * order:
 *
 *   detector | min length | min base64 run | min digits | needed characters 32–63, 64–95, 96–127 | needed letters
 *            | characters one of which is needed, 32–63, 64–95, 96–127 | digits in one chain | dots in one dotted run
 *
 * (the characters, and the letters in any case, as presence bits). The string's profile (precondition.ts: one
 * pass recording which printable ASCII characters occur, the digit count, the longest base64 run, non-ASCII and
 * control characters) is read against every row: a row holds when the string is that long, has such a run and
 * that many digits, has every character and letter the row needs and one of its any-of characters. The
 * characters it lacks and the row needs are one AND-NOT per mask, so a row costs a few integer operations and no
 * call. For a row that holds and needs a chain or a dotted run, the string's digit shape is measured (a second
 * pass, once per string: precondition.ts's digitShapeOf) and compared; this is all the number detectors ask. Only
 * then is the rest of its requirement asked (a literal prefix, the words, the member name, a `confirm` pass:
 * meetsRest), or, for a detector whose `mayContain` was not built by
 * createPrecondition, that function; a detector without `mayContain` is a row that needs nothing. The first row
 * of a detector that holds makes it a candidate, and its other rows are skipped. The evasion gate of
 * scan-evasions.ts reads the same profile. So a string that holds nothing costs one pass, a few hundred integer
 * operations and no allocation.
 *
 * Most rows need something ordinary strings lack (a digit, a capital letter or `_`, punctuation, seven digits, a
 * `-`). Ten such features of the profile (featuresOf) pick one of 1,024 row lists, each made the first time it is
 * needed: the rows whose needed characters, letters, digits and run that combination has. The others cannot hold, so a
 * lowercase word is read against 2 of the built-in detectors' 28 rows, a line of prose against 3, a path against 5.
 *
 * The answer is exactly the detectors' own `mayContain` answers: each row is one compiled requirement, tested in
 * full. The table is built once per frozen detector list and rebuilt when a detector's `mayContain` has been
 * replaced since (see screenOf).
 */
import type { Detector, DetectorContext } from './detector.js'
import { compiledRequirementsOf, digitShapeOf, meetsRest, profileOf, type CompiledRequirement } from './precondition.js'

type MayContain = (text: string, context?: DetectorContext) => boolean

/** Fields of one row (see the top of the file). */
const ROW = 13
const DETECTOR = 0
const MIN_LENGTH = 1
const MIN_RUN = 2
const MIN_DIGITS = 3
const LOW = 4
const UPPER = 5
const LOWER = 6
const LETTERS = 7
const ANY_LOW = 8
const ANY_UPPER = 9
const ANY_LOWER = 10
const CHAIN = 11
const DOTTED = 12

/** A detector list read into a table (see the top of the file). */
export interface Screen {
  /** A private unfrozen copy of the list (V8 reads frozen arrays' elements slowly). */
  readonly detectors: readonly Detector[]
  /** ROW integers per row. */
  readonly rows: Int32Array
  /** Per row: the features it needs (neededFeatures). */
  readonly needs: Int32Array
  /** Per combination of features (featuresOf): the indexes of the rows that may hold, in order; made on first use. */
  readonly lists: (Int32Array | undefined)[]
  /** Per row: the compiled requirement whose rest is asked once its masks and digit shape hold, if any is left. */
  readonly rests: readonly (CompiledRequirement | undefined)[]
  /**
   * Per row: the member-name test, when that is all the rest asks (GENERIC_SECRET's credential-named member): asked
   * here directly, as it is asked of nearly every string.
   */
  readonly keyTests: readonly (((key: string) => boolean) | undefined)[]
  /** Per row: the detector's own `mayContain`, when it was not built by createPrecondition. */
  readonly calls: readonly (MayContain | undefined)[]
  /** The indexes of the detectors that are not frozen, whose `mayContain` may be replaced. */
  readonly mutable: readonly number[]
  /** Each detector's `mayContain` when the table was built. */
  readonly built: readonly unknown[]
}

function buildScreen(detectors: readonly Detector[]): Screen {
  const copy = [...detectors]
  const rows: number[] = []
  const rests: (CompiledRequirement | undefined)[] = []
  const calls: (MayContain | undefined)[] = []
  copy.forEach((detector, index) => {
    const { mayContain } = detector
    const compiled = compiledRequirementsOf(mayContain)
    if (compiled === undefined) {
      rows.push(index, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      rests.push(undefined)
      calls.push(mayContain === undefined ? undefined : (text, context) => mayContain.call(detector, text, context))
      return
    }
    // Requirements without a rest first: they answer from the table alone.
    for (const requirement of [...compiled].sort((a, b) => Number(a.hasRest) - Number(b.hasRest))) {
      const { minLength, minRun, digits, low, upper, lower, letters, anyLow, anyUpper, anyLower, chainDigits, dottedRun } = requirement
      rows.push(index, minLength, minRun, digits, low, upper, lower, letters, anyLow, anyUpper, anyLower, chainDigits, dottedRun)
      rests.push(requirement.hasRestAfterShape ? requirement : undefined)
      calls.push(undefined)
    }
  })
  const table = Int32Array.from(rows)
  const mutable = copy.flatMap((detector, index) => (Object.isFrozen(detector) ? [] : [index]))
  const keyTests = rests.map((rest) => (rest?.onlyKey === true ? rest.key : undefined))
  const lists = Array.from({ length: FEATURES }, () => undefined)
  return { detectors: copy, rows: table, needs: rowNeeds(table), lists, rests, keyTests, calls, mutable, built: copy.map((detector) => detector.mayContain) }
}

/** The digits' presence bits in a profile's `low` mask (`0` is bit 16). */
const DIGIT_BITS = 0x3ff << 16

/** The presence bits of `-` and `:` in a profile's `low` mask, and of `b` and `x` in `upper | lower` (either case). */
const DASH_BIT = 1 << ('-'.charCodeAt(0) - 32)
const COLON_BIT = 1 << (':'.charCodeAt(0) - 32)
const B_BIT = 1 << ('b'.charCodeAt(0) - 96)
const X_BIT = 1 << ('x'.charCodeAt(0) - 96)
/** Seven digits: the fewest any number detector needs (a phone number; a passport needs 8, an SSN 9, a card 13). */
const MANY_DIGITS = 7
/** A base64 run this long (an AWS secret key is 40; encoded values). */
const LONG_RUN = 32

/** How many combinations of features (featuresOf) there are: ten bits. */
const FEATURES = 1 << 10

/**
 * The features of a profile that pick its row list, as bits. Four that most rows need one of: a digit (1), a
 * character of 64–95 (2: a capital letter, `@`, `_`, `[`…), a character of 32–63 other than a digit (4: blank,
 * punctuation), one of 96–127 (8: lowercase letters, `{`, `|`…). And six that few strings have and some rows need,
 * chosen by counting the rows read per string of the bench's mix (12.3 with the first four, 5.9 with all ten):
 * seven digits or more (16: the phone, card, SSN and passport rows), a base64 run of LONG_RUN (32: an AWS secret
 * key), `-` (64: `sk-` keys, PEM headers, command-line flags), `:` (128: URLs, IPv6 addresses), an `x` (256:
 * Slack's `xox…`) and a `b` (512: `Bearer`, `Basic`) in either case.
 */
function featuresOf(digits: number, longestRun: number, low: number, upper: number, lower: number): number {
  const letters = upper | lower
  return (
    (digits > 0 ? 1 : 0) |
    (upper !== 0 ? 2 : 0) |
    ((low & ~DIGIT_BITS) !== 0 ? 4 : 0) |
    (lower !== 0 ? 8 : 0) |
    (digits >= MANY_DIGITS ? 16 : 0) |
    (longestRun >= LONG_RUN ? 32 : 0) |
    ((low & DASH_BIT) !== 0 ? 64 : 0) |
    ((low & COLON_BIT) !== 0 ? 128 : 0) |
    ((letters & X_BIT) !== 0 ? 256 : 0) |
    ((letters & B_BIT) !== 0 ? 512 : 0)
  )
}

/**
 * The features a row needs (featuresOf's bits): those of the characters and letters it needs, a digit when it
 * needs digits, seven when it needs that many, a long run when it needs one, and the one feature of its any-of
 * characters when they all have the same of the first four.
 */
function neededFeatures(rows: Int32Array, r: number): number {
  const letters = rows[r + LETTERS] as number
  let needed = featuresOf(rows[r + MIN_DIGITS] as number, rows[r + MIN_RUN] as number, rows[r + LOW] as number, rows[r + UPPER] as number, rows[r + LOWER] as number)
  // Letters needed in either case: their `b` and `x` features, but not a capital letter or a lowercase one.
  needed |= featuresOf(0, 0, 0, letters, 0) & (256 | 512)
  const anyOf = featuresOf(0, 0, rows[r + ANY_LOW] as number, rows[r + ANY_UPPER] as number, rows[r + ANY_LOWER] as number)
  // Any-of characters among the digits are left out of featuresOf's `low` test: such a row needs nothing there.
  const digitAny = ((rows[r + ANY_LOW] as number) & DIGIT_BITS) !== 0
  if (!digitAny && (anyOf === 2 || anyOf === 4 || anyOf === 8)) needed |= anyOf
  return needed
}

/** Each row's needed features (neededFeatures). */
function rowNeeds(rows: Int32Array): Int32Array {
  const needs = new Int32Array(rows.length / ROW)
  for (let row = 0; row < needs.length; row += 1) needs[row] = neededFeatures(rows, row * ROW)
  return needs
}

/**
 * The rows whose needed features a combination has (see the top of the file), made the first time a string with
 * that combination is screened and kept: a screen made for one call (a custom list) builds only the few lists its
 * strings need.
 */
function listOf(screen: Screen, features: number): Int32Array {
  const { needs } = screen
  const rows: number[] = []
  for (let row = 0; row < needs.length; row += 1) if (((needs[row] as number) & ~features) === 0) rows.push(row)
  const list = Int32Array.from(rows)
  screen.lists[features] = list
  return list
}

const SCREENS = new WeakMap<readonly Detector[], Screen>()
// The list of the last call and its screen: scanJson asks with the same list for every value.
let lastDetectors: readonly Detector[] | undefined
let lastScreen: Screen | undefined

/** Whether no detector that can change (not frozen: the built-in ones are) has had its `mayContain` replaced. */
function isCurrent(screen: Screen): boolean {
  const { detectors, mutable, built } = screen
  for (let i = 0; i < mutable.length; i += 1) {
    const index = mutable[i] as number
    if ((detectors[index] as Detector).mayContain !== built[index]) return false
  }
  return true
}

/**
 * The screen of a detector list that nobody changes (frozen), built on first use and kept; rebuilt when a
 * detector's `mayContain` was replaced since (checked on every call: scanJson calls this once per value, scanText
 * once per string).
 */
export function screenOfFrozen(detectors: readonly Detector[]): Screen {
  let screen = detectors === lastDetectors ? lastScreen : SCREENS.get(detectors)
  if (screen === undefined || !isCurrent(screen)) {
    screen = buildScreen(detectors)
    SCREENS.set(detectors, screen)
  }
  lastDetectors = detectors
  lastScreen = screen
  return screen
}

/** The screen of a detector list (see screenOfFrozen), or undefined for a list that is not frozen and may change. */
export function screenOf(detectors: readonly Detector[]): Screen | undefined {
  return detectors === lastDetectors || Object.isFrozen(detectors) ? screenOfFrozen(detectors) : undefined
}

/**
 * The indexes (in `screen.detectors`) of the detectors whose `mayContain` holds for `text` under `context`, in
 * order; undefined when none does (the common case, which allocates nothing).
 */
export function screenText(screen: Screen, text: string, context: DetectorContext | undefined): number[] | undefined {
  const { rows, rests, keyTests, calls } = screen
  if (rows.length === 0) return undefined
  // Copied out of the shared profile: a rest or a call below may profile another text.
  const { length, longestRun, digits, low, upper, lower } = profileOf(text)
  const letters = upper | lower
  const features = featuresOf(digits, longestRun, low, upper, lower)
  const list = screen.lists[features] ?? listOf(screen, features)
  let candidates: number[] | undefined
  let last = -1
  for (let index = 0; index < list.length; index += 1) {
    const row = list[index] as number
    const r = row * ROW
    const detector = rows[r + DETECTOR] as number
    if (detector === last) continue
    // What the row needs and the text lacks, in one number: 0 when the text has every character and letter.
    const lacking =
      ((rows[r + LOW] as number) & ~low) |
      ((rows[r + UPPER] as number) & ~upper) |
      ((rows[r + LOWER] as number) & ~lower) |
      ((rows[r + LETTERS] as number) & ~letters)
    if (
      lacking !== 0 ||
      length < (rows[r + MIN_LENGTH] as number) ||
      longestRun < (rows[r + MIN_RUN] as number) ||
      digits < (rows[r + MIN_DIGITS] as number)
    ) {
      continue
    }
    // One of the characters of the row's any-of masks, when it has them (the first characters of its literals).
    const anyLow = rows[r + ANY_LOW] as number
    const anyUpper = rows[r + ANY_UPPER] as number
    const anyLower = rows[r + ANY_LOWER] as number
    if ((anyLow | anyUpper | anyLower) !== 0 && ((anyLow & low) | (anyUpper & upper) | (anyLower & lower)) === 0) continue
    // The digit shape (a second pass, once per text), when the row needs a chain or a dotted run.
    const chain = rows[r + CHAIN] as number
    const dotted = rows[r + DOTTED] as number
    if ((chain | dotted) !== 0) {
      const shape = digitShapeOf(text)
      if (shape.chain < chain || shape.dotted < dotted) continue
    }
    const keyTest = keyTests[row]
    if (keyTest !== undefined) {
      if (context?.key === undefined || !keyTest(context.key)) continue
    } else {
      const rest = rests[row]
      if (rest !== undefined && !meetsRest(rest, text, context)) continue
    }
    const call = calls[row]
    if (call !== undefined && !call(text, context)) continue
    candidates ??= []
    candidates.push(detector)
    last = detector
  }
  return candidates
}
