/**
 * shared/src/identity/verified-token-cache.ts — remembers verified tokens until they expire.
 *
 * The hot path sees the same token on every message of a session; verifying its signature once per token
 * instead of once per message keeps the proxy's latency flat. The cache is a bounded LRU (a Map keeps
 * insertion order, so re-inserting on a hit moves the entry to the back) and an expired entry is dropped on
 * read, so the token goes through full verification again and fails there.
 */
import type { Identity } from '../pipeline/types.js'

/** A bounded LRU of verified identities, keyed by the token string. */
export interface VerifiedTokenCache {
  /** The identity verified from this token, if it is cached and `now` (ms) is before its expiry. */
  get(token: string, now: number): Identity | undefined
  /** Remembers an identity until its `expiresAt` (seconds); identities without expiry are not cached. */
  set(token: string, identity: Identity): void
}

/**
 * Creates the cache; a size of 0 turns it off.
 *
 * @example
 * const cache = createVerifiedTokenCache(1000)
 * cache.set(token, identity)
 * cache.get(token, Date.now()) // → identity until identity.expiresAt
 */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const entries = new Map<string, Identity>()
  return {
    get(token, now) {
      const identity = entries.get(token)
      if (identity === undefined) return undefined
      entries.delete(token)
      if (identity.expiresAt === undefined || now >= identity.expiresAt * 1000) return undefined
      entries.set(token, identity)
      return identity
    },
    set(token, identity) {
      if (maxEntries === 0 || identity.expiresAt === undefined) return
      entries.delete(token)
      entries.set(token, identity)
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
    },
  }
}
