/**
 * shared/src/content-safety/detectors/ip-address.ts — IPv4 and IPv6 addresses.
 *
 * IPv4: a dotted quad of decimal octets 0–255 without leading zeros (`10.0.0.1`, not `10.0.0.01`), not inside a
 * longer dotted or digit run (`1.2.3.4.5`, OIDs) nor a word (`v1.2.3.4`, `ip_10.0.0.1`). Four dotted numbers are
 * also how versions are written, so a quad is taken for a version, and not reported, when:
 *  - a version word stands right before it, with only spaces or `: = # " ' ( [ ,` between: `v`, `ver`, `version`,
 *    `release`, `build`, `rev`, `revision`, `oid` (and `section`, `chapter`, `clause`, `§`, for numbered
 *    headings), also at the end of a camelCase name (`AssemblyVersion("1.0.0.0")`);
 *  - it opens a Markdown heading (`## 1.2.7.2 - 2024-06-10`, `## [1.2.7.2]`), as in a changelog;
 *  - it follows `@` as in a package spec (`pkg@1.2.3.4`, `@scope/pkg@1.2.3.4`), unless the `@` is a user@host
 *    (the token before it holds `:` or `/`, as in URL credentials, or an `ssh`, `scp`, `sftp`, `rsync`, `mosh`,
 *    `telnet` or `ftp` command stands within 40 characters before, or a `:` and a path follow the address, as
 *    in `git@10.0.0.5:team/repo.git`);
 *  - it follows a capitalised product name and `/`, as in a User-Agent (`Chrome/120.0.0.0`, RFC 9110 §10.1.5);
 *    a lower-case path segment (`/hosts/10.0.0.5`) or `//` (`http://10.0.0.5`) does not count;
 *  - a pre-release or build tag follows it: `-` or `+` and a letter (`1.2.3.4-beta`, `1.2.3.4+build`);
 *  - the string is the value of a member whose name holds `version`, `build`, `release`, `revision` or `oid`
 *    (`{"appVersion": "1.2.3.4"}`, `{"oid": "2.5.29.17"}`).
 * A port, a CIDR suffix, a range (`10.0.0.1-10.0.0.9`) and a final full stop do not stop an address.
 *
 * Addresses that identify no host are not reported either: the unspecified address (`0.0.0.0`, `::`), loopback
 * (`127.0.0.0/8`, `::1`), the limited broadcast `255.255.255.255`, and netmasks (`255.255.255.0`: ones then zeros).
 *
 * IPv6: the full, compressed (`::`) and IPv4-mapped (`::ffff:192.0.2.1`) forms, validated by `node:net`'s
 * `isIPv6`. Not reported: forms without a single decimal digit (`a::b`, `cafe::beef`, `::` in code), and eight
 * groups of exactly two hex digits (EUI-64 and MAC-like `00:1a:2b:ff:fe:3c:4d:5e`); times (`12:30:45`) and MAC
 * addresses (six groups) are not valid IPv6 and fail the parser.
 */
import { isIPv6 } from 'node:net'
import { createRegexDetector, type Detector, type DetectorContext, type Span } from '../detector.js'
import { createPrecondition, type Requirement } from '../precondition.js'

/**
 * Linear (see detector.ts): a match starts only at a digit not preceded by a word character or `.`, so once per
 * dotted run; it is four bounded octets, so an attempt costs at most 15 characters. An octet alternative that
 * leaves a digit behind fails the end boundary, which refuses a word character or `.` + digit.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g')

/**
 * Linear: a match starts only where no hex digit, word character, `:`, `.` or `%` precedes, so once per run; it
 * is at most 1 + 8 groups, each starting with a `:` the groups cannot contain, then at most three bounded dotted
 * parts. Boundaries after the match are checked in code, so a rejected run is never re-tried shorter.
 */
const IPV6_CANDIDATE = /(?<![\w:.%])(?:[0-9A-Fa-f]{1,4}|(?=::))(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.\d{1,3}){0,3}/g

