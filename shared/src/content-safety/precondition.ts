/**
 * shared/src/content-safety/precondition.ts — the cheap tests the built-in detectors use as `mayContain`.
 *
 * One pass over a string records which printable ASCII characters occur in it, how many digits it has, its
 * longest run of base64 characters, and whether it has a non-ASCII or a control character (its profile); the
 * evasion gate of scan-evasions.ts and decode.ts's encoded-run test read it too. A
 * detector's precondition then needs a few bit tests, and an `includes` of its literal prefixes only when all
 * their characters are there. So `scanText` reads a short ordinary string once, instead of running twenty regexes
 * over it; and screen.ts combines the requirements of a whole detector list into one table read after that pass.
 *
 * A requirement is a conjunction of tests, cheapest first: a length, a base64 run, a digit count, characters that
 * must all occur and characters one of which must (presence bits), then the digit shape (a chain, a dotted run),
 * literals, words in any case, the member name, and last a `confirm` function for a shape the bits cannot say.
 * A precondition may be several requirements, any of which is enough (`[{ chars: ':' }, { dottedRun: 3 }]`).
 *
 * The last profile is kept (one string), because `scanText` asks every detector about the same string in a row;
 * that keeps the work one pass per string whatever the number of detectors, also for a 10 MB string. The kept
 * string is released at the next scan.
 *
 * A requirement must be a necessary condition of a match: every match of the pattern holds those characters,
 * that many digits, and one of those literals. The equivalence tests (`precondition.test.ts` and the rows of each
 * detector's tables) hold the built-in detectors to that.
 */
import type { DetectorContext } from './detector.js'

/** What must occur in a text for a detector's pattern to match somewhere in it. */
export interface Requirement {
  /** At least this many characters (UTF-16 units). */
  readonly minLength?: number
  /** At least this many ASCII digits (`\d` without the `u` flag). */
  readonly digits?: number
  /** Printable ASCII characters (space to `~`) that must all occur. */
  readonly chars?: string
  /** Literals at least one of which must occur (case-sensitive, as the patterns are); their shared characters join `chars`. */
  readonly anyOf?: readonly string[]
  /**
   * Words of ASCII letters at least one of which must occur in any ASCII case (as a regex with the `i` flag and
   * without `u` finds them: `KEY`, `Key`, `key`).
   */
  readonly anyWord?: readonly string[]
  /**
   * At least this many ASCII digits in one chain: digits with at most CHAIN_GAP characters between neighbours, each
   * of them a space, `.`, `/`, `-`, `(` or `)` (how card, SSN, phone and passport numbers are written). A letter
   * or any other character ends a chain, so `4f9c2a123456` has chains of 1 and 6 digits.
   */
  readonly chainDigits?: number
  /** At least this many `.` in one run of ASCII digits and dots (an IPv4 address has three). */
  readonly dottedRun?: number
  /** A run of at least this many base64 characters (TextProfile.longestRun). */
  readonly minRun?: number
  /** A test of the member name the string sits under (`DetectorContext.key`); without a name the requirement fails. */
  readonly key?: (key: string) => boolean
  /** A last test of the text, asked only when every other test holds: a shape the presence bits cannot say. */
  readonly confirm?: (text: string) => boolean
}

/** The most characters between two digits of one chain (phone numbers write `) - (`). */
export const CHAIN_GAP = 3

/**
 * The profile of one text. There is one such object, updated in place by `profileOf` for each new text (so asking
 * about a string allocates nothing): read what you need from it before profiling another text.
 */
export interface TextProfile {
  readonly length: number
  /** ASCII digits. */
  readonly digits: number
  /** Presence bits of the characters 32–63 (bit `code − 32`). */
  readonly low: number
  /** Presence bits of the characters 64–95 (bit `code − 64`: `A` is bit 1). */
  readonly upper: number
  /** Presence bits of the characters 96–127 (bit `code − 96`: `a` is bit 1, so `upper | lower` has a letter in any case). */
  readonly lower: number
  /** A character above U+007F. */
  readonly nonAscii: boolean
  /** A character below U+0020 (a tab, a line break…). */
  readonly control: boolean
  /**
   * The length of the longest run of base64 characters, `[A-Za-z0-9+/_-]` (standard and URL-safe): what encoded
   * values (decode.ts) and bare keys (an AWS secret key) are made of.
   */
  readonly longestRun: number
}

