/**
 * shared/src/content-safety/detector.ts — what a detector is, and the one way most detectors are built.
 *
 * A detector is a pure function from one string to the spans of one entity type in it. It knows nothing about
 * JSON, actions or messages: `scanText` combines detectors over one string, `scanJson` walks a JSON value. The
 * later engine keeps this contract and adds its work around it (normalising Unicode digits and zero-width
 * characters before `find`, mapping spans back afterwards), so detectors stay small and testable on their own.
 *
 * Every regex in this folder is linear in the length of the text it scans. Two rules make that true in a
 * backtracking engine (V8's irregexp), and each pattern's comment says how it follows them:
 *  1. a match can only start where a run of the characters it consumes starts (a lookbehind boundary), so the
 *     engine never re-scans a run from every one of its positions;
 *  2. no two quantifiers can share characters ambiguously (every repeated group is delimited by a character the
 *     group cannot contain), so a failing attempt backtracks a bounded or linear number of steps, never
 *     exponentially.
 */
import { isEntityType, type EntityType } from './entities.js'

/** A half-open range of UTF-16 offsets in the scanned string: `text.slice(start, end)` is the detected value. */
export interface Span {
  readonly start: number
  readonly end: number
}

/** What a detector may know about where a string sits, besides the string itself. */
export interface DetectorContext {
  /**
   * The nearest member name above the string in the JSON value (through arrays), e.g. `ssn` for `{"ssn":
   * ["123456789"]}`. Detectors that need a context word (a bare nine-digit SSN) read it; the others ignore it.
   */
  readonly key?: string | undefined
}

/**
 * Finds one entity type in one string. Pure: same text and context, same spans. Spans are in ascending order,
 * do not overlap, and are never empty.
 *
 * @example
 * const digits: Detector = { type: 'US_SSN', find: (text) => (text === '123-45-6789' ? [{ start: 0, end: 11 }] : []) }
 */
export interface Detector {
  readonly type: EntityType
  find(text: string, context?: DetectorContext): Span[]
  /**
   * A cheap precondition: `false` promises that `find(text, context)` returns no spans for this text and this
   * context, so `scanText` skips `find`. It must never answer `false` where `find` could report something (a
   * wrong `false` is a leak); `true` only means "run find". Make it much cheaper than `find`: a few `includes` or
   * one linear pass over the text (a literal prefix, an `@`, enough digits), and a look at `context.key` when a
   * member name alone can make a string a candidate. Left out, `find` always runs.
   *
   * @example
   * { type: 'NPM_TOKEN', find, mayContain: (text) => text.includes('npm_') }
   */
  mayContain?(text: string, context?: DetectorContext): boolean
}

/**
 * Checks one regex match: `undefined` rejects it, a span accepts it (the whole match, or a narrower span inside it
 * when only part of the match is the entity).
 */
export type MatchCheck = (match: RegExpExecArray, text: string, context: DetectorContext) => Span | undefined

/** Options of `createRegexDetector`. */
export interface RegexDetectorOptions {
  readonly type: EntityType
  /** A global (`g`) regex that is linear in the text length (see the rules at the top of this file). */
  readonly pattern: RegExp
  /** Validates a match (Luhn, a decoded header, a placeholder body…); without it every match is accepted. */
  readonly check?: MatchCheck | undefined
  /**
   * The detector's `mayContain` (see Detector): false only for a text in which `pattern` cannot match at all,
   * such as one without the pattern's literal prefix. Without it the regex always runs.
   */
  readonly mayContain?: ((text: string, context?: DetectorContext) => boolean) | undefined
}

const NO_CONTEXT: DetectorContext = Object.freeze({})

/**
 * Builds a detector from a regex and an optional check. A rejected match is retried one character later, so a
 * valid entity that starts inside a rejected longer match is still found; the pattern's start boundary keeps
 * that retry linear.
 *
 * @example
 * const npm = createRegexDetector({ type: 'NPM_TOKEN', pattern: /(?<![A-Za-z0-9_-])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_-])/g })
 */
export function createRegexDetector(options: RegexDetectorOptions): Detector {
  const { type, pattern, check, mayContain } = options
  if (!isEntityType(type)) throw new TypeError('"type" must be one of the entity types in ENTITY_TYPES')
  if (!(pattern instanceof RegExp) || !pattern.global) throw new TypeError('"pattern" must be a RegExp with the g flag')
  if (check !== undefined && typeof check !== 'function') throw new TypeError('"check" must be a function')
  if (mayContain !== undefined && typeof mayContain !== 'function') throw new TypeError('"mayContain" must be a function')
  // One private copy, so nobody else moves its lastIndex; find is synchronous and resets it, so calls stay pure
  // (a copy per call cost more than the scanning itself on short strings).
  const regex = new RegExp(pattern.source, pattern.flags)
  const find = (text: string, context: DetectorContext = NO_CONTEXT): Span[] => {
    regex.lastIndex = 0
    const spans: Span[] = []
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const whole = { start: match.index, end: match.index + match[0].length }
      const span = whole.end === whole.start ? undefined : check === undefined ? whole : check(match, text, context)
      if (span === undefined) regex.lastIndex = whole.start + 1
      else {
        spans.push(span)
        regex.lastIndex = span.end
      }
    }
    return spans
  }
  // Every built-in detector has the shape { type, find, mayContain }, so scanText's calls stay fast.
  return mayContain === undefined ? { type, find } : { type, find, mayContain }
}

/**
 * Checks a list of detectors given to a factory (misuse → TypeError, as every factory in Warden does).
 *
 * @example
 * assertDetectors(options.detectors, '"detectors"')
 */
export function assertDetectors(value: unknown, name: string): asserts value is readonly Detector[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of detectors`)
  for (const detector of value as unknown[]) {
    const candidate = detector as Partial<Detector> | null
    if (typeof candidate !== 'object' || candidate === null || typeof candidate.find !== 'function' || !isEntityType(candidate.type)) {
      throw new TypeError(`every entry of ${name} must be an object with an entity "type" and a find(text) function`)
    }
    if (candidate.mayContain !== undefined && typeof candidate.mayContain !== 'function') {
      throw new TypeError(`the "mayContain" of every entry of ${name} must be a function or left out`)
    }
  }
}
