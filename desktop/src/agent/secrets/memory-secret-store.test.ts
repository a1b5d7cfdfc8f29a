import { describe, expect, it } from 'vitest'
import { createMemorySecretStore } from './memory-secret-store.js'

describe('createMemorySecretStore', () => {
  it('sets, gets and deletes entries, and says whether something was removed', async () => {
    const secrets = createMemorySecretStore()
    expect(await secrets.get('a')).toBeUndefined()
    await secrets.set('a', 's1')
    expect(await secrets.get('a')).toBe('s1')
    expect(await secrets.delete('a')).toBe(true)
    expect(await secrets.delete('a')).toBe(false)
    expect(await secrets.state()).toBe('available')
  })

  it.each(['locked', 'unavailable'] as const)('rejects every operation with ERR_KEYCHAIN_UNAVAILABLE when %s, and keeps the entries', async (state) => {
    const secrets = createMemorySecretStore()
    await secrets.set('a', 's1')
    secrets.setState(state)
    const expected = { code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state } }
    await expect(secrets.get('a')).rejects.toMatchObject(expected)
    await expect(secrets.set('a', 's2')).rejects.toMatchObject(expected)
    await expect(secrets.delete('a')).rejects.toMatchObject(expected)
    expect(await secrets.state()).toBe(state)
    secrets.setState('available')
    expect(await secrets.get('a')).toBe('s1')
  })

  it('starts in the state it is given', async () => {
    expect(await createMemorySecretStore({ state: 'locked' }).state()).toBe('locked')
  })
})