const current = {
  text: undefined as string | undefined,
  length: 0,
  digits: 0,
  low: 0,
  upper: 0,
  lower: 0,
  nonAscii: false,
  control: false,
  longestRun: 0,
  // The digit shape (longest chain, most dots in a dotted run, most digits in a separated run), measured on
  // demand: -1 until then.
  chain: -1,
  dotted: 0,
  separated: 0,
  // The last word list asked about this text (an interned regex, see compile) and its answer.
  words: undefined as RegExp | undefined,
  wordsFound: false,
}

/** Per ASCII code, for measureDigitShape: DIGIT, GAP (may stand inside a chain), GROUP (a group separator). */
const SHAPE = new Uint8Array(128)
const DIGIT = 1
const GAP = 2
const GROUP = 4
for (let code = 48; code <= 57; code += 1) SHAPE[code] = DIGIT
// Between the digits of a chain: a blank, `.`, `/`, `-`, `(`, `)` (how card, SSN, phone and passport numbers are written).
for (const char of ' ./-()') SHAPE[char.charCodeAt(0)] = GAP
// Between the groups of a separated run: blanks, line breaks, `.`, `/`, `+`, `|`, `\\`, `-` (and, above ASCII, the
// en dash, em dash and middle dot: isWideGroupSeparator).
for (const char of '\t\n\r ./+|\\-') SHAPE[char.charCodeAt(0)] = (SHAPE[char.charCodeAt(0)] as number) | GROUP

function isWideGroupSeparator(code: number): boolean {
  return code === 0x2013 || code === 0x2014 || code === 0xb7
}

/**
 * A second pass, taken only when a test needs the digit shape of a string with digits: the longest chain's digit
 * count, the most dots in one run of digits and dots, and the most digits in one separated run.
 */
function measureDigitShape(text: string): void {
  let chain = 0
  let longest = 0
  let gap = 0
  let dots = 0
  let dotted = 0
  let grouped = 0
  let separated = 0
  const length = text.length
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i)
    const shape = code < 128 ? (SHAPE[code] as number) : isWideGroupSeparator(code) ? GROUP : 0
    if (shape === DIGIT) {
      chain = gap > CHAIN_GAP ? 1 : chain + 1
      gap = 0
      if (chain > longest) longest = chain
      grouped += 1
      if (grouped > separated) separated = grouped
      continue
    }
    if ((shape & GAP) !== 0) gap += 1
    else {
      chain = 0
      gap = 0
    }
    if ((shape & GROUP) === 0) grouped = 0
    if (code === 46) {
      dots += 1
      if (dots > dotted) dotted = dots
    } else dots = 0
  }
  current.chain = longest
  current.dotted = dotted
  current.separated = separated
}

/** The digit shape of a text (see digitShapeOf). */
export interface DigitShape {
  /** The most digits in one chain (Requirement.chainDigits). */
  readonly chain: number
  /** The most `.` in one run of digits and dots (Requirement.dottedRun). */
  readonly dotted: number
  /**
   * The most ASCII digits in one run made only of digits and group separators (blanks, line breaks, `.`, `/`, `+`,
   * `|`, `\\`, `-`, en and em dashes, middle dot): an upper bound of the digits of any number written in groups
   * there (separators.ts).
   */
  readonly separated: number
}

/**
 * The digit shape of `text`, measured once per text (a second pass, taken only for a text with digits). Returns
 * the one shared profile object, as profileOf does: read what you need before profiling another text.
 *
 * @example
 * digitShapeOf('v1.0.8 4f9c2a591168') // → { chain: 6, dotted: 2, separated: 6, … } (`591168`; `1.0.8 4` has 4)
 */
export function digitShapeOf(text: string): DigitShape {
  const profile = profileOf(text)
  if (current.chain < 0) {
    if (profile.digits > 0) measureDigitShape(text)
    else {
      current.chain = 0
      current.dotted = 0
      current.separated = 0
    }
  }
  return current
}

/** The presence masks profileOf fills, one per block of 32 codes below 128 (control characters, 32–63, 64–95, 96–127). */
const MASKS = new Int32Array(4)
/** Per ASCII code, for profileOf: BASE64 (extends a base64 run), plus 2 for a digit. */
const CLASS = new Uint8Array(128)
const BASE64 = 1
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_-') CLASS[char.charCodeAt(0)] = BASE64
for (let code = 48; code <= 57; code += 1) CLASS[code] = BASE64 | 2

