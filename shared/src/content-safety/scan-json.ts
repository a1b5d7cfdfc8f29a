/**
 * shared/src/content-safety/scan-json.ts — finds sensitive values anywhere in a JSON value.
 *
 * Every string value and every object member name is scanned, at any depth, in full (a long string is never
 * truncated: a secret at the end of a 10 MB argument is still a secret). Integer numbers of nine digits or more
 * are scanned too, as their decimal string, by the detectors of types a bare number can be (a card number or an
 * SSN sent as `4111111111111111` rather than `"4111111111111111"`). The walk uses an explicit stack, not
 * recursion, so nesting as deep as a parser allows cannot overflow the call stack; a depth-first order with
 * members in insertion order keeps findings in document order.
 *
 * A value split across adjacent short string siblings (`["4111", "1111", "1111", "1111"]`) is found by joining
 * them (split-siblings.ts) and reported as one finding per part, each with its own path and span: the parts of one
 * value have the same type, so an action redacts (or blocks on) every part.
 */
import { CleanNames } from './clean-names.js'
import { assertDetectors, type Detector, type DetectorContext } from './detector.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import type { EntityType } from './entities.js'
import { formatJsonPointer } from './json-pointer.js'
import { resolveOverlaps, scanScreened, type TextFinding } from './scan-text.js'
import { screenOfFrozen, type Screen } from './screen.js'
import { findSplitValues, isShortString } from './split-siblings.js'

/** One sensitive value found in a JSON value. */
export interface ScanFinding {
  readonly type: EntityType
  /**
   * JSON pointer (RFC 6901) of the string or number that holds the value, relative to the scanned value. For a
   * finding in a member name (`inKey`), the pointer of that member (its name is the pointer's last token).
   */
  readonly path: string
  /**
   * UTF-16 offsets inside that string (or member name). A finding in a number always covers the whole number:
   * start 0, end the length of its decimal string (`String(n)`).
   */
  readonly start: number
  readonly end: number
  /** True when the value sits in an object member's name rather than in a string value. */
  readonly inKey: boolean
}

/** Options of `scanJson`. */
export interface ScanJsonOptions {
  /** Stop after this many findings (a positive integer); a result that long may be incomplete. Default: no limit. */
  readonly maxFindings?: number | undefined
  /** Detectors to run; default DEFAULT_DETECTORS. */
  readonly detectors?: readonly Detector[] | undefined
  /** The member name the scanned value sits under, if any, as context for detectors (e.g. `ssn`). */
  readonly key?: string | undefined
}

/** A value met by the walk, with how it was reached. A class, so every frame has one shape (V8 reads them fast). */
class Frame {
  /** The findings of a string value, when they were settled with its siblings' (split values). */
  found: readonly TextFinding[] | undefined = undefined
  /**
   * True once a container's children are pushed: the frame is pushed again beneath them, and popping it then
   * means its subtree is done (one class of entry on the stack, which V8 reads fast).
   */
  entered = false

  constructor(
    readonly value: unknown,
    readonly parent: Frame | undefined,
    /** The member name or array index that leads here from the parent; undefined for the scanned value itself. */
    readonly token: string | number | undefined,
    /** True when `token` is an object member name, which is scanned too. */
    readonly isMember: boolean,
    /** The nearest member name at or above this value, as DetectorContext (shared by an array's elements). */
    readonly context: DetectorContext,
  ) {}
}

/**
 * The types a bare JSON number can hold: all digits, at least nine of them. Detectors of these types (built-in or
 * custom) also scan numbers; the others could only find text that a number never is, or (a custom catch-all
 * detector) would replace ordinary numbers with strings.
 */
const NUMBER_TYPES = new Set<EntityType>(['CREDIT_CARD', 'US_SSN'])
/** The smallest number scanned: nine digits, an SSN's length. Card numbers are 13 to 19. */
const MIN_NUMBER = 100_000_000

