/**
 * shared/src/content-safety/scan-text.ts — runs detectors over one string and settles overlaps.
 *
 * Which detectors a string needs is answered for all of them at once by the screen of the list (screen.ts: one
 * profile pass over the string and one table); only those run their `find`. A list that is not frozen (it may
 * change) is asked detector by detector instead.
 *
 * The detectors run on the raw string first. Only when a cheap gate says the string may hide a value (a non-ASCII
 * character, a possible escape, a long base64/hex-looking run, digits joined by odd separators, a defanged `[at]`)
 * do the evasion passes of scan-evasions.ts run as well (normalised Unicode, decoded escapes, rewritten
 * separators, decoded base64/hex); their findings are spans of the original string and
 * go through the same overlap rule, which also drops the duplicates of raw findings.
 *
 * Overlap rule: when spans of different types overlap, only the most specific survives, decided in this order:
 *  1. a named secret (any secret type but GENERIC_SECRET) beats GENERIC_SECRET, which beats any PII type —
 *     a key's own pattern says more than a generic one, and a secret inside text that looks like PII (an API key
 *     in an email's local part) must not be downgraded to the PII's action;
 *  2. then the longer span beats the shorter one (it covers more of the value);
 *  3. then the earlier start, then the order of ENTITY_TYPES (so the result never depends on detector order).
 * Spans are taken greedily in that order, dropping any that overlaps one already taken. Spans that only touch
 * (`end === start`) do not overlap.
 */
import { ENTITY_TYPES, SECRET_ENTITY_TYPES, type EntityType } from './entities.js'
import type { Detector, DetectorContext, Span } from './detector.js'
import { findEvasions, mayHoldEvasion } from './scan-evasions.js'
import { screenOf, screenText, type Screen } from './screen.js'

/** A span with the entity type found there. */
export interface TextFinding extends Span {
  readonly type: EntityType
}

const SECRET_TYPES = new Set<EntityType>(SECRET_ENTITY_TYPES)
const TYPE_ORDER = new Map<EntityType, number>(ENTITY_TYPES.map((type, index) => [type, index]))

function specificity(type: EntityType): number {
  if (type === 'GENERIC_SECRET') return 1
  return SECRET_TYPES.has(type) ? 2 : 0
}

function comparePriority(a: TextFinding, b: TextFinding): number {
  return (
    specificity(b.type) - specificity(a.type) ||
    b.end - b.start - (a.end - a.start) ||
    a.start - b.start ||
    (TYPE_ORDER.get(a.type) ?? 0) - (TYPE_ORDER.get(b.type) ?? 0)
  )
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end
}

/** Greedy choice inside one group of transitively overlapping spans (small: one span per detector, mostly). */
function settleCluster(cluster: TextFinding[], kept: TextFinding[]): void {
  if (cluster.length === 1) {
    kept.push(...cluster)
    return
  }
  const chosen: TextFinding[] = []
  for (const finding of cluster.sort(comparePriority)) {
    if (!chosen.some((other) => overlaps(other, finding))) chosen.push(finding)
  }
  kept.push(...chosen.sort((a, b) => a.start - b.start))
}

/**
 * Applies the overlap rule (see the top of this file) to spans from any detectors; the result is sorted by start
 * and free of overlaps. Sorting once and splitting into clusters keeps it O(n log n) for many findings.
 *
 * @example
 * resolveOverlaps([{ type: 'EMAIL', start: 0, end: 40 }, { type: 'STRIPE_KEY', start: 0, end: 32 }])
 * // → [{ type: 'STRIPE_KEY', start: 0, end: 32 }]
 */
export function resolveOverlaps(findings: readonly TextFinding[]): TextFinding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: TextFinding[] = []
  let cluster: TextFinding[] = []
  let clusterEnd = -1
  for (const finding of sorted) {
    if (cluster.length > 0 && finding.start >= clusterEnd) {
      settleCluster(cluster, kept)
      cluster = []
    }
    cluster.push(finding)
    clusterEnd = cluster.length === 1 ? finding.end : Math.max(clusterEnd, finding.end)
  }
  if (cluster.length > 0) settleCluster(cluster, kept)
  return kept
}