const VERSION_WORD_BEFORE =
  /(?<![a-z])(?:v|ver|version|release|build|rev|revision|oid|section|chapter|clause|§)\.?[\s:=#"'([,]*$/i
const VERSION_KEY = /(?<![a-z])(?:version|build|release|revision|oid)s?(?![a-z])/i
const MARKDOWN_HEADING_BEFORE = /\n#{1,6}[ \t]+\[?v?$/
const REMOTE_COMMAND = /(?<![a-z])(?:ssh|scp|sftp|rsync|mosh|telnet|ftp)(?![a-z])/i
const PRE_RELEASE_AFTER = /^[-+][A-Za-z]/
const PRODUCT_BEFORE = /(?<![\w/])[A-Z][A-Za-z]*\/$/
const BEFORE_WINDOW = 40

/** True for `pkg@` / `@scope/pkg@` right before `start`; false for a user@host (see the top of this file). */
function followsPackageAt(text: string, start: number, end: number): boolean {
  if (text.charAt(start - 1) !== '@') return false
  const before = text.slice(Math.max(0, start - 1 - BEFORE_WINDOW), start - 1)
  const token = /[^\s"'`,;()[\]{}<>]*$/.exec(before)?.[0] ?? ''
  if (token.includes(':') || token.replace(/^@[^/]*\//, '').includes('/')) return false
  return !REMOTE_COMMAND.test(before) && !/^:[~/A-Za-z]/.test(text.slice(end, end + 2))
}

function splitCamel(text: string): string {
  return text.replace(/([a-z])(?=[A-Z])/g, '$1 ')
}

/** Unspecified, loopback, limited broadcast, or a netmask (first octet 255, then ones followed by zeros). */
function isSpecialIpv4(quad: string): boolean {
  const octets = quad.split('.').map(Number)
  if (octets[0] === 127 || octets.every((octet) => octet === 0)) return true
  if (octets[0] !== 255) return false
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0)
  const zeros = 2 ** 32 - 1 - value // a mask's complement is 2^k - 1
  return (zeros & (zeros + 1)) === 0
}

function checkIpv4(match: RegExpExecArray, text: string, context: DetectorContext): Span | undefined {
  const start = match.index
  const end = start + match[0].length
  if (isSpecialIpv4(match[0]) || VERSION_KEY.test(splitCamel(context.key?.slice(0, 100) ?? ''))) return undefined
  const before = text.slice(Math.max(0, start - 24), start)
  const lineBefore = start <= 24 ? `\n${before}` : before // the text's start is a line start too
  if (VERSION_WORD_BEFORE.test(splitCamel(before)) || MARKDOWN_HEADING_BEFORE.test(lineBefore)) return undefined
  if (followsPackageAt(text, start, end) || PRODUCT_BEFORE.test(text.slice(Math.max(0, start - 24), start))) return undefined
  if (PRE_RELEASE_AFTER.test(text.slice(end, end + 2))) return undefined
  return { start, end }
}

/** Eight groups of exactly two hex digits: an EUI-64 or MAC-like string, not an address someone wrote. */
const TWO_DIGIT_GROUPS = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}$/

function checkIpv6(match: RegExpExecArray, text: string): Span | undefined {
  const candidate = match[0]
  const end = match.index + candidate.length
  const next = text.charAt(end)
  if (/[\w:]/.test(next) || (next === '.' && /\d/.test(text.charAt(end + 1)))) return undefined
  if (!/\d/.test(candidate) || TWO_DIGIT_GROUPS.test(candidate) || !isIPv6(candidate)) return undefined
  if (/^[0:]*:0*1$/.test(candidate) || /^[0:]+$/.test(candidate)) return undefined // loopback or unspecified
  return { start: match.index, end }
}

const ipv4Detector = createRegexDetector({ type: 'IP_ADDRESS', pattern: IPV4, check: checkIpv4 })
const ipv6Detector = createRegexDetector({ type: 'IP_ADDRESS', pattern: IPV6_CANDIDATE, check: checkIpv6 })

/** Every reported IPv6 address has a colon and a digit. */
const IPV6_PARTS: Requirement = { digits: 1, chars: ':' }
/** A dotted quad is four digits or more and three dots in one run of digits and dots. */
const IPV4_PARTS: Requirement = { digits: 4, dottedRun: 3 }
const MAY_HAVE_IPV6 = createPrecondition(IPV6_PARTS)
const MAY_HAVE_IPV4 = createPrecondition(IPV4_PARTS)

function findAddresses(text: string, context?: DetectorContext): Span[] {
  const v6 = MAY_HAVE_IPV6(text) ? ipv6Detector.find(text, context) : []
  const v4 = MAY_HAVE_IPV4(text) ? ipv4Detector.find(text, context) : []
  if (v6.length === 0) return v4
  if (v4.length === 0) return v6
  // An IPv4-mapped IPv6 address holds a dotted quad: keep the whole address.
  const kept = v4.filter((inner) => !v6.some((outer) => outer.start <= inner.start && inner.end <= outer.end))
  return [...v6, ...kept].sort((a, b) => a.start - b.start)
}

/**
 * Detects IPv4 and IPv6 addresses (`IP_ADDRESS`); dotted quads that read as versions are left alone (see the top
 * of this file).
 *
 * @example
 * ipAddressDetector.find('ssh admin@10.0.0.12') // → [{ start: 10, end: 19 }]
 * ipAddressDetector.find('npm i pkg@1.2.3.4') // → []
 * ipAddressDetector.find('bind [2001:db8::1]:443') // → [{ start: 6, end: 17 }]
 */
export const ipAddressDetector: Detector = {
  type: 'IP_ADDRESS',
  find: findAddresses,
  mayContain: createPrecondition([IPV6_PARTS, IPV4_PARTS]),
}
