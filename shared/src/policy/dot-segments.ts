/**
 * shared/src/policy/dot-segments.ts — spots "." and ".." path segments in resource URIs.
 *
 * Resource patterns are lexical globs: `file:///home/alice/*` would also match
 * `file:///home/alice/../../etc/shadow`, which a server resolves (RFC 3986 §5.2.4) to a file outside the pattern.
 * So a resource URI with such a segment is denied outright rather than matched. Percent-encoded dots and slashes
 * (`%2e`, `%2f`, `%5c`) are decoded first, and `\` counts as a separator too, since servers on Windows and servers
 * that decode before resolving treat them so.
 */

const MAYBE_DOT = /[.%]/
const ENCODED = /%(?:2e|2f|5c)/gi
const DOT_SEGMENT = /(?:^|[/\\:])\.\.?(?:[/\\?#]|$)/

/**
 * True when the URI has a "." or ".." segment (or an encoded one).
 *
 * @example hasDotSegments('file:///srv/a/../b') === true; hasDotSegments('file:///srv/a..b') === false
 */
export function hasDotSegments(uri: string): boolean {
  if (!MAYBE_DOT.test(uri)) return false
  const decoded = uri.replace(ENCODED, (escape) => decodeURIComponent(escape))
  return DOT_SEGMENT.test(decoded)
}
