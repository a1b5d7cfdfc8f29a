/**
 * shared/src/content-safety/detectors/email.ts — email addresses.
 *
 * A practical subset of RFC 5322 §3.4.1 `addr-spec`: a dot-atom local part of the characters people actually use
 * (`A-Z a-z 0-9 _ % + -`, with single dots between them), at most 64 characters (RFC 5321 §4.5.3.1.1), then a
 * domain of LDH labels (RFC 1035 §2.3.1, at most 63 characters each) with a dot and a final TLD of two or more
 * letters. Quoted local parts and IP-literal domains are left out: they are rare in real text and their broad
 * alphabets would swallow the `name=` or `'` around an address.
 */
import { createRegexDetector, type Detector } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): the lookbehind lets a match start only where a run of local-part characters (or
 * dots) starts; the local part is one bounded loop whose two alternatives start with different characters; each
 * domain label is bounded and ends at a dot the label cannot contain; the TLD is bounded.
 */
const EMAIL =
  /(?<![A-Za-z0-9_%+.-])[A-Za-z0-9_%+-](?:[A-Za-z0-9_%+-]|\.(?=[A-Za-z0-9_%+-])){0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,126}[A-Za-z]{2,63}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g

/** Every address has an `@` and a dot in its domain. */
const EMAIL_PARTS = createPrecondition({ chars: '@.' })

/**
 * Detects email addresses (`EMAIL`).
 *
 * @example
 * emailDetector.find('write to ada@example.org') // → [{ start: 9, end: 24 }]
 */
export const emailDetector: Detector = createRegexDetector({ type: 'EMAIL', pattern: EMAIL, mayContain: EMAIL_PARTS, check: isAddress })

/** Reserved or site-local names (RFC 6761, RFC 6762, common private suffixes): hosts, never mailboxes. */
const LOCAL_TLDS = new Set(['internal', 'local', 'localhost', 'localdomain', 'lan', 'intranet', 'invalid', 'home', 'corp'])

/**
 * Things shaped like `x@y.z` that are not mailboxes:
 * - `scheme://user:password@host` — the part before `@` is a URL's password (a secret, found as such), not a local part;
 * - `user@host:path` — scp / git SSH syntax, a login on a host;
 * - `name@2x.png` — an image's pixel-density suffix;
 * - `someone@host.internal` — a host name under a reserved or site-local suffix.
 */
function isAddress(match: RegExpExecArray, text: string): { start: number; end: number } | undefined {
  const start = match.index
  const end = start + match[0].length
  const at = match[0].indexOf('@')
  const domain = match[0].slice(at + 1)
  if (text[start - 1] === ':' && inUrlAuthority(text, start)) return undefined
  if (text[end] === ':' && /^[~/A-Za-z0-9._-]/.test(text[end + 1] ?? '')) return undefined
  if (/^\d+(?:\.\d+)?x\./i.test(domain)) return undefined
  if (LOCAL_TLDS.has(domain.slice(domain.lastIndexOf('.') + 1).toLowerCase())) return undefined
  return { start, end }
}

/** Whether `index` lies in the authority of a URL (`scheme://` earlier in the same whitespace-free run). */
function inUrlAuthority(text: string, index: number): boolean {
  const from = Math.max(0, index - 256)
  const before = text.slice(from, index)
  const scheme = before.lastIndexOf('://')
  return scheme !== -1 && !/[\s/]/.test(before.slice(scheme + 3))
}
