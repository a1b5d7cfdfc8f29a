/**
 * desktop/src/agent/secrets/secret-store.ts — where the session's secrets live: the OS keychain behind a small
 * interface, so the session code is tested with an in-memory store and runs on keytar in the product.
 *
 * keytar answers `null` both for "no such entry" and for a locked keychain, so a store must be able to tell those
 * apart on request (`state()`): the keytar store keeps a sentinel entry and probes it.
 */

/** `available`: readable and writable. `locked`: present but locked. `unavailable`: no keychain service at all. */
export type KeychainState = 'available' | 'locked' | 'unavailable'

/**
 * A keychain of named secrets under one service. Every method rejects with a WardenError
 * `ERR_KEYCHAIN_UNAVAILABLE` (with `details.state` = `locked` | `unavailable`) when the keychain cannot be used,
 * never with a bare library error, and never resolves `undefined` for a locked keychain.
 *
 * @example
 * const secrets: SecretStore = await createKeytarSecretStore({ service: 'dev.mcpwarden' })
 * await secrets.set('session:https://login.example.com|client', JSON.stringify(tokens))
 */
export interface SecretStore {
  /** The secret, or `undefined` when there is no such entry (the keychain being usable). */
  get(account: string): Promise<string | undefined>
  set(account: string, secret: string): Promise<void>
  /** `true` when an entry was removed. */
  delete(account: string): Promise<boolean>
  /** Probes the keychain without throwing. */
  state(): Promise<KeychainState>
}