/** A validated detector list, in a private array, with the detectors that also scan numbers. */
interface Detectors {
  readonly all: readonly Detector[]
  readonly numbers: readonly Detector[]
  /** Member names in which these detectors found nothing (clean-names.ts). */
  readonly cleanNames: CleanNames
  /** The screen (screen.ts) those were found clean with: a new one means a detector changed, and they are forgotten. */
  screen: Screen | undefined
}

/**
 * Validated lists that cannot change (frozen: DEFAULT_DETECTORS, the stage's own list), so each message does not
 * check them again. The private copy is frozen too, so a screen (screen.ts) is kept for it.
 */
const CHECKED = new WeakMap<readonly Detector[], Detectors>()

function checkedDetectors(detectors: unknown): Detectors {
  const frozen = Array.isArray(detectors) && Object.isFrozen(detectors)
  const known = frozen ? CHECKED.get(detectors) : undefined
  if (known !== undefined) return known
  const all: unknown = Array.isArray(detectors) ? [...(detectors as unknown[])] : detectors
  assertDetectors(all, '"detectors"')
  // Frozen, so a screen is kept for them (screen.ts); they are private copies nobody else changes.
  const checked: Detectors = {
    all: Object.freeze(all),
    numbers: Object.freeze(all.filter((detector) => NUMBER_TYPES.has(detector.type))),
    cleanNames: new CleanNames(),
    screen: undefined,
  }
  if (frozen) CHECKED.set(detectors, checked)
  return checked
}

function readOptions(options: ScanJsonOptions): { maxFindings: number; detectors: Detectors } {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const { maxFindings = Number.POSITIVE_INFINITY, detectors = DEFAULT_DETECTORS, key } = options
  if (maxFindings !== Number.POSITIVE_INFINITY && !(Number.isInteger(maxFindings) && maxFindings > 0)) {
    throw new TypeError('"maxFindings" must be a positive integer')
  }
  const checked = checkedDetectors(detectors)
  if (key !== undefined && typeof key !== 'string') throw new TypeError('"key" must be a string')
  return { maxFindings, detectors: checked }
}

function pathOf(frame: Frame): string {
  const tokens: string[] = []
  // An array index is kept as a number and turned into its token only here, when a finding needs the path.
  for (let current: Frame | undefined = frame; current?.token !== undefined; current = current.parent) tokens.push(String(current.token))
  return formatJsonPointer(tokens.reverse())
}

function record(findings: ScanFinding[], found: readonly TextFinding[], frame: Frame, inKey: boolean): void {
  if (found.length === 0) return
  const path = pathOf(frame)
  for (const { type, start, end } of found) findings.push({ type, path, start, end, inKey })
}

/**
 * Scans an integer of nine digits or more as its decimal string. The whole number is one value: whatever the
 * detectors found in it becomes one finding over the whole decimal string (the overlap rule picks its type), so
 * an action replaces the number, never part of it.
 */
function scanNumber(value: number, detectors: readonly Detector[], context: DetectorContext): readonly TextFinding[] {
  if (detectors.length === 0 || !Number.isSafeInteger(value) || Math.abs(value) < MIN_NUMBER) return []
  const text = String(value)
  const found = scanScreened(text, screenOfFrozen(detectors), context)
  if (found.length === 0) return found
  return resolveOverlaps(found.map(({ type }) => ({ type, start: 0, end: text.length })))
}

/** The findings in a member name, scanned with its parent's context, unless it is known to have none (clean-names.ts). */
function scanName(name: string, clean: CleanNames, screen: Screen, context: DetectorContext): readonly TextFinding[] {
  if (clean.has(name, context.key)) return []
  const found = scanScreened(name, screen, context)
  if (found.length === 0) clean.remember(name, context.key)
  return found
}

/** Pushes a container's children (last first, so they pop in order) above the container's own frame, entered. */
function pushChildren(stack: Frame[], frame: Frame, container: object, onPath: Set<object>, screen: Screen): void {
  if (onPath.has(container)) throw new TypeError('the value refers to itself, so it is not JSON and cannot be scanned')
  onPath.add(container)
  frame.entered = true
  stack.push(frame)
  const children: Frame[] = []
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index += 1) {
      children.push(new Frame(container[index], frame, index, false, frame.context))
    }
  } else {
    const members = container as Record<string, unknown>
    for (const name of Object.keys(members)) children.push(new Frame(members[name], frame, name, true, { key: name }))
  }
  if (children.length > 1 && screen.detectors.length > 0) findSplitRuns(children, frame.context, screen, Array.isArray(container))
  for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index] as Frame)
}

