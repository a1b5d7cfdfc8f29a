import { describe, expect, it } from 'vitest'
import { createKeytarSecretStore, SENTINEL_ACCOUNT, type KeytarApi } from './keytar-secret-store.js'
import type { SecretServiceProbe } from './secret-service-probe.js'

/** keytar as libsecret behaves: a locked keyring reads as null, refuses writes, deletes nothing. */
function fakeKeytar(keyring: { locked: boolean; entries: Map<string, string> }): KeytarApi {
  return {
    async getPassword(service, account) {
      return keyring.locked ? null : (keyring.entries.get(`${service}/${account}`) ?? null)
    },
    async setPassword(service, account, password) {
      if (keyring.locked) throw new Error('Cannot create an item in a locked collection')
      keyring.entries.set(`${service}/${account}`, password)
    },
    async deletePassword(service, account) {
      return !keyring.locked && keyring.entries.delete(`${service}/${account}`)
    },
  }
}

function linuxStore(keyring: { locked: boolean; entries: Map<string, string> }, absent = false) {
  const probe = async (): Promise<SecretServiceProbe> =>
    absent ? { collection: 'absent', reason: 'no Secret Service runs' } : { collection: keyring.locked ? 'locked' : 'unlocked', reason: 'fake' }
  return createKeytarSecretStore({ service: 'test', platform: 'linux', loadKeytar: async () => fakeKeytar(keyring), probe })
}

describe('createKeytarSecretStore (keytar faked)', () => {
  it('refuses a missing service name at construction', () => {
    expect(() => createKeytarSecretStore({ service: '' })).toThrow(new TypeError('createKeytarSecretStore: "service" must be a non-empty string'))
  })

  it('does not load keytar until the first call', () => {
    let loads = 0
    createKeytarSecretStore({ service: 'test', loadKeytar: async () => { loads++; return fakeKeytar({ locked: false, entries: new Map() }) } })
    expect(loads).toBe(0)
  })

  it('turns a keytar that cannot be loaded into ERR_KEYCHAIN_UNAVAILABLE (unavailable) with what to do', async () => {
    const secrets = createKeytarSecretStore({
      service: 'test',
      platform: 'linux',
      loadKeytar: async () => { throw new Error('libsecret-1.so.0: cannot open shared object file') },
    })
    const error = await secrets.get('a').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'unavailable' } })
    expect((error as Error).message).toContain('the keychain module (keytar) could not be loaded (libsecret-1.so.0')
    expect(await secrets.state()).toBe('unavailable')
  })

  it('writes the sentinel when the keychain is usable, and tells a missing entry from a locked keyring', async () => {
    const keyring = { locked: false, entries: new Map<string, string>() }
    const secrets = linuxStore(keyring)
    expect(await secrets.get('missing')).toBeUndefined()
    expect(keyring.entries.has(`test/${SENTINEL_ACCOUNT}`)).toBe(true)
    await secrets.set('a', 's1')
    keyring.locked = true
    expect(await secrets.state()).toBe('locked')
    const locked = { code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'locked' } }
    await expect(secrets.get('a')).rejects.toMatchObject(locked)
    await expect(secrets.set('a', 's2')).rejects.toMatchObject(locked)
    await expect(secrets.delete('a')).rejects.toMatchObject(locked)
    keyring.locked = false
    expect(await secrets.get('a')).toBe('s1')
    expect(await secrets.delete('a')).toBe(true)
    expect(await secrets.delete('a')).toBe(false)
  })

  it('reports no Secret Service as unavailable with the reason', async () => {
    const secrets = linuxStore({ locked: false, entries: new Map() }, true)
    expect(await secrets.state()).toBe('unavailable')
    await expect(secrets.get('a')).rejects.toThrow(/no Secret Service runs\. MCP Warden keeps your sign-in in the OS keychain: run it inside a desktop session/)
  })

  it('on macOS, takes a refused keychain for a locked one (no D-Bus to ask)', async () => {
    const refusing: KeytarApi = {
      getPassword: async () => { throw new Error('User interaction is not allowed.') },
      setPassword: async () => { throw new Error('User interaction is not allowed.') },
      deletePassword: async () => { throw new Error('User interaction is not allowed.') },
    }
    const secrets = createKeytarSecretStore({ service: 'test', platform: 'darwin', loadKeytar: async () => refusing })
    expect(await secrets.state()).toBe('locked')
    await expect(secrets.set('a', 'x')).rejects.toMatchObject({ code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'locked' } })
    await expect(secrets.get('a')).rejects.toThrow(
      'The keychain cannot be used: macOS refused access to the login keychain. Unlock your login keychain (in Keychain Access, or allow MCP Warden when macOS asks), then try again.',
    )
  })
})
