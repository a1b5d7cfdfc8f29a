import { describe, expect, it } from 'vitest'
import { createMemoryLimitStore } from './memory-limit-store.js'
import { limitStoreContract } from './testing/limit-store-contract.js'

const WINDOW = { capacity: 3, windowSeconds: 60 } // one token every 20 s

limitStoreContract('memory', () => createMemoryLimitStore())

describe('createMemoryLimitStore', () => {
  it.each([0, -1, 1.5, Number.NaN, '10'])('rejects maxKeys %s', (maxKeys) => {
    expect(() => createMemoryLimitStore({ maxKeys: maxKeys as number })).toThrow(
      new TypeError('createMemoryLimitStore: options.maxKeys must be a positive integer'),
    )
  })

  it('evicts buckets that have refilled before anything that still holds state', async () => {
    const store = createMemoryLimitStore({ maxKeys: 3 })
    await store.consumeRate('busy', WINDOW, 3, 0)
    await store.chargeBudget('budget', 1, 'p1', 1)
    await store.consumeRate('idle', WINDOW, 1, 0) // least recently used of the three after this line
    await store.consumeRate('busy', WINDOW, 0, 20_000) // `idle` is full again at 20 s; `busy` holds one token
    await store.consumeRate('new', WINDOW, 1, 20_000)
    expect(await store.consumeRate('busy', WINDOW, 2, 20_000)).toMatchObject({ allowed: false, remaining: 1 })
    expect(await store.chargeBudget('budget', 1, 'p1', 1)).toMatchObject({ allowed: false })
  })

  it('evicts the least recently used key when no bucket is full', async () => {
    const store = createMemoryLimitStore({ maxKeys: 2 })
    await store.chargeBudget('first', 1, 'p1', 1)
    await store.chargeBudget('second', 1, 'p1', 1)
    await store.chargeBudget('first', 1, 'p1', 0) // `second` is now the least recently used
    await store.chargeBudget('third', 1, 'p1', 1)
    expect(await store.chargeBudget('first', 1, 'p1', 1)).toMatchObject({ allowed: false })
    expect(await store.chargeBudget('second', 1, 'p1', 1)).toMatchObject({ allowed: true })
  })
})
