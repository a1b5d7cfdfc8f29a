import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../pipeline/types.js'
import { openFileLimitStore, type FileLimitStore } from './file-limit-store.js'
import type { LimitStore } from './limit-store.js'
import { limitStoreContract } from './testing/limit-store-contract.js'

let directory: string
let file: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'warden-limits-'))
  file = join(directory, 'state', 'limits.jsonl')
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

limitStoreContract('file', () => openFileLimitStore({ file }), { ownClock: false }, (store) => (store as FileLimitStore).close())

/** A clock whose wall and monotonic times tests set by hand; a "restart" starts monotonic time over. */
function testClock(wallMs = Date.UTC(2026, 11, 4, 12)): Clock & { wall: number } {
  return { wall: wallMs, now() { return this.wall }, monotonic: () => 0 }
}

const WINDOW = { capacity: 10, windowSeconds: 100 } // one token every 10 s

async function drain(store: LimitStore, key: string, n: number, nowMs = 0): Promise<void> {
  for (let i = 0; i < n; i += 1) expect((await store.consumeRate(key, WINDOW, 1, nowMs)).allowed).toBe(true)
}

describe('openFileLimitStore across restarts', () => {
  it('keeps bucket levels and budgets', async () => {
    const clock = testClock()
    const first = await openFileLimitStore({ file, clock })
    await drain(first, 'rate:alice', 10)
    await first.chargeBudget('budget:alice', 100, '2026-12-04', 60)
    await first.close()

    const second = await openFileLimitStore({ file, clock })
    expect(await second.consumeRate('rate:alice', WINDOW, 1, 5_000_000)).toMatchObject({ allowed: false, retryAfterMs: 10_000 })
    expect(await second.chargeBudget('budget:alice', 100, '2026-12-04', 50)).toMatchObject({ allowed: false, used: 60 })
    await second.close()
  })

  it('refills by the wall-clock time elapsed while it was stopped, never above capacity', async () => {
    const clock = testClock()
    const first = await openFileLimitStore({ file, clock })
    await drain(first, 'rate:alice', 10)
    await first.close()

    clock.wall += 25_000 // two and a half tokens
    const second = await openFileLimitStore({ file, clock })
    expect(await second.consumeRate('rate:alice', WINDOW, 0, 0)).toMatchObject({ remaining: 2 })
    await second.close()

    clock.wall += 10_000_000
    const third = await openFileLimitStore({ file, clock })
    expect(await third.consumeRate('rate:alice', WINDOW, 11, 0)).toMatchObject({ allowed: false, remaining: 10 })
    await third.close()
  })

  it('refills nothing when the wall clock went back across the restart, and resets no budget', async () => {
    const clock = testClock()
    const first = await openFileLimitStore({ file, clock })
    await drain(first, 'rate:alice', 10)
    await first.chargeBudget('budget:alice', 5, '2026-12-04', 5)
    await first.close()

    clock.wall -= 3 * 86_400_000 // three days back
    const second = await openFileLimitStore({ file, clock })
    expect(await second.consumeRate('rate:alice', WINDOW, 1, 0)).toMatchObject({ allowed: false, retryAfterMs: 10_000 })
    expect(await second.chargeBudget('budget:alice', 5, '2026-12-01', 1)).toMatchObject({ allowed: false, periodKey: '2026-12-04' })
    await second.close()

    clock.wall += 3 * 86_400_000 + 10_000 // back to where it was, plus one token's worth
    const third = await openFileLimitStore({ file, clock })
    expect(await third.consumeRate('rate:alice', WINDOW, 1, 0)).toMatchObject({ allowed: true, remaining: 0 })
    await third.close()
  })

  it('times buckets on the monotonic time callers pass within a run, whatever the wall clock does', async () => {
    const clock = testClock()
    const store = await openFileLimitStore({ file, clock })
    await drain(store, 'rate:alice', 10, 1000)
    clock.wall += 3_600_000
    expect((await store.consumeRate('rate:alice', WINDOW, 1, 1000)).allowed).toBe(false)
    expect((await store.consumeRate('rate:alice', WINDOW, 1, 11_000)).allowed).toBe(true)
    await store.close()
  })

  it('keeps the journal short by compacting it at open', async () => {
    const store = await openFileLimitStore({ file, clock: testClock() })
    for (let i = 0; i < 50; i += 1) await store.chargeBudget('budget:alice', 100, '2026-12-04', 1)
    await store.close()
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(52) // header, 50 changes, trailing newline
    await (await openFileLimitStore({ file, clock: testClock() })).close()
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n')
    expect(lines).toEqual(['{"format":"mcp-warden-limits","version":1}', '{"key":"budget:alice","budget":{"periodKey":"2026-12-04","used":50}}'])
  })

  it('compacts while running once the journal holds many lines per key, losing nothing', async () => {
    const store = await openFileLimitStore({ file, clock: testClock() })
    for (let i = 0; i < 1500; i += 1) await store.chargeBudget('budget:alice', 2000, '2026-12-04', 1)
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n')
    expect(lines.length).toBeLessThan(1000)
    expect(lines.at(-1)).toBe('{"key":"budget:alice","budget":{"periodKey":"2026-12-04","used":1500}}')
    await store.close()
    const reopened = await openFileLimitStore({ file, clock: testClock() })
    expect(await reopened.chargeBudget('budget:alice', 2000, '2026-12-04', 0)).toMatchObject({ used: 1500 })
    await reopened.close()
  })

  it('drops a last line torn by a crash, and nothing before it', async () => {
    const store = await openFileLimitStore({ file, clock: testClock() })
    await store.chargeBudget('budget:alice', 10, 'p1', 4)
    await store.close()
    await writeFile(file, `${await readFile(file, 'utf8')}{"key":"budget:alice","bud`)
    const reopened = await openFileLimitStore({ file, clock: testClock() })
    expect(await reopened.chargeBudget('budget:alice', 10, 'p1', 0)).toMatchObject({ used: 4 })
    await reopened.close()
  })
})

