/**
 * shared/src/content-safety/normalize.ts — undoes Unicode evasions, keeping a map back to the original offsets.
 *
 * Each non-ASCII code point is rewritten by the first rule that applies (ASCII is never touched):
 *  1. invisible characters are dropped: every format character (`\p{Cf}`: zero-width space, joiners, U+2060 word
 *     joiner, U+FEFF, soft hyphen, bidi controls, tag characters…), variation selectors and U+034F;
 *  2. a decimal digit of any script (`\p{Nd}`: fullwidth, Arabic-Indic, Extended Arabic-Indic, Devanagari,
 *     mathematical bold/double-struck/monospace…) becomes its ASCII digit. Its value is found without a table:
 *     Unicode encodes every set of decimal digits as one contiguous run 0…9 (a stability guarantee of UAX #44,
 *     Numeric_Type=Decimal), so a digit's value is its distance from the start of its run of `\p{Nd}`, mod 10
 *     (runs of several sets, like the 50 mathematical digits, are whole sets end to end);
 *  3. confusable homoglyphs become the Latin letter of their UTS #39 skeleton (in the letter's own case, as ASCII is
 *     not rewritten: Greek `Ι` becomes `I`, where the skeleton of both is `l`) — scope: the Cyrillic and Greek
 *     letters that look like Basic Latin letters (table CONFUSABLES below), the Unicode dashes and minus
 *     signs that look like `-`, and the ideographic full stops `。` `｡` read as `.`. This is a compact subset of confusables.txt, chosen for what detectors read:
 *     email addresses and the ASCII prefixes of secrets (`sk_live_`, `ghp_`, `AKIA`…);
 *  4. NFKC, where it is safe: only when the code point's NFKC form is 1 to 4 printable ASCII characters
 *     (fullwidth Latin and `＠`, mathematical alphanumerics, circled and superscript letters and digits, no-break
 *     and other spaces, ligatures like `ﬁ`). Other compatibility forms are left alone, so text in other scripts
 *     keeps its meaning.
 * Everything else is kept as it is. The rewrite of each code point is cached (bounded), so text in another script
 * costs a map lookup per character.
 */
import { MappedTextBuilder, type MappedText } from './text-map.js'

const INVISIBLE = /^[\p{Cf}\u034F\u115F\u1160\u3164\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u
const DECIMAL = /^\p{Nd}$/u

/**
 * Cyrillic and Greek look-alikes of Basic Latin letters (UTS #39 confusables.txt, the entries whose skeleton is a
 * single ASCII letter), and dashes that look like `-`.
 */
const CONFUSABLES: ReadonlyMap<number, string> = new Map(
  Object.entries({
    // Cyrillic lowercase
    а: 'a', е: 'e', һ: 'h', і: 'i', ј: 'j', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w',
    ӏ: 'l', ɡ: 'g',
    // Cyrillic uppercase
    А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I', Ј: 'J',
    Ѕ: 'S', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'I',
    // Greek
    α: 'a', ο: 'o', ν: 'v', ρ: 'p', ι: 'i', Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I',
    Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
    // Ideographic full stops (NFKC keeps them), which read as dots
    '\u3002': '.', '\uFF61': '.',
    // Dashes and minus signs
    '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
    '\uFE58': '-', '\uFE63': '-', '\uFF0D': '-',
  }).map(([char, latin]) => [char.codePointAt(0) ?? 0, latin]),
)

const CACHE_LIMIT = 8192
const cache = new Map<number, string | null>()

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code > 0x7e) return false
  }
  return true
}

/** The value 0–9 of a `\p{Nd}` code point (see rule 2 at the top of the file). */
export function decimalDigitValue(codePoint: number): number | undefined {
  if (!DECIMAL.test(String.fromCodePoint(codePoint))) return undefined
  let zero = codePoint
  // A run of decimal digits is at most a few sets long (50 for the mathematical digits): bounded.
  while (zero > 0 && DECIMAL.test(String.fromCodePoint(zero - 1))) zero -= 1
  return (codePoint - zero) % 10
}

/** What a non-ASCII code point becomes: its replacement ('' = dropped), or null when it stays as it is. */
function rewrite(codePoint: number): string | null {
  const known = cache.get(codePoint)
  if (known !== undefined) return known
  const char = String.fromCodePoint(codePoint)
  let result: string | null = null
  if (INVISIBLE.test(char)) result = ''
  else {
    const digit = decimalDigitValue(codePoint)
    if (digit !== undefined) result = String(digit)
    else {
      const latin = CONFUSABLES.get(codePoint)
      if (latin !== undefined) result = latin
      else {
        const compatible = char.normalize('NFKC')
        if (compatible !== char && compatible.length <= 4 && isPrintableAscii(compatible)) result = compatible
      }
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(codePoint, result)
  return result
}

/**
 * Calls `visit(offset)` for the start of every code point of `text` that normalization would change, in order.
 * One pass; ASCII costs a comparison.
 */
export function forEachUnicodeEvasion(text: string, visit: (offset: number) => void): void {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    const codePoint = text.codePointAt(i) ?? code
    if (rewrite(codePoint) !== null) visit(i)
    if (codePoint > 0xffff) i += 1
  }
}

/**
 * Rewrites `text` by the rules at the top of this file, with the map back to its offsets.
 *
 * @example
 * normalizeText('ａｄａ＠example.org').text // → 'ada@example.org'
 * normalizeText('4\u200B111').text // → '4111'
 */
export function normalizeText(text: string): MappedText {
  const builder = new MappedTextBuilder(text.length + 16)
  let same = 0
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    const codePoint = text.codePointAt(i) ?? code
    const width = codePoint > 0xffff ? 2 : 1
    const replacement = rewrite(codePoint)
    if (replacement !== null) {
      builder.pushSame(text, same, i)
      builder.push(replacement, i, i + width, true)
      same = i + width
    }
    i += width - 1
  }
  builder.pushSame(text, same, text.length)
  return builder.build()
}