/**
 * Scans each run of two or more adjacent short string children for values split across them (split-siblings.ts),
 * and stores every child's settled findings (its own and its parts of split values) on its frame.
 */
function findSplitRuns(children: readonly Frame[], context: DetectorContext, screen: Screen, inArray: boolean): void {
  for (let first = 0; first < children.length; ) {
    if (!isShortString((children[first] as Frame).value)) {
      first += 1
      continue
    }
    let end = first + 1
    while (end < children.length && isShortString((children[end] as Frame).value)) end += 1
    if (end - first >= 2) settleRun(children.slice(first, end), context, screen, inArray)
    first = end
  }
}

/** Settles the findings of one run of short string siblings: each one's own, and its parts of split values. */
function settleRun(run: readonly Frame[], context: DetectorContext, screen: Screen, inArray: boolean): void {
  const texts: string[] = []
  const own: (readonly TextFinding[])[] = []
  for (const child of run) {
    const text = child.value as string
    texts.push(text)
    own.push(scanScreened(text, screen, child.context))
  }
  const parts = findSplitValues(texts, own, (text) => scanScreened(text, screen, context), inArray)
  if (parts.length === 0) {
    // Nothing split: each sibling's own findings, already settled by scanScreened.
    run.forEach((child, index) => (child.found = own[index]))
    return
  }
  const found = own.map((findings) => [...findings])
  for (const part of parts) found[part.index]?.push({ type: part.type, start: part.start, end: part.end })
  run.forEach((child, index) => {
    const settled = found[index] ?? []
    child.found = settled.length > 1 ? resolveOverlaps(settled) : settled
  })
}

/**
 * Scans every string value and member name of `value` with the detectors, and every integer of nine digits or
 * more (up to Number.MAX_SAFE_INTEGER) with the CREDIT_CARD and US_SSN detectors among them; booleans, null,
 * other numbers and values that are not JSON are skipped. Throws TypeError on bad options or a value that
 * contains itself (not JSON).
 *
 * @example
 * scanJson({ to: 'ada@example.org', 'ada@example.org': 1 })
 * // → [{ type: 'EMAIL', path: '/to', start: 0, end: 15, inKey: false },
 * //    { type: 'EMAIL', path: '/ada@example.org', start: 0, end: 15, inKey: true }]
 */
export function scanJson(value: unknown, options: ScanJsonOptions = {}): ScanFinding[] {
  const { maxFindings, detectors } = readOptions(options)
  // The list is checked once per value: a detector's mayContain replaced during the walk counts from the next one.
  const screen = screenOfFrozen(detectors.all)
  if (detectors.screen !== screen) {
    detectors.cleanNames.clear()
    detectors.screen = screen
  }
  const findings: ScanFinding[] = []
  const onPath = new Set<object>()
  const root = new Frame(value, undefined, undefined, false, { key: options.key })
  const stack: Frame[] = [root]
  while (findings.length < maxFindings) {
    const entry = stack.pop()
    if (entry === undefined) break
    if (entry.entered) {
      onPath.delete(entry.value as object)
      continue
    }
    if (entry.isMember && typeof entry.token === 'string') {
      record(findings, scanName(entry.token, detectors.cleanNames, screen, entry.parent?.context ?? root.context), entry, true)
    }
    if (typeof entry.value === 'string') record(findings, entry.found ?? scanScreened(entry.value, screen, entry.context), entry, false)
    else if (typeof entry.value === 'number') record(findings, scanNumber(entry.value, detectors.numbers, entry.context), entry, false)
    else if (typeof entry.value === 'object' && entry.value !== null) pushChildren(stack, entry, entry.value, onPath, screen)
  }
  return findings.length > maxFindings ? findings.slice(0, maxFindings) : findings
}
