/**
 * shared/src/limits/testing/limit-store-contract.ts — the LimitStore contract (limit-store.ts) as one suite that
 * every implementation runs: memory, file and Redis stores call `limitStoreContract` from their own tests.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { LimitStore } from '../limit-store.js'

/** How a store differs in ways the contract allows. */
export interface ContractTraits {
  /**
   * The store times buckets with its own clock (Redis: the server's TIME) and ignores `nowMs`: the cases that
   * move time by hand are left out, and retry-after times are compared to the millisecond-scale drift of real time.
   */
  readonly ownClock: boolean
}

const WINDOW = { capacity: 3, windowSeconds: 60 } // one token every 20 s

/**
 * Declares the contract suite for one implementation. `create` returns a fresh, empty store for each case;
 * `dispose` (optional) is called with it after the case.
 *
 * @example
 * limitStoreContract('memory', () => createMemoryLimitStore())
 */
export function limitStoreContract(
  name: string,
  create: () => LimitStore | Promise<LimitStore>,
  traits: ContractTraits = { ownClock: false },
  dispose?: (store: LimitStore) => Promise<void>,
): void {
  describe(`LimitStore contract: ${name}`, () => {
    const opened: LimitStore[] = []
    async function fresh(): Promise<LimitStore> {
      const store = await create()
      opened.push(store)
      return store
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await dispose?.(store)
    })
    const retryAfter = (ms: number): unknown => (traits.ownClock ? expect.closeTo(ms, -3) : ms)
    const manualTime = traits.ownClock ? it.skip : it

    it('starts a bucket full and takes one token per call until it is empty', async () => {
      const store = await fresh()
      const results = []
      for (let i = 0; i < 4; i += 1) results.push(await store.consumeRate('k', WINDOW, 1, 1000))
      expect(results).toEqual([
        { allowed: true, remaining: 2, retryAfterMs: 0 },
        { allowed: true, remaining: 1, retryAfterMs: 0 },
        { allowed: true, remaining: 0, retryAfterMs: 0 },
        { allowed: false, remaining: 0, retryAfterMs: retryAfter(20_000) },
      ])
    })

    manualTime('refills at capacity / window and takes nothing on a denied call', async () => {
      const store = await fresh()
      for (let i = 0; i < 3; i += 1) await store.consumeRate('k', WINDOW, 1, 0)
      expect(await store.consumeRate('k', WINDOW, 1, 5_000)).toMatchObject({ allowed: false, retryAfterMs: 15_000 })
      expect(await store.consumeRate('k', WINDOW, 1, 19_999)).toMatchObject({ allowed: false, retryAfterMs: 1 })
      expect(await store.consumeRate('k', WINDOW, 1, 20_000)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 })
      expect(await store.consumeRate('k', WINDOW, 1, 20_000)).toMatchObject({ allowed: false })
    })

    manualTime('refills whole tokens from fractional steps', async () => {
      const store = await fresh()
      for (let i = 0; i < 3; i += 1) await store.consumeRate('k', WINDOW, 1, 0)
      // Ten refills of a tenth of a token each add up to 0.9999999999999999 in floating point.
      for (let i = 1; i < 10; i += 1) await store.consumeRate('k', WINDOW, 0, (20_000 * i) / 10)
      expect((await store.consumeRate('k', WINDOW, 1, 20_000)).allowed).toBe(true)
    })

    manualTime('never refills on a time earlier than one it has seen', async () => {
      const store = await fresh()
      for (let i = 0; i < 3; i += 1) await store.consumeRate('k', WINDOW, 1, 100_000)
      expect((await store.consumeRate('k', WINDOW, 1, 0)).allowed).toBe(false)
      expect((await store.consumeRate('k', WINDOW, 1, 110_000)).allowed).toBe(false)
      expect((await store.consumeRate('k', WINDOW, 1, 120_000)).allowed).toBe(true)
    })

    it('never allows a cost above the capacity', async () => {
      const store = await fresh()
      expect(await store.consumeRate('k', WINDOW, 4, 0)).toEqual({
        allowed: false,
        remaining: 3,
        retryAfterMs: Number.POSITIVE_INFINITY,
      })
    })

    it('gives back refunded tokens up to the capacity', async () => {
      const store = await fresh()
      await store.consumeRate('k', WINDOW, 1, 0)
      await store.refundRate('k', WINDOW, 1, 0)
      await store.refundRate('k', WINDOW, 1, 0)
      expect(await store.consumeRate('k', WINDOW, 3, 0)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 })
    })

    it('applies a smaller capacity from an updated policy at once', async () => {
      const store = await fresh()
      await store.consumeRate('k', { capacity: 10, windowSeconds: 60 }, 1, 0)
      expect(await store.consumeRate('k', { capacity: 2, windowSeconds: 60 }, 1, 0)).toMatchObject({ remaining: 1 })
    })

    it('lets exactly `capacity` of many concurrent calls through', async () => {
      const store = await fresh()
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consumeRate('k', WINDOW, 1, 0)))
      expect(results.filter((result) => result.allowed)).toHaveLength(3)
    })

    it('charges a budget up to its limit and takes nothing on a denied charge', async () => {
      const store = await fresh()
      expect(await store.chargeBudget('b', 10, '2026-11-24', 6)).toEqual({ allowed: true, used: 6, remaining: 4, periodKey: '2026-11-24' })
      expect(await store.chargeBudget('b', 10, '2026-11-24', 5)).toEqual({ allowed: false, used: 6, remaining: 4, periodKey: '2026-11-24' })
      expect(await store.chargeBudget('b', 10, '2026-11-24', 4)).toEqual({ allowed: true, used: 10, remaining: 0, periodKey: '2026-11-24' })
    })

    it('adds fractional costs without rounding a call out of its budget', async () => {
      const store = await fresh()
      for (let i = 0; i < 3; i += 1) expect((await store.chargeBudget('b', 0.3, 'p1', 0.1)).allowed).toBe(true)
    })

    it('charges exactly the limit under concurrency', async () => {
      const store = await fresh()
      const results = await Promise.all(Array.from({ length: 20 }, () => store.chargeBudget('b', 7, 'p1', 1)))
      expect(results.filter((result) => result.allowed)).toHaveLength(7)
      expect(await store.chargeBudget('b', 7, 'p1', 0)).toMatchObject({ used: 7 })
    })

    it('starts a later period empty and counts an earlier period in the latest one', async () => {
      const store = await fresh()
      await store.chargeBudget('b', 2, '2026-11-24', 2)
      expect(await store.chargeBudget('b', 2, '2026-11-25', 1)).toEqual({ allowed: true, used: 1, remaining: 1, periodKey: '2026-11-25' })
      expect(await store.chargeBudget('b', 2, '2026-11-23', 1)).toEqual({ allowed: true, used: 2, remaining: 0, periodKey: '2026-11-25' })
      expect(await store.chargeBudget('b', 2, '2026-11-24', 1)).toMatchObject({ allowed: false, periodKey: '2026-11-25' })
    })

    it('refunds a budget only in the period it was charged in, and never below zero', async () => {
      const store = await fresh()
      await store.chargeBudget('b', 5, 'p1', 3)
      await store.refundBudget('b', 'p1', 10)
      expect(await store.chargeBudget('b', 5, 'p1', 5)).toMatchObject({ allowed: true, used: 5 })
      await store.chargeBudget('b', 5, 'p2', 5)
      await store.refundBudget('b', 'p1', 5)
      expect(await store.chargeBudget('b', 5, 'p2', 1)).toMatchObject({ allowed: false, used: 5 })
    })

    it('keeps keys apart', async () => {
      const store = await fresh()
      await store.consumeRate('a', WINDOW, 3, 0)
      await store.chargeBudget('c', 1, 'p1', 1)
      expect((await store.consumeRate('b', WINDOW, 3, 0)).allowed).toBe(true)
      expect((await store.chargeBudget('d', 1, 'p1', 1)).allowed).toBe(true)
    })

    it.each([
      ['an empty key', (s: LimitStore) => s.consumeRate('', WINDOW, 1, 0), 'LimitStore: key must be a non-empty string'],
      ['capacity 0', (s: LimitStore) => s.consumeRate('k', { capacity: 0, windowSeconds: 1 }, 1, 0), 'LimitStore: spec.capacity must be a finite number >= 1'],
      ['window 0', (s: LimitStore) => s.consumeRate('k', { capacity: 1, windowSeconds: 0 }, 1, 0), 'LimitStore: spec.windowSeconds must be a finite number > 0'],
      ['a negative cost', (s: LimitStore) => s.consumeRate('k', WINDOW, -1, 0), 'LimitStore: cost must be a finite number >= 0'],
      ['NaN time', (s: LimitStore) => s.refundRate('k', WINDOW, 1, Number.NaN), 'LimitStore: nowMs must be a finite number'],
      ['an infinite limit', (s: LimitStore) => s.chargeBudget('k', Infinity, 'p', 1), 'LimitStore: limit must be a finite number >= 0'],
      ['an empty period', (s: LimitStore) => s.chargeBudget('k', 1, '', 1), 'LimitStore: periodKey must be a non-empty string'],
      ['a NaN refund', (s: LimitStore) => s.refundBudget('k', 'p', Number.NaN), 'LimitStore: cost must be a finite number >= 0'],
    ])('rejects %s with a TypeError', async (_case, call, message) => {
      await expect(call(await fresh())).rejects.toThrow(new TypeError(message))
    })
  })
}
