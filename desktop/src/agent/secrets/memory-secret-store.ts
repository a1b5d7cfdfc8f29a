/**
 * desktop/src/agent/secrets/memory-secret-store.ts — a SecretStore in memory, for unit tests of the modules that
 * keep secrets (the session, the login command). It can play a locked or missing keychain, and change state
 * mid-test, so callers can be tested on the ERR_KEYCHAIN_UNAVAILABLE paths without an OS keychain.
 */
import { WardenError } from '@mcp-warden/core'
import type { KeychainState, SecretStore } from './secret-store.js'

export interface MemorySecretStore extends SecretStore {
  /** Simulates the keychain being locked, unlocked or going away; entries are kept across states. */
  setState(state: KeychainState): void
  /** The entries as they are, whatever the state (for assertions). */
  readonly entries: ReadonlyMap<string, string>
}

/**
 * @example
 * const secrets = createMemorySecretStore({ state: 'locked' })
 * await expect(secrets.get('a')).rejects.toMatchObject({ code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'locked' } })
 */
export function createMemorySecretStore(options: { state?: KeychainState } = {}): MemorySecretStore {
  const entries = new Map<string, string>()
  let state: KeychainState = options.state ?? 'available'

  function usable(): void {
    if (state === 'available') return
    throw new WardenError(
      'ERR_KEYCHAIN_UNAVAILABLE',
      state === 'locked' ? 'The keychain is locked (in-memory store). Unlock it, then try again.' : 'No keychain is available (in-memory store).',
      { details: { state } },
    )
  }

  return {
    entries,
    setState(next) {
      state = next
    },
    async get(account) {
      usable()
      return entries.get(account)
    },
    async set(account, secret) {
      usable()
      entries.set(account, secret)
    },
    async delete(account) {
      usable()
      return entries.delete(account)
    },
    async state() {
      return state
    },
  }
}