/**
 * The profile of `text` (one pass, or none when `text` is the text profiled last). Returns the one shared
 * profile object: see TextProfile.
 */
export function profileOf(text: string): TextProfile {
  if (text === current.text) return current
  const masks = MASKS
  masks[0] = 0
  masks[1] = 0
  masks[2] = 0
  masks[3] = 0
  let digits = 0
  let nonAscii = false
  let run = 0
  let longestRun = 0
  const length = text.length
  // `1 << code` is the character's bit in the mask of its block of 32 codes (shifts take the count modulo 32);
  // CLASS says whether it is a digit and whether it extends a run of base64 characters `[A-Za-z0-9+/_-]`.
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i)
    if (code >= 128) {
      nonAscii = true
      if (run > longestRun) longestRun = run
      run = 0
      continue
    }
    const block = code >> 5
    masks[block] = (masks[block] as number) | (1 << code)
    const kind = CLASS[code] as number
    digits += kind >> 1
    if ((kind & BASE64) !== 0) run += 1
    else {
      if (run > longestRun) longestRun = run
      run = 0
    }
  }
  if (run > longestRun) longestRun = run
  const low = masks[1] as number
  const upper = masks[2] as number
  const lower = masks[3] as number
  const control = masks[0] !== 0
  current.text = text
  current.length = length
  current.chain = -1
  current.words = undefined
  current.low = low
  current.upper = upper
  current.lower = lower
  current.digits = digits
  current.nonAscii = nonAscii
  current.control = control
  current.longestRun = longestRun
  return current
}

/** Presence masks of some printable ASCII characters, to test against a profile with `hasAnyChar`. */
export type CharMasks = readonly [low: number, upper: number, lower: number]

/**
 * The presence masks of `chars` (printable ASCII), for `hasAnyChar`. Throws TypeError on any other character.
 *
 * @example
 * const BRACKETS = charMasks(')]')
 * hasAnyChar(profileOf('f(x)'), BRACKETS) // → true
 */
export function charMasks(chars: string): CharMasks {
  return masksOf(charsOf(chars))
}