function assertSpan(span: Span, text: string, detector: Detector): void {
  const valid =
    Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start < span.end && span.end <= text.length
  if (!valid) throw new TypeError(`a ${detector.type} detector returned a span outside the text or empty`)
}

function findWith(detector: Detector, text: string, context: DetectorContext | undefined, found: TextFinding[]): void {
  const spans = detector.find(text, context)
  for (let index = 0; index < spans.length; index += 1) {
    const span = spans[index] as Span
    assertSpan(span, text, detector)
    found.push({ type: detector.type, start: span.start, end: span.end })
  }
}

/** Nothing found: shared by every scan that finds nothing, so such a scan allocates nothing (never changed). */
const NOTHING: readonly TextFinding[] = Object.freeze([])

/** The raw findings of a screened list (screen.ts): only the candidates the screen names run. */
function detectScreened(text: string, screen: Screen, context: DetectorContext | undefined): TextFinding[] | undefined {
  const candidates = screenText(screen, text, context)
  if (candidates === undefined) return undefined
  const found: TextFinding[] = []
  for (let index = 0; index < candidates.length; index += 1) {
    findWith(screen.detectors[candidates[index] as number] as Detector, text, context, found)
  }
  return found
}

/** The raw findings of a list without a screen (not frozen): each detector's `mayContain`, then its `find`. */
function detectListed(text: string, detectors: readonly Detector[], context: DetectorContext | undefined): TextFinding[] {
  const found: TextFinding[] = []
  for (let index = 0; index < detectors.length; index += 1) {
    const detector = detectors[index] as Detector
    if (detector.mayContain !== undefined && !detector.mayContain(text, context)) continue
    findWith(detector, text, context, found)
  }
  return found
}

/**
 * scanText with the screen of its detector list already taken (scanJson takes it once per value): the same
 * findings as `scanText(text, detectors, context)` for the list the screen was taken of, read-only (when there
 * are none, one shared empty array).
 */
export function scanScreened(text: string, screen: Screen, context?: DetectorContext): readonly TextFinding[] {
  let found = detectScreened(text, screen, context)
  if (screen.detectors.length > 0 && mayHoldEvasion(text)) {
    const detect = (rewritten: string): readonly TextFinding[] => detectScreened(rewritten, screen, context) ?? NOTHING
    found ??= []
    for (const finding of findEvasions(text, detect)) found.push(finding)
  }
  if (found === undefined || found.length === 0) return NOTHING
  return found.length === 1 ? found : resolveOverlaps(found)
}

/**
 * Runs every detector over `text` and returns the surviving findings, sorted by start. A string that may hide a
 * value is also scanned normalised and decoded (see the top of the file and scan-evasions.ts); those findings are
 * spans of `text` too (a value found in a base64 or hex run covers the whole run). A detector whose
 * `mayContain(text, context)` is false is skipped (it promises `find` would return nothing), which spares most of the work
 * on the short ordinary strings tool arguments mostly are. Throws TypeError when a detector returns an impossible
 * span (a bug in that detector; the pipeline turns it into a deny).
 *
 * @example
 * scanText('mail ada@example.org', DEFAULT_DETECTORS) // → [{ type: 'EMAIL', start: 5, end: 20 }]
 */
export function scanText(text: string, detectors: readonly Detector[], context?: DetectorContext): TextFinding[] {
  const screen = screenOf(detectors)
  if (screen !== undefined) {
    // A copy: the caller owns what it gets.
    return [...scanScreened(text, screen, context)]
  }
  const found = detectListed(text, detectors, context)
  if (detectors.length > 0 && mayHoldEvasion(text)) {
    const detect = (rewritten: string): TextFinding[] => detectListed(rewritten, detectors, context)
    for (const finding of findEvasions(text, detect)) found.push(finding)
  }
  return found.length <= 1 ? found : resolveOverlaps(found)
}
