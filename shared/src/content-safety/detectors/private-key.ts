/**
 * shared/src/content-safety/detectors/private-key.ts — PEM and OpenPGP private key blocks.
 *
 * A block is `-----BEGIN <LABEL>PRIVATE KEY-----`, a body, and the matching `-----END <LABEL>PRIVATE KEY-----`
 * (RFC 7468 §2 and §10–11: `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`; OpenSSL's `RSA`/`EC`/`DSA`; `OPENSSH`; RFC 4880
 * §6.2 `PGP PRIVATE KEY BLOCK`). The body may carry RFC 1421 headers (`Proc-Type:`, `DEK-Info: AES-128-CBC,…`)
 * and may be escaped as it is inside JSON, .env files or code (`\n` written as backslash + n). Public keys and
 * certificates have other labels and never match.
 */
import type { Detector, Span } from '../detector.js'
import { createPrecondition } from '../precondition.js'

/**
 * Linear (see detector.ts): the header is a literal followed by at most three bounded words, each ended by a
 * space the word cannot contain. The body is not a regex repetition at all: the END line is looked up with
 * `indexOf('-----')` from the header, so each body is read once and never past the next `-----`.
 */
const HEADER = /-----BEGIN ((?:[A-Z0-9]{1,16} ){0,3})PRIVATE KEY( BLOCK)?-----/g
/** Base64, whitespace, backslash escapes and the characters of RFC 1421 header lines (`DEK-Info: AES-128-CBC,9F…`). */
const BODY = /^[A-Za-z0-9+/=\s\\:,.()-]*$/
const DASHES = '-----'

/**
 * A documentation sample (`-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`) holds no key. The shortest
 * real key body (Ed25519 PKCS #8) is 64 base64 characters; ask for half of that, not counting escapes (`\n`).
 */
function hasKeyMaterial(body: string): boolean {
  const base64 = body.replace(/\\[nr]|[^A-Za-z0-9+/]/g, '')
  return base64.length >= 32
}

function blockAt(text: string, header: RegExpExecArray): Span | undefined {
  const bodyStart = header.index + header[0].length
  const footerStart = text.indexOf(DASHES, bodyStart)
  if (footerStart === -1) return undefined
  const footer = `-----END ${header[1] ?? ''}PRIVATE KEY${header[2] ?? ''}-----`
  const body = text.slice(bodyStart, footerStart)
  if (!text.startsWith(footer, footerStart) || !BODY.test(body) || !hasKeyMaterial(body)) return undefined
  return { start: header.index, end: footerStart + footer.length }
}

/**
 * Detects private key blocks (`PRIVATE_KEY`), the whole block from BEGIN to END.
 *
 * @example
 * privateKeyDetector.find('-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE…\\n-----END EC PRIVATE KEY-----')
 */
export const privateKeyDetector: Detector = {
  type: 'PRIVATE_KEY',
  find(text) {
    const header = new RegExp(HEADER.source, HEADER.flags)
    const spans: Span[] = []
    for (let match = header.exec(text); match !== null; match = header.exec(text)) {
      const block = blockAt(text, match)
      if (block !== undefined) {
        spans.push(block)
        header.lastIndex = block.end
      }
    }
    return spans
  },
  mayContain: createPrecondition({ anyOf: ['-----BEGIN '] }),
}