/** Whether the profiled text holds at least one of the characters of `masks` (see charMasks). */
export function hasAnyChar(profile: TextProfile, masks: CharMasks): boolean {
  return (profile.low & masks[0]) !== 0 || (profile.upper & masks[1]) !== 0 || (profile.lower & masks[2]) !== 0
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

/** The letters of a word of ASCII letters as case-folded presence bits (`a`/`A` is bit 1, as in `upper | lower`). */
function lettersOf(word: string): number {
  let letters = 0
  for (let i = 0; i < word.length; i += 1) letters |= 1 << ((word.charCodeAt(i) | 0x20) - 96)
  return letters
}

/** The letters every one of several has (bits as in lettersOf); 0 for none. */
function commonLetters(each: readonly number[]): number {
  return each.length > 0 ? each.reduce((common, letters) => common & letters) : 0
}

function charsOf(literal: string): Set<string> {
  for (const char of literal) {
    const code = char.charCodeAt(0)
    if (char.length !== 1 || code < 32 || code > 126) throw new TypeError('a requirement may only name printable ASCII characters')
  }
  return new Set(literal)
}

/** A requirement as bit masks, with each literal's and each word's own masks. */
export interface CompiledRequirement {
  readonly minLength: number
  readonly minRun: number
  readonly digits: number
  readonly low: number
  readonly upper: number
  readonly lower: number
  /**
   * Characters at least one of which must occur (0, 0, 0: no such test): the first character of each literal of
   * `anyOf`, when it has several, as whichever literal occurs brings its own.
   */
  readonly anyLow: number
  readonly anyUpper: number
  readonly anyLower: number
  /** Letters (in any case, bits as in `upper | lower`) that every word of `anyWord`, or every literal, has. */
  readonly letters: number
  readonly chainDigits: number
  readonly dottedRun: number
  readonly literals: readonly string[]
  /** Three numbers per literal, in order: its low, upper and lower masks. */
  readonly literalMasks: readonly number[]
  /** The words of `anyWord` as one case-insensitive regex, or undefined. */
  readonly words: RegExp | undefined
  /** The letters of each word (bits as in `letters`), in order. */
  readonly wordLetters: readonly number[]
  readonly key: ((key: string) => boolean) | undefined
  readonly confirm: ((text: string) => boolean) | undefined
  /** Whether any test beyond the length, the digit count and the presence masks is left (meetsRest). */
  readonly hasRest: boolean
  /** Whether any test beyond those and the digit shape is left: literals, words, the member name, `confirm`. */
  readonly hasRestAfterShape: boolean
  /** Whether the member name is the only test left (no test of the text beyond the masks). */
  readonly onlyKey: boolean
}

/** The requirements behind each `mayContain` built here, so screen.ts can test them without a call per detector. */
const COMPILED = new WeakMap<object, readonly CompiledRequirement[]>()

/**
 * The compiled requirements (any of which is enough) of a `mayContain` built by createPrecondition, or undefined
 * for any other function.
 */
export function compiledRequirementsOf(mayContain: unknown): readonly CompiledRequirement[] | undefined {
  return typeof mayContain === 'function' ? COMPILED.get(mayContain) : undefined
}

/** Whether the profile holds a requirement's length, digit count and characters (its presence masks). */
function meetsMasks(requirement: CompiledRequirement, profile: TextProfile): boolean {
  const { low, upper, lower, letters } = requirement
  return (
    profile.length >= requirement.minLength &&
    profile.longestRun >= requirement.minRun &&
    profile.digits >= requirement.digits &&
    (profile.low & low) === low &&
    (profile.upper & upper) === upper &&
    (profile.lower & lower) === lower &&
    ((profile.upper | profile.lower) & letters) === letters &&
    ((requirement.anyLow | requirement.anyUpper | requirement.anyLower) === 0 ||
      ((profile.low & requirement.anyLow) | (profile.upper & requirement.anyUpper) | (profile.lower & requirement.anyLower)) !== 0)
  )
}

/**
 * The tests of a requirement after its masks (see meetsMasks, which must hold): the digit shape, then the
 * literals and words (each searched for only when all its characters occur), the member name, `confirm`.
 */
export function meetsRest(requirement: CompiledRequirement, text: string, context: DetectorContext | undefined): boolean {
  if (!requirement.hasRest) return true
  const profile = profileOf(text)
  if (requirement.chainDigits > 0 || requirement.dottedRun > 0) {
    const shape = digitShapeOf(text)
    if (shape.chain < requirement.chainDigits || shape.dotted < requirement.dottedRun) return false
  }
  const { literals, literalMasks } = requirement
  if (literals.length > 0) {
    let found = false
    for (let i = 0; i < literals.length && !found; i += 1) {
      const m = i * 3
      const literalLow = literalMasks[m] as number
      const literalUpper = literalMasks[m + 1] as number
      const literalLower = literalMasks[m + 2] as number
      if ((profile.low & literalLow) !== literalLow || (profile.upper & literalUpper) !== literalUpper || (profile.lower & literalLower) !== literalLower) continue
      found = text.includes(literals[i] as string)
    }
    if (!found) return false
  }
  const { words, wordLetters } = requirement
  if (words !== undefined) {
    const folded = profile.upper | profile.lower
    let lettersOccur = false
    for (let i = 0; i < wordLetters.length && !lettersOccur; i += 1) lettersOccur = (folded & (wordLetters[i] as number)) === wordLetters[i]
    if (!lettersOccur) return false
    // Several requirements (and a detector's find) ask about the same words: the answer is kept for this text.
    if (current.words !== words) {
      current.wordsFound = words.test(text)
      current.words = words
    }
    if (!current.wordsFound) return false
  }
  if (requirement.key !== undefined && (context?.key === undefined || !requirement.key(context.key))) return false
  return requirement.confirm === undefined || requirement.confirm(text)
}

/**
 * Whether `text` (under `context`) meets a compiled requirement: exactly what the `mayContain` createPrecondition
 * built for it answers when it has this one requirement.
 */
export function meetsRequirement(requirement: CompiledRequirement, text: string, context?: DetectorContext): boolean {
  return meetsMasks(requirement, profileOf(text)) && meetsRest(requirement, text, context)
}

function nonNegativeInteger(name: string, count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`"${name}" must be a non-negative integer`)
  return count
}

/** One regex per word list, so requirements with the same words share their answer for a text (meetsRest). */
const WORD_LISTS = new Map<string, RegExp>()

