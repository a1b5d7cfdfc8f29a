/**
 * test/keychain.test.ts — the keytar SecretStore against a real gnome-keyring on a private D-Bus bus: round trip,
 * persistence across store instances, a locked keyring reported as locked (never as "no entry"), and no Secret
 * Service at all reported as unavailable.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` documents the packages). Without them
 * the tests are skipped, unless MCP_WARDEN_REQUIRE_KEYCHAIN=1 (CI), where they fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeSecretService } from '../desktop/src/agent/secrets/secret-service-probe.js'
import { missingKeyringTools, runStore, startKeyring, startPrivateBus, type PrivateBus, type PrivateKeyring } from './helpers/keyring.js'

const SERVICE = 'dev.mcpwarden.test'
const missing = process.platform === 'linux' ? missingKeyringTools() : ['Linux']
const required = process.env['MCP_WARDEN_REQUIRE_KEYCHAIN'] === '1'
const skip = missing.length > 0 && !required
const title = skip
  ? `keychain (SKIPPED: needs ${missing.join(', ')}; install gnome-keyring dbus libglib2.0-bin, or set MCP_WARDEN_REQUIRE_KEYCHAIN=1 to fail instead)`
  : 'keychain'
if (skip) console.warn(title)

describe.skipIf(skip)(title, () => {
  let bus: PrivateBus
  let keyring: PrivateKeyring

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`MCP_WARDEN_REQUIRE_KEYCHAIN=1 but ${missing.join(', ')} cannot be found on PATH`)
    bus = await startPrivateBus()
    keyring = await startKeyring(bus)
  })

  afterAll(async () => {
    await keyring?.stop()
    await bus?.stop()
  })

  it('stores, reads and deletes a secret, and reads a missing one as undefined', async () => {
    const results = await runStore(bus.env, SERVICE, [
      { op: 'state' },
      { op: 'get', account: 'round-trip' },
      { op: 'set', account: 'round-trip', secret: 's3cr3t-1' },
      { op: 'get', account: 'round-trip' },
      { op: 'delete', account: 'round-trip' },
      { op: 'delete', account: 'round-trip' },
      { op: 'get', account: 'round-trip' },
    ])
    expect(results).toEqual([
      { ok: true, value: 'available' },
      { ok: true },
      { ok: true },
      { ok: true, value: 's3cr3t-1' },
      { ok: true, value: true },
      { ok: true, value: false },
      { ok: true },
    ])
  })

  it('keeps entries for a new store in a new process', async () => {
    await runStore(bus.env, SERVICE, [{ op: 'set', account: 'persist', secret: 'kept' }])
    expect(await runStore(bus.env, SERVICE, [{ op: 'get', account: 'persist' }])).toEqual([{ ok: true, value: 'kept' }])
  })

  it('reports a locked keyring as locked, not as a missing entry, and reads the entry again once unlocked', async () => {
    await runStore(bus.env, SERVICE, [{ op: 'set', account: 'while-locked', secret: 'still-here' }])
    await keyring.lock()
    expect(await keyring.isLocked()).toBe(true)
    const locked = await runStore(bus.env, SERVICE, [
      { op: 'state' },
      { op: 'get', account: 'while-locked' },
      { op: 'get', account: 'never-written' },
      { op: 'set', account: 'while-locked', secret: 'new' },
      { op: 'delete', account: 'while-locked' },
    ])
    expect(locked[0]).toEqual({ ok: true, value: 'locked' })
    for (const result of locked.slice(1)) {
      expect(result).toMatchObject({ ok: false, code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'locked' } })
      expect(result).toHaveProperty('message', expect.stringContaining('Unlock your keychain'))
    }
    expect(JSON.stringify(locked)).not.toContain('still-here')
    // Both probe tools read the same answer from the Secret Service.
    expect((await probeSecretService({ env: bus.env, tools: ['dbus-send'] })).collection).toBe('locked')
    expect((await probeSecretService({ env: bus.env, tools: ['gdbus'] })).collection).toBe('locked')

    await keyring.unlock()
    expect(await runStore(bus.env, SERVICE, [{ op: 'state' }, { op: 'get', account: 'while-locked' }])).toEqual([
      { ok: true, value: 'available' },
      { ok: true, value: 'still-here' },
    ])
  })

  it('reports a D-Bus session without a Secret Service as unavailable', async () => {
    const empty = await startPrivateBus()
    try {
      const results = await runStore(empty.env, SERVICE, [{ op: 'state' }, { op: 'get', account: 'x' }, { op: 'set', account: 'x', secret: 'y' }])
      expect(results[0]).toEqual({ ok: true, value: 'unavailable' })
      for (const result of results.slice(1)) {
        expect(result).toMatchObject({ ok: false, code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'unavailable' } })
        expect(result).toHaveProperty('message', expect.stringContaining('no Secret Service'))
      }
    } finally {
      await empty.stop()
    }
  })

  it('reports no D-Bus session at all as unavailable', async () => {
    const env = { ...bus.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mcp-warden-bus' }
    const results = await runStore(env, SERVICE, [{ op: 'state' }, { op: 'get', account: 'x' }])
    expect(results[0]).toEqual({ ok: true, value: 'unavailable' })
    expect(results[1]).toMatchObject({ ok: false, code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'unavailable' } })
    expect(results[1]).toHaveProperty('message', expect.stringContaining('no D-Bus session bus'))
  })
})