describe('openFileLimitStore with a damaged file', () => {
  it.each([
    ['a line that is not JSON', '{"format":"mcp-warden-limits","version":1}\nnot json\n', 'line 2: not JSON'],
    ['a wrong header', '{"format":"something-else","version":1}\n', 'line 1: not an MCP Warden limits file (version 1) header'],
    ['a negative usage', '{"format":"mcp-warden-limits","version":1}\n{"key":"b","budget":{"periodKey":"p1","used":-4}}\n', 'line 2: not a rate or budget state'],
  ])('fails closed on %s, says where the file is, and leaves it alone', async (_case, text, problem) => {
    await openFileLimitStore({ file }).then((store) => store.close()) // creates the directory
    await writeFile(file, text)
    const store = await openFileLimitStore({ file })
    const expected = {
      code: 'ERR_INTERNAL',
      message: expect.stringContaining(`The usage-limit ledger ${file} is damaged (${problem}), so MCP Warden allows no tool call`),
    }
    await expect(store.consumeRate('k', WINDOW, 1, 0)).rejects.toMatchObject(expected)
    await expect(store.chargeBudget('b', 10, 'p1', 1)).rejects.toMatchObject(expected)
    await expect(store.refundBudget('b', 'p1', 1)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
    await expect(store.consumeRate('k', WINDOW, 1, 0)).rejects.toThrow(/Move the file aside \(or delete it to start every limit afresh\) and restart the MCP Warden agent/)
    await store.close()
    expect(await readFile(file, 'utf8')).toBe(text)
  })

  it('shows a file in the home directory as ~/…', async () => {
    const home = process.env['HOME']
    process.env['HOME'] = directory
    try {
      await openFileLimitStore({ file }).then((store) => store.close())
      await writeFile(file, 'not json\n')
      const store = await openFileLimitStore({ file })
      await expect(store.chargeBudget('b', 1, 'p1', 1)).rejects.toThrow('The usage-limit ledger ~/state/limits.jsonl is damaged (line 1: not JSON)')
    } finally {
      process.env['HOME'] = home
    }
  })

  it('rejects misuse at the factory', async () => {
    await expect(openFileLimitStore({ file: '' })).rejects.toThrow(new TypeError('openFileLimitStore: options.file must be a non-empty path'))
  })
})
