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
  /**
   * At least this many ASCII digits in one chain: digits with at most CHAIN_GAP characters between neighbours, each
   * of them a space, `.`, `/`, `-`, `(` or `)` (how card, SSN, phone and passport numbers are written). A letter
   * or any other character ends a chain, so `4f9c2a123456` has chains of 1 and 6 digits.
   */
  readonly chainDigits?: number
  /** At least this many `.` in one run of ASCII digits and dots (an IPv4 address has three). */
  readonly dottedRun?: number
}

/** The most characters between two digits of one chain (phone numbers write `) - (`). */
export const CHAIN_GAP = 3

// The profile of `lastText`: presence bits of the characters 32–63, 64–95 and 96–127, and its digit count.
// Plain variables rather than an object, so that asking about a new string allocates nothing.
let lastText: string | undefined
let lastLow = 0
let lastUpper = 0
let lastLower = 0
let lastDigits = 0
let lastNonAscii = false
let lastControl = false
// The digit shape of `lastText` (longest chain, most dots in a dotted run), measured on demand: -1 until then.
let lastChain = -1
let lastDotted = 0

function isChainGap(code: number): boolean {
  return code === 32 || code === 46 || code === 47 || code === 45 || code === 40 || code === 41
}

/**
 * A second pass, taken only when a requirement with `chainDigits` or `dottedRun` passed its bit tests (a string
 * with that many digits): the longest chain's digit count and the most dots in one run of digits and dots.
 */
function measureDigitShape(text: string): void {
  let chain = 0
  let longest = 0
  let gap = 0
  let dots = 0
  let dotted = 0
  const length = text.length
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      chain = gap > CHAIN_GAP ? 1 : chain + 1
      gap = 0
      if (chain > longest) longest = chain
    } else if (isChainGap(code)) gap += 1
    else {
      chain = 0
      gap = 0
    }
    if (code === 46) {
      dots += 1
      if (dots > dotted) dotted = dots
    } else if (code < 48 || code > 57) dots = 0
  }
  lastChain = longest
  lastDotted = dotted
}

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
  lastChain = -1
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
  readonly chainDigits: number
  readonly dottedRun: number
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
  if (requirement.chainDigits > 0 || requirement.dottedRun > 0) {
    if (lastChain < 0) measureDigitShape(text)
    if (lastChain < requirement.chainDigits || lastDotted < requirement.dottedRun) return false
  }
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
  const { digits = 0, chars = '', anyOf = [], chainDigits = 0, dottedRun = 0 } = requirement
  for (const [name, count] of Object.entries({ digits, chainDigits, dottedRun })) {
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`"${name}" must be a non-negative integer`)
  }
  if (anyOf.some((literal) => literal === '')) throw new TypeError('a requirement literal must not be empty')
  const needed = charsOf(chars)
  // A character every literal has must occur whichever literal does.
  const [first, ...others] = anyOf.map(charsOf)
  for (const char of first ?? []) if (others.every((set) => set.has(char))) needed.add(char)
  const [low, upper, lower] = masksOf(needed)
  const literals = [...anyOf]
  // A chain of n digits has that many digits in the text, and a dotted run a `.`.
  const compiled: CompiledRequirement = {
    digits: Math.max(digits, chainDigits),
    chainDigits,
    dottedRun,
    low: dottedRun > 0 ? low | (1 << (46 - 32)) : low,
    upper,
    lower,
    literals,
    literalMasks: literals.flatMap((literal) => masksOf(literal)),
  }
  const mayContain = (text: string): boolean => meetsRequirement(compiled, text)
  COMPILED.set(mayContain, compiled)
  return mayContain
}
