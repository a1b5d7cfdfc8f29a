/**
 * desktop/src/agent/audit/device-signing-key.ts — the device's key for signing audit checkpoints: an Ed25519 key
 * pair made once, on first use, and kept in the OS keychain (the SecretStore) as a private JWK. Its public half
 * (`kid` = RFC 7638 thumbprint) goes with every checkpoint, so the collector can pin it on first use.
 */
import { checkpointSigningKey, generateCheckpointJwk, WardenError, type CheckpointSigningKey } from '@mcp-warden/core'
import type { SecretStore } from '../secrets/secret-store.js'

/** The keychain account of the key, under the service of every MCP Warden entry. */
export const DEVICE_SIGNING_KEY_ACCOUNT = 'audit-checkpoint-key'

/**
 * Reads the device key from the keychain, or makes and stores one when there is none. Rejects with
 * `ERR_KEYCHAIN_UNAVAILABLE` when the keychain cannot be used, and with `ERR_CONFIG_INVALID` when the entry is not a
 * key (never replaced silently: the collector would see a new device key).
 *
 * @example
 * const key = await loadDeviceSigningKey(secrets)
 * const checkpoint = await key.sign({ seq, file, hash, time: new Date().toISOString() })
 */
export async function loadDeviceSigningKey(secrets: SecretStore): Promise<CheckpointSigningKey> {
  const stored = await secrets.get(DEVICE_SIGNING_KEY_ACCOUNT)
  if (stored === undefined) {
    const jwk = generateCheckpointJwk()
    await secrets.set(DEVICE_SIGNING_KEY_ACCOUNT, JSON.stringify(jwk))
    return checkpointSigningKey(jwk)
  }
  try {
    return await checkpointSigningKey(JSON.parse(stored) as never)
  } catch (cause) {
    throw new WardenError(
      'ERR_CONFIG_INVALID',
      `The audit signing key in the keychain (account ${DEVICE_SIGNING_KEY_ACCOUNT}) is not an Ed25519 key. Delete that entry to make a new one; your organisation's collector will then see a new key for this device.`,
      { cause },
    )
  }
}
