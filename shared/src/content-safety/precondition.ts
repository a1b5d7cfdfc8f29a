/**
 * shared/src/content-safety/precondition.ts — the cheap tests the built-in detectors use as `mayContain`.
 *
 * One pass over a string records which printable ASCII characters occur in it, how many digits it has, and whether
 * it has a non-ASCII or a control character (its profile); the evasion gate of scan-evasions.ts reads it too. A detector's precondition then needs a few bit tests, and an `includes` of its literal prefixes only
 * when all their characters are there. So `scanText` reads a short ordinary string once, instead of running
 * fourteen regexes over it.
 *
 * The last profile is kept (one string), because `scanText` asks every detector about the same string in a row;
 * that keeps the work one pass per string whatever the number of detectors, also for a 10 MB string. The kept
 * string is released at the next scan.
 *
 * A requirement must be a necessary condition of a match: every match of the pattern holds those characters,
 * that many digits, and one of those literals. The equivalence tests (`precondition.test.ts` and the rows of each
 * detector's tables) hold the built-in detectors to that.
 */

/** What must occur in a text for a detector's pattern to match somewhere in it. */
export interface Requirement {
  /** At least this many ASCII digits (`\d` without the `u` flag). */
  readonly digits?: number
  /** Printable ASCII characters (space to `~`) that must all occur. */
  readonly chars?: string
  /** Literals at least one of which must occur (case-sensitive, as the patterns are); their shared characters join `chars`. */
  readonly anyOf?: readonly string[]
}

// The profile of `lastText`: presence bits of the characters 32–63, 64–95 and 96–127, and its digit count.
// Plain variables rather than an object, so that asking about a new string allocates nothing.
let lastText: string | undefined
let lastLow = 0
let lastUpper = 0
let lastLower = 0
let lastDigits = 0
let lastNonAscii = false
let lastControl = false

function profile(text: string): void {
  if (text === lastText) return
  let low = 0
  let upper = 0
  let lower = 0
  let digits = 0
  let nonAscii = false
  let control = false
  const length = text.length
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i)
    if (code >= 96) {
      if (code < 128) lower |= 1 << (code - 96)
      else nonAscii = true
    } else if (code >= 64) upper |= 1 << (code - 64)
    else if (code >= 32) {
      low |= 1 << (code - 32)
      if (code >= 48 && code <= 57) digits += 1
    } else control = true
  }
  lastText = text
  lastLow = low
  lastUpper = upper
  lastLower = lower
  lastDigits = digits
  lastNonAscii = nonAscii
  lastControl = control
}


/** The ASCII digits in `text` (`\d` without the `u` flag); shares the profile pass of the preconditions. */
export function digitCount(text: string): number {
  profile(text)
  return lastDigits
}

/** Whether `text` holds a character above U+007F; shares the profile pass of the preconditions. */
export function hasNonAscii(text: string): boolean {
  profile(text)
  return lastNonAscii
}

/** Whether `text` holds a control character (below U+0020: a tab, a line break…); shares the profile pass. */
export function hasControl(text: string): boolean {
  profile(text)
  return lastControl
}

/**
 * Whether `text` holds at least one of `chars` (printable ASCII); shares the profile pass of the preconditions.
 * Build the tester once (`const hasBracket = anyCharTester(')]')`), then ask it about each text.
 *
 * @example
 * anyCharTester(')]')('f(x)') // → true
 */
export function anyCharTester(chars: string): (text: string) => boolean {
  const [low, upper, lower] = masksOf(charsOf(chars))
  return (text) => {
    profile(text)
    return (lastLow & low) !== 0 || (lastUpper & upper) !== 0 || (lastLower & lower) !== 0
  }
}

/** The presence masks (32–63, 64–95, 96–127) of a set of printable ASCII characters. */
function masksOf(chars: Iterable<string>): [number, number, number] {
  let low = 0
  let upper = 0
  let lower = 0
  for (const char of chars) {
    const code = char.charCodeAt(0)
    if (code >= 96) lower |= 1 << (code - 96)
    else if (code >= 64) upper |= 1 << (code - 64)
    else low |= 1 << (code - 32)
  }
  return [low, upper, lower]
}

function charsOf(literal: string): Set<string> {
  for (const char of literal) {
    const code = char.charCodeAt(0)
    if (char.length !== 1 || code < 32 || code > 126) throw new TypeError('a requirement may only name printable ASCII characters')
  }
  return new Set(literal)
}

/** A requirement as bit masks, with each literal's own masks (three numbers per literal, in order). */
export interface CompiledRequirement {
  readonly digits: number
  readonly low: number
  readonly upper: number
  readonly lower: number
  readonly literals: readonly string[]
  readonly literalMasks: readonly number[]
}

/** The requirement behind each `mayContain` built here, so `scanText` can test it without a call per detector. */
const COMPILED = new WeakMap<object, CompiledRequirement>()

/** The compiled requirement of a `mayContain` built by createPrecondition, or undefined for any other function. */
export function compiledRequirementOf(mayContain: unknown): CompiledRequirement | undefined {
  return typeof mayContain === 'function' ? COMPILED.get(mayContain) : undefined
}

/**
 * Whether `text` meets a compiled requirement: exactly what the `mayContain` createPrecondition built for it answers.
 * A literal is searched for (`includes`) only when all its characters occur.
 */
export function meetsRequirement(requirement: CompiledRequirement, text: string): boolean {
  profile(text)
  const { low, upper, lower, literals, literalMasks } = requirement
  if (lastDigits < requirement.digits || (lastLow & low) !== low || (lastUpper & upper) !== upper || (lastLower & lower) !== lower) return false
  if (literals.length === 0) return true
  for (let i = 0; i < literals.length; i += 1) {
    const m = i * 3
    const literalLow = literalMasks[m] as number
    const literalUpper = literalMasks[m + 1] as number
    const literalLower = literalMasks[m + 2] as number
    if ((lastLow & literalLow) !== literalLow || (lastUpper & literalUpper) !== literalUpper || (lastLower & literalLower) !== literalLower) continue
    if (text.includes(literals[i] as string)) return true
  }
  return false
}

/**
 * Builds a `mayContain` from a requirement: false when the text cannot hold a match. Throws TypeError when the
 * requirement names characters outside printable ASCII, an empty literal, or a digit count that is not a
 * non-negative integer.
 *
 * @example
 * const mayContain = createPrecondition({ anyOf: ['AKIA', 'ASIA'] }) // needs `A` and `I`, then one of the two literals
 * mayContain('key id AKIA…') // → true
 * mayContain('an ordinary sentence') // → false, after one pass and two bit tests
 */
export function createPrecondition(requirement: Requirement): (text: string) => boolean {
  const { digits = 0, chars = '', anyOf = [] } = requirement
  if (!Number.isInteger(digits) || digits < 0) throw new TypeError('"digits" must be a non-negative integer')
  if (anyOf.some((literal) => literal === '')) throw new TypeError('a requirement literal must not be empty')
  const needed = charsOf(chars)
  // A character every literal has must occur whichever literal does.
  const [first, ...others] = anyOf.map(charsOf)
  for (const char of first ?? []) if (others.every((set) => set.has(char))) needed.add(char)
  const [low, upper, lower] = masksOf(needed)
  const literals = [...anyOf]
  const compiled: CompiledRequirement = { digits, low, upper, lower, literals, literalMasks: literals.flatMap((literal) => masksOf(literal)) }
  const mayContain = (text: string): boolean => meetsRequirement(compiled, text)
  COMPILED.set(mayContain, compiled)
  return mayContain
}
