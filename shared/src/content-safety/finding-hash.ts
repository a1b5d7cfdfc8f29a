/**
 * shared/src/content-safety/finding-hash.ts — the keyed hash of a detected value, so an organisation can tell that
 * two findings (on two machines, in two proxies) are the same value without any record holding the value.
 *
 * HMAC-SHA256 (RFC 2104) with the organisation's key (settings `audit.findingHashKey`) over the UTF-8 bytes of the
 * value exactly as detected (no case folding, separators kept), truncated to its first 16 bytes (128 bits, NIST
 * SP 800-107 §5.3.4 allows truncating an HMAC to at least 32 bits), written in base64url without padding: 22
 * characters. The same key and the same value always give the same hash; without the key the hash cannot be
 * recomputed, so a value cannot be found by hashing guesses (a plain hash of an email address or a card number
 * can be).
 */
import { createHmac } from 'node:crypto'

/** The least key length: the HMAC-SHA256 output length (RFC 2104 §3 advises no less). */
export const FINDING_HASH_KEY_MIN_BYTES = 32
const HASH_BYTES = 16

/** Computes the hash of one detected value. */
export type FindingHasher = (value: string) => string

/**
 * A hasher over `key`. Throws TypeError when the key is not a Uint8Array of at least 32 bytes.
 *
 * @example
 * const hash = createFindingHasher(Buffer.from(settings.audit.findingHashKey, 'base64'))
 * hash('ada@example.org') // 'k3Q2…' (22 characters, base64url)
 */
export function createFindingHasher(key: Uint8Array): FindingHasher {
  if (!(key instanceof Uint8Array) || key.length < FINDING_HASH_KEY_MIN_BYTES) {
    throw new TypeError(`"findingHashKey" must be a Uint8Array of at least ${FINDING_HASH_KEY_MIN_BYTES} bytes`)
  }
  const secret = Buffer.from(key)
  return (value) => createHmac('sha256', secret).update(value, 'utf8').digest().subarray(0, HASH_BYTES).toString('base64url')
}