function wordsRegex(words: readonly string[]): RegExp {
  const source = words.join('|')
  let regex = WORD_LISTS.get(source)
  if (regex === undefined) {
    regex = new RegExp(source, 'i')
    WORD_LISTS.set(source, regex)
  }
  return regex
}

function compile(requirement: Requirement): CompiledRequirement {
  const { chars = '', anyOf = [], anyWord = [], key, confirm } = requirement
  const minLength = nonNegativeInteger('minLength', requirement.minLength ?? 0)
  const minRun = nonNegativeInteger('minRun', requirement.minRun ?? 0)
  const digits = nonNegativeInteger('digits', requirement.digits ?? 0)
  const chainDigits = nonNegativeInteger('chainDigits', requirement.chainDigits ?? 0)
  const dottedRun = nonNegativeInteger('dottedRun', requirement.dottedRun ?? 0)
  if (anyOf.some((literal) => literal === '')) throw new TypeError('a requirement literal must not be empty')
  if (anyWord.some((word) => !/^[A-Za-z]+$/.test(word))) throw new TypeError('a requirement word must be ASCII letters')
  if ((key !== undefined && typeof key !== 'function') || (confirm !== undefined && typeof confirm !== 'function')) {
    throw new TypeError('"key" and "confirm" must be functions or left out')
  }
  const needed = charsOf(chars)
  // A character every literal has must occur whichever literal does; a letter every word has, in either case.
  const [first, ...others] = anyOf.map(charsOf)
  for (const char of first ?? []) if (others.every((set) => set.has(char))) needed.add(char)
  const wordLetters = anyWord.map(lettersOf)
  // A letter every literal has, in some case, is one whichever literal occurs (`b` of `Bearer` and `BASIC`).
  const literalLetters = anyOf.map((literal) => lettersOf(literal.replace(/[^A-Za-z]/g, '')))
  const [low, upper, lower] = masksOf(needed)
  const [anyLow, anyUpper, anyLower] = anyOf.length > 1 ? masksOf(anyOf.map((literal) => literal.charAt(0))) : [0, 0, 0]
  const literals = [...anyOf]
  const compiled = {
    // A chain of n digits has that many digits in the text, and a dotted run a `.`; a run is that long at least.
    minLength: Math.max(minLength, minRun),
    minRun,
    digits: Math.max(digits, chainDigits),
    low: dottedRun > 0 ? low | (1 << (46 - 32)) : low,
    upper,
    lower,
    anyLow,
    anyUpper,
    anyLower,
    letters: commonLetters(wordLetters) | commonLetters(literalLetters),
    chainDigits,
    dottedRun,
    literals,
    literalMasks: literals.flatMap((literal) => masksOf(literal)),
    words: anyWord.length > 0 ? wordsRegex(anyWord) : undefined,
    wordLetters,
    key,
    confirm,
  }
  const shape = chainDigits > 0 || dottedRun > 0
  const textRest = literals.length > 0 || compiled.words !== undefined || confirm !== undefined
  return {
    ...compiled,
    hasRest: shape || textRest || key !== undefined,
    hasRestAfterShape: textRest || key !== undefined,
    onlyKey: !shape && !textRest && key !== undefined,
  }
}

/**
 * Builds a `mayContain` from a requirement, or from several of which any is enough: false when the text (under
 * that member name) cannot hold a match. Throws TypeError when a requirement names characters outside printable
 * ASCII, an empty literal, a word that is not ASCII letters, or a count that is not a non-negative integer.
 *
 * @example
 * const mayContain = createPrecondition({ anyOf: ['AKIA', 'ASIA'] }) // needs `A` and `I`, then one of the two literals
 * mayContain('key id AKIA…') // → true
 * mayContain('an ordinary sentence') // → false, after one pass and two bit tests
 * createPrecondition([{ digits: 1, chars: ':' }, { dottedRun: 3 }]) // an IPv6 or an IPv4 address
 */
export function createPrecondition(requirement: Requirement | readonly Requirement[]): (text: string, context?: DetectorContext) => boolean {
  const requirements: readonly Requirement[] = Array.isArray(requirement) ? requirement : [requirement as Requirement]
  const compiled = requirements.map(compile)
  const mayContain = (text: string, context?: DetectorContext): boolean => {
    for (let i = 0; i < compiled.length; i += 1) if (meetsRequirement(compiled[i] as CompiledRequirement, text, context)) return true
    return false
  }
  COMPILED.set(mayContain, compiled)
  return mayContain
}
