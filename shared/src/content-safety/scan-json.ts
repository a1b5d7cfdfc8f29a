/**
 * shared/src/content-safety/scan-json.ts — finds sensitive values anywhere in a JSON value.
 *
 * Every string value and every object member name is scanned, at any depth, in full (a long string is never
 * truncated: a secret at the end of a 10 MB argument is still a secret). The walk uses an explicit stack, not
 * recursion, so nesting as deep as a parser allows cannot overflow the call stack; a depth-first order with
 * members in insertion order keeps findings in document order.
 */
import { assertDetectors, type Detector } from './detector.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import type { EntityType } from './entities.js'
import { formatJsonPointer } from './json-pointer.js'
import { scanText, type TextFinding } from './scan-text.js'

/** One sensitive value found in a JSON value. */
export interface ScanFinding {
  readonly type: EntityType
  /**
   * JSON pointer (RFC 6901) of the string that holds the value, relative to the scanned value. For a finding in
   * a member name (`inKey`), the pointer of that member (its name is the pointer's last token).
   */
  readonly path: string
  /** UTF-16 offsets inside that string (or member name). */
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

interface Frame {
  readonly value: unknown
  readonly parent: Frame | undefined
  /** The member name or array index that leads here from the parent; undefined for the scanned value itself. */
  readonly token: string | undefined
  /** True when `token` is an object member name, which is scanned too. */
  readonly isMember: boolean
  /** The nearest member name at or above this value, for DetectorContext. */
  readonly key: string | undefined
}

/** Pushed under a container's children; popping it means the container's subtree is done. */
interface Exit {
  readonly exit: object
}

function readOptions(options: ScanJsonOptions): Required<Pick<ScanJsonOptions, 'maxFindings' | 'detectors'>> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const { maxFindings = Number.POSITIVE_INFINITY, detectors = DEFAULT_DETECTORS, key } = options
  if (maxFindings !== Number.POSITIVE_INFINITY && !(Number.isInteger(maxFindings) && maxFindings > 0)) {
    throw new TypeError('"maxFindings" must be a positive integer')
  }
  assertDetectors(detectors, '"detectors"')
  if (key !== undefined && typeof key !== 'string') throw new TypeError('"key" must be a string')
  return { maxFindings, detectors }
}

function pathOf(frame: Frame): string {
  const tokens: string[] = []
  for (let current: Frame | undefined = frame; current?.token !== undefined; current = current.parent) tokens.push(current.token)
  return formatJsonPointer(tokens.reverse())
}

function record(findings: ScanFinding[], found: readonly TextFinding[], frame: Frame, inKey: boolean): void {
  if (found.length === 0) return
  const path = pathOf(frame)
  for (const { type, start, end } of found) findings.push({ type, path, start, end, inKey })
}

/** Pushes a container's children (last first, so they pop in order) above its exit marker. */
function pushChildren(stack: (Frame | Exit)[], frame: Frame, container: object, onPath: Set<object>): void {
  if (onPath.has(container)) throw new TypeError('the value refers to itself, so it is not JSON and cannot be scanned')
  onPath.add(container)
  stack.push({ exit: container })
  if (Array.isArray(container)) {
    for (let index = container.length - 1; index >= 0; index -= 1) {
      stack.push({ value: container[index], parent: frame, token: String(index), isMember: false, key: frame.key })
    }
    return
  }
  const members = container as Record<string, unknown>
  const names = Object.keys(members)
  for (let index = names.length - 1; index >= 0; index -= 1) {
    const name = names[index] ?? ''
    stack.push({ value: members[name], parent: frame, token: name, isMember: true, key: name })
  }
}

/**
 * Scans every string value and member name of `value` with the detectors; values that are not strings, arrays or
 * objects are skipped. Throws TypeError on bad options or a value that contains itself (not JSON).
 *
 * @example
 * scanJson({ to: 'ada@example.org', 'ada@example.org': 1 })
 * // → [{ type: 'EMAIL', path: '/to', start: 0, end: 15, inKey: false },
 * //    { type: 'EMAIL', path: '/ada@example.org', start: 0, end: 15, inKey: true }]
 */
export function scanJson(value: unknown, options: ScanJsonOptions = {}): ScanFinding[] {
  const { maxFindings, detectors } = readOptions(options)
  const findings: ScanFinding[] = []
  const onPath = new Set<object>()
  const stack: (Frame | Exit)[] = [{ value, parent: undefined, token: undefined, isMember: false, key: options.key }]
  while (findings.length < maxFindings) {
    const entry = stack.pop()
    if (entry === undefined) break
    if ('exit' in entry) {
      onPath.delete(entry.exit)
      continue
    }
    if (entry.isMember && entry.token !== undefined) {
      record(findings, scanText(entry.token, detectors, { key: entry.parent?.key }), entry, true)
    }
    if (typeof entry.value === 'string') record(findings, scanText(entry.value, detectors, { key: entry.key }), entry, false)
    else if (typeof entry.value === 'object' && entry.value !== null) pushChildren(stack, entry, entry.value, onPath)
  }
  return findings.length > maxFindings ? findings.slice(0, maxFindings) : findings
}
