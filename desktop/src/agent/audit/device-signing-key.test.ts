import { verifyCheckpoint } from '@mcp-warden/core'
import { describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../secrets/memory-secret-store.js'
import { DEVICE_SIGNING_KEY_ACCOUNT, loadDeviceSigningKey } from './device-signing-key.js'

const CLAIMS = { seq: 1, file: 'audit-20261204-001.jsonl', hash: 'a'.repeat(64), time: '2026-12-04T12:00:00.000Z' }

describe('loadDeviceSigningKey', () => {
  it('makes the key once, keeps it in the keychain, and gives the same key id afterwards', async () => {
    const secrets = createMemorySecretStore()
    const first = await loadDeviceSigningKey(secrets)
    const stored = JSON.parse(secrets.entries.get(DEVICE_SIGNING_KEY_ACCOUNT) as string) as Record<string, unknown>
    expect(stored).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), d: expect.any(String) })
    const second = await loadDeviceSigningKey(secrets)
    expect(second.kid).toBe(first.kid)
    expect(second.publicJwk).not.toHaveProperty('d')
    expect((await verifyCheckpoint(await second.sign(CLAIMS))).kid).toBe(first.kid)
  })

  it('refuses an entry that is not a key instead of replacing it', async () => {
    const secrets = createMemorySecretStore()
    await secrets.set(DEVICE_SIGNING_KEY_ACCOUNT, '{"kty":"oct","k":"c2VjcmV0"}')
    await expect(loadDeviceSigningKey(secrets)).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('Delete that entry to make a new one') })
    expect(secrets.entries.get(DEVICE_SIGNING_KEY_ACCOUNT)).toBe('{"kty":"oct","k":"c2VjcmV0"}')
  })

  it('rejects with ERR_KEYCHAIN_UNAVAILABLE when the keychain is locked', async () => {
    await expect(loadDeviceSigningKey(createMemorySecretStore({ state: 'locked' }))).rejects.toMatchObject({ code: 'ERR_KEYCHAIN_UNAVAILABLE' })
  })
})
