/**
 * shared/src/content-safety/detectors/jwt.ts — JSON Web Tokens in compact serialisation.
 *
 * Three base64url segments joined by dots (RFC 7515 §7.1; the signature is empty for an unsecured JWT, RFC 7519
 * §6.1) whose first segment decodes to a JSON object with a string `alg` (RFC 7515 §4.1.1). A JSON object always
 * starts with `{"`, which base64url-encodes to `eyJ`, so the pattern anchors on that. The decode check turns away
 * dotted identifiers that merely start with `eyJ`. Five-segment JWE tokens are not JWTs for this detector.
 */
import { isJsonObject } from '../../jsonrpc/message.js'
import { createRegexDetector, type Detector, type Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): a match starts only at an `eyJ` that is not inside a token or after a dot; each
 * segment is one character class that cannot contain the dot that ends it; the end refuses another token
 * character or a further `.segment`.
 */
const JWT_CANDIDATE = /(?<![A-Za-z0-9_.-])(eyJ[A-Za-z0-9_-]*)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])/g

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes unpadded base64url (RFC 4648 §5); undefined when it is not valid base64url or not UTF-8. */
function decodeBase64Url(segment: string): string | undefined {
  if (segment.length % 4 === 1) return undefined
  try {
    const binary = atob(segment.replaceAll('-', '+').replaceAll('_', '/'))
    return utf8.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return undefined
  }
}

function hasJwsHeader(segment: string): boolean {
  const json = decodeBase64Url(segment)
  if (json === undefined) return false
  try {
    const header: unknown = JSON.parse(json)
    return isJsonObject(header) && typeof header['alg'] === 'string'
  } catch {
    return false
  }
}

function checkJwt(match: RegExpExecArray): Span | undefined {
  return hasJwsHeader(match[1] ?? '') ? { start: match.index, end: match.index + match[0].length } : undefined
}

/**
 * Detects JSON Web Tokens (`JWT`).
 *
 * @example
 * jwtDetector.find(`Bearer ${token}`) // → [{ start: 7, end: 7 + token.length }] for a signed JWT
 */
export const jwtDetector: Detector = createRegexDetector({
  type: 'JWT',
  pattern: JWT_CANDIDATE,
  check: checkJwt,
  // Three segments start with `eyJ` and have two dots between them.
  mayContain: createPrecondition({ chars: '.', anyOf: ['eyJ'] }),
})
