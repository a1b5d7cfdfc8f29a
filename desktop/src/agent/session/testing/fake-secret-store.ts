/**
 * desktop/src/agent/session/testing/fake-secret-store.ts — a SecretStore for the session's tests: a Map, plus
 * a switch that makes it behave like a locked or missing keychain (every call rejects with
 * ERR_KEYCHAIN_UNAVAILABLE, as the real stores promise). Not for product use: the agent uses the keytar store.
 */
import { WardenError } from '@mcp-warden/core'
import type { KeychainState, SecretStore } from '../../secrets/secret-store.js'

export interface FakeSecretStore extends SecretStore {
  /** The raw entries, for assertions about what was persisted. */
  readonly entries: ReadonlyMap<string, string>
  /** From now on, behave as a keychain in this state. */
  setState(state: KeychainState): void
}

/**
 * @example
 * const secrets = createFakeSecretStore()
 * secrets.setState('locked') // session.status() → keychain-unavailable
 */
export function createFakeSecretStore(): FakeSecretStore {
  const entries = new Map<string, string>()
  let state: KeychainState = 'available'
  const usable = async (): Promise<void> => {
    if (state !== 'available') {
      throw new WardenError('ERR_KEYCHAIN_UNAVAILABLE', 'Your keychain is locked. Unlock it and try again.', { details: { state } })
    }
  }
  return {
    entries,
    setState: (next) => {
      state = next
    },
    get: async (account) => (await usable(), entries.get(account)),
    set: async (account, secret) => {
      await usable()
      entries.set(account, secret)
    },
    delete: async (account) => (await usable(), entries.delete(account)),
    state: async () => state,
  }
}
