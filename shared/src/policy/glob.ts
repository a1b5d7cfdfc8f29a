/**
 * shared/src/policy/glob.ts — the pattern language of policy documents (server names, tool and prompt names,
 * resource URIs, cost keys).
 *
 * `*` matches any run of characters (including none, `/` and line breaks), `?` exactly one code point; every other
 * character is literal. Patterns are anchored (the whole value must match) and case-sensitive. Compiled once,
 * at load; matching a pattern without wildcards is one string comparison.
 */

/** A compiled glob pattern. */
export interface Glob {
  /** The pattern as written (NFC-normalised). */
  readonly source: string
  /** The pattern itself when it has no wildcards, so it can be indexed by exact value. */
  readonly literal: string | undefined
  /** The literal text before the first wildcard (the whole pattern when there is none), for indexing. */
  readonly head: string
  /** Characters that are not wildcards: more is more specific (used to order cost patterns). */
  readonly specificity: number
  matches(value: string): boolean
  /** `matches` for a value already known to start with `head` (found through an index by head). */
  matchesAfterHead(value: string): boolean
}

// The syntax characters of ECMA-262 §22.2.1; in `u` mode only these (and `/`) may be escaped.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|]/g
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/**
 * Normalises a name or URI for comparison: Unicode NFC (UAX #15), so that composed and decomposed forms of the
 * same text compare equal. No case folding and no compatibility mapping: "Read_File", "ＲＥＡＤ" and
 * "read\u200b" stay distinct from "read". Printable ASCII, the common case, is returned as is without copying.
 *
 * @example normalizeName('cafe\u0301') === 'caf\u00e9'
 */
export function normalizeName(value: string): string {
  return PRINTABLE_ASCII.test(value) ? value : value.normalize('NFC')
}

/**
 * Compiles one glob pattern.
 *
 * @example compileGlob('read*').matches('read_file') === true; compileGlob('read*').matches('xread') === false
 */
export function compileGlob(pattern: string): Glob {
  const source = normalizeName(pattern)
  const wildcards = countWildcards(source)
  const specificity = [...source].length - wildcards
  if (wildcards === 0) {
    const matches = (value: string): boolean => value === source
    return { source, literal: source, head: source, specificity, matches, matchesAfterHead: matches }
  }
  const head = source.slice(0, source.search(/[*?]/))
  const fields = { source, literal: undefined, head, specificity }
  if (wildcards === 1 && source.endsWith('*')) {
    return { ...fields, matches: (value) => value.startsWith(head), matchesAfterHead: () => true }
  }
  // `s` so that `*` also spans line breaks (a deny rule must not be dodged by a newline in a name); `u` so that `?`
  // is one code point, not half of a surrogate pair. The literal tail is checked first (its last code unit first of
  // all): most names fail there, without running the regex.
  const tail = source.slice(Math.max(source.lastIndexOf('*'), source.lastIndexOf('?')) + 1)
  const last = tail.charCodeAt(tail.length - 1)
  const regex = new RegExp(`^${toRegexBody(source)}$`, 'su')
  const matchesAfterHead = (value: string): boolean =>
    (tail === '' || (value.charCodeAt(value.length - 1) === last && value.endsWith(tail))) && regex.test(value)
  return { ...fields, matches: (value) => value.startsWith(head) && matchesAfterHead(value), matchesAfterHead }
}

function countWildcards(source: string): number {
  let count = 0
  for (const char of source) if (char === '*' || char === '?') count += 1
  return count
}

function toRegexBody(source: string): string {
  let body = ''
  for (const char of source) {
    if (char === '*') body += '.*'
    else if (char === '?') body += '.'
    else body += char.replace(REGEX_SPECIAL, '\\$&')
  }
  return body
}
