import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { isWardenError } from '../errors.js'
import { GENESIS_HASH, type AuditLogEvent } from './audit-chain.js'
import { createChainedAuditLog } from './chained-audit-log.js'
import type { AuditRecord } from './record.js'
import { auditRecord } from './testing/audit-record.js'
import { verifyAuditLog } from './verify-audit-log.js'

// Lets one test make writes fail with ENOSPC (a full disk); others write normally.
const failWrites = vi.hoisted(() => ({ on: false, partial: 0 }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open: typeof fs.open = async (...args) => {
    const handle = await fs.open(...args)
    const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<{ bytesWritten: number }>
    Object.assign(handle, {
      write: async (buffer: Buffer, offset: number, length: number, position: null) => {
        if (!failWrites.on) return write(buffer, offset, length, position)
        if (failWrites.partial > 0) await write(buffer, offset, Math.min(length, failWrites.partial), position)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      },
    })
    return handle
  }
  return { ...fs, open }
})

const scratch = mkdtempSync(join(tmpdir(), 'warden-chain-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0
const freshDir = () => join(scratch, `case-${(counter += 1)}`, 'audit')
const runningAsRoot = process.getuid?.() === 0

function record(id: string): AuditRecord {
  return auditRecord(id, { requestId: 7, reasons: ['r1'], latencyMs: 1.25 })
}

/** A wall clock the test moves: 2026-12-04T12:00Z plus `at.ms`. */
function testClock() {
  const at = { ms: Date.parse('2026-12-04T12:00:00.000Z') }
  return { at, clock: { now: () => at.ms } }
}

function entries(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('createChainedAuditLog', () => {
  it('chains entries from the genesis hash, in append order, in a 0600 file in a 0700 directory', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir, clock: testClock().clock })
    await Promise.all(['a', 'b', 'c'].map((id) => log.append(record(id))))
    await log.close()
    expect(readdirSync(dir)).toEqual(['audit-20261204-001.jsonl'])
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'audit-20261204-001.jsonl')).mode & 0o777).toBe(0o600)
    const lines = entries(dir)
    expect(lines.map((l) => [l['id'], l['seq']])).toEqual([['a', 1], ['b', 2], ['c', 3]])
    expect(lines[0]?.['prev']).toBe(GENESIS_HASH)
    expect(lines[1]?.['prev']).toBe(lines[0]?.['hash'])
    expect(lines[0]).toMatchObject(record('a'))
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 1, entries: 3, firstSeq: 1, lastSeq: 3, lastHash: lines[2]?.['hash'] })
  })

  it('groups appends that arrive during a sync into one write (each promise resolves after its sync)', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir })
    const settled: string[] = []
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(record(`r${i}`)).then(() => settled.push(`r${i}`))))
    await log.close()
    expect(settled).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`))
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 200 })
  })

  it('continues the chain after a restart, in the same file', async () => {
    const dir = freshDir()
    const { clock } = testClock()
    const first = createChainedAuditLog({ dir, clock })
    await first.append(record('a'))
    await first.close()
    const second = createChainedAuditLog({ dir, clock })
    await second.append(record('b'))
    await second.close()
    expect(readdirSync(dir)).toEqual(['audit-20261204-001.jsonl'])
    expect(entries(dir).map((l) => l['seq'])).toEqual([1, 2])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 2 })
  })

  it('rotates by size and by UTC day, the first entry of each file chained to the last of the one before', async () => {
    const dir = freshDir()
    const { at, clock } = testClock()
    const log = createChainedAuditLog({ dir, clock, maxFileBytes: 1500 })
    for (let i = 0; i < 6; i += 1) await log.append(record(`d1-${i}`))
    at.ms += 24 * 3600_000
    await log.append(record('d2-0'))
    await log.close()
    expect(readdirSync(dir).sort()).toEqual([
      'audit-20261204-001.jsonl',
      'audit-20261204-002.jsonl',
      'audit-20261204-003.jsonl',
      'audit-20261205-001.jsonl',
    ])
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(1500)
    const first = JSON.parse(readFileSync(join(dir, 'audit-20261205-001.jsonl'), 'utf8')) as Record<string, unknown>
    expect(first).toMatchObject({ id: 'd2-0', seq: 7 })
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 4, entries: 7 })
  })

  it('never starts a file that sorts before the current one when the clock goes back', async () => {
    const dir = freshDir()
    const { at, clock } = testClock()
    const log = createChainedAuditLog({ dir, clock, maxFileBytes: 600 })
    await log.append(record('a'))
    at.ms -= 24 * 3600_000
    await log.append(record('b'))
    await log.close()
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-001.jsonl', 'audit-20261204-002.jsonl'])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 2 })
  })

  it('continues the chain past an empty newest file (a crash right after a rotation)', async () => {
    const dir = freshDir()
    const { clock } = testClock()
    const first = createChainedAuditLog({ dir, clock })
    await first.append(record('a'))
    await first.close()
    writeFileSync(join(dir, 'audit-20261204-002.jsonl'), '', { mode: 0o600 })
    const second = createChainedAuditLog({ dir, clock })
    await second.append(record('b'))
    await second.close()
    expect(readFileSync(join(dir, 'audit-20261204-002.jsonl'), 'utf8')).toContain('"seq":2')
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 2, entries: 2 })
  })

  it('refuses to continue after a last complete line that is not a chained entry, and says to verify', async () => {
    const dir = freshDir()
    const { clock } = testClock()
    const first = createChainedAuditLog({ dir, clock })
    await first.append(record('a'))
    await first.close()
    appendFileSync(join(dir, 'audit-20261204-001.jsonl'), '{"id":"forged"}\n')
    const second = createChainedAuditLog({ dir, clock })
    await expect(second.append(record('b'))).rejects.toMatchObject({
      code: 'ERR_AUDIT_UNAVAILABLE',
      message: 'The audit log cannot continue its chain: line 2 of audit-20261204-001.jsonl is not a chained entry. Run `mcp-warden audit verify` to see what changed.',
    })
    await second.close()
  })

  it('keeps at most maxFiles files, deleting the oldest; verify starts from the first kept entry', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir, clock: testClock().clock, maxFileBytes: 600, maxFiles: 2 })
    for (let i = 0; i < 5; i += 1) await log.append(record(`r${i}`))
    await log.close()
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-004.jsonl', 'audit-20261204-005.jsonl'])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 2, entries: 2, firstSeq: 4, lastSeq: 5 })
  })

  it('keeps at most maxTotalBytes, never deleting the file in use', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir, clock: testClock().clock, maxFileBytes: 600, maxTotalBytes: 1 })
    for (let i = 0; i < 5; i += 1) await log.append(record(`r${i}`))
    await log.close()
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-005.jsonl'])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, firstSeq: 5 })
  })

  it('never deletes a file that is not shipped yet, however far past the caps, and says so', async () => {
    const dir = freshDir()
    const warnings: string[] = []
    let reading: string | undefined
    const log = createChainedAuditLog({ dir, clock: testClock().clock, maxFileBytes: 600, maxFiles: 1, shippedBefore: async () => reading, onWarning: (message) => warnings.push(message) })
    for (let i = 0; i < 3; i += 1) await log.append(record(`r${i}`))
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-001.jsonl', 'audit-20261204-002.jsonl', 'audit-20261204-003.jsonl'])
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toMatch(new RegExp(`^The audit log in ${dir} is over its retention cap: 2 file\\(s\\) \\([0-9.]+ MiB in all\\) are kept because they are not shipped to the collector yet; they are deleted once it has them\\.$`))
    // The shipper moved on to file 2: file 1 is shipped and goes at the next rotation; file 2 and later stay.
    reading = 'audit-20261204-002.jsonl'
    await log.append(record('r3'))
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-002.jsonl', 'audit-20261204-003.jsonl', 'audit-20261204-004.jsonl'])
    reading = 'audit-20261204-004.jsonl'
    await log.append(record('r4'))
    await log.close()
    // The file being shipped is not shipped yet either.
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-004.jsonl', 'audit-20261204-005.jsonl'])
    expect(warnings).toHaveLength(4)
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, firstSeq: 4, lastSeq: 5 })
  })

  it('finds a torn last line at open, says so in a torn-line event that starts a new file, and goes on', async () => {
    const dir = freshDir()
    const { clock } = testClock()
    const first = createChainedAuditLog({ dir, clock })
    await first.append(record('a'))
    await first.close()
    appendFileSync(join(dir, 'audit-20261204-001.jsonl'), '{"id":"b","kind":"deci')
    const events: AuditLogEvent[] = []
    const second = createChainedAuditLog({ dir, clock, onEvent: (event) => events.push(event) })
    await second.open()
    await second.append(record('c'))
    await second.close()
    const torn = { kind: 'log', event: 'torn-line', time: '2026-12-04T12:00:00.000Z', file: 'audit-20261204-001.jsonl', line: 2, bytes: 22 }
    expect(events).toEqual([torn])
    expect(readdirSync(dir).sort()).toEqual(['audit-20261204-001.jsonl', 'audit-20261204-002.jsonl'])
    const continued = readFileSync(join(dir, 'audit-20261204-002.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown)
    expect(continued).toMatchObject([{ ...torn, seq: 2 }, { id: 'c', seq: 3 }])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 3, torn: [{ file: 'audit-20261204-001.jsonl', line: 2, bytes: 22 }] })
  })

  it('rejects with ERR_AUDIT_UNAVAILABLE when the disk is full, cuts off the partial write, and recovers', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir, clock: testClock().clock })
    await log.append(record('a'))
    failWrites.on = true
    failWrites.partial = 40
    let error: unknown
    try {
      const results = await Promise.allSettled([log.append(record('lost-1')), log.append(record('lost-2'))])
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
      error = (results[0] as PromiseRejectedResult).reason
    } finally {
      failWrites.on = false
    }
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toBe(`Cannot write the audit log at ${dir}: the disk is full (ENOSPC). Check the directory exists and is writable.`)
    await log.append(record('b'))
    await log.close()
    expect(entries(dir).map((l) => [l['id'], l['seq']])).toEqual([['a', 1], ['b', 2]])
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 2, torn: [] })
  })

  it('rejects appends when a part of the directory path is a file', async () => {
    const blocker = join(scratch, 'blocker')
    writeFileSync(blocker, '')
    const log = createChainedAuditLog({ dir: join(blocker, 'audit') })
    const error = await log.append(record('a')).catch((e: unknown) => e)
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toMatch(/^Cannot write the audit log at .*blocker\/audit: /)
    await expect(log.open()).rejects.toMatchObject({ code: 'ERR_AUDIT_UNAVAILABLE' })
    await log.close()
  })

  it.skipIf(runningAsRoot)('rejects appends for a read-only directory', async () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true, mode: 0o500 })
    chmodSync(dir, 0o500)
    const log = createChainedAuditLog({ dir })
    await expect(log.append(record('a'))).rejects.toThrow(`Cannot write the audit log at ${dir}: permission denied (EACCES). Check the directory exists and is writable.`)
    await log.close()
  })

  it('refuses appends after close', async () => {
    const dir = freshDir()
    const log = createChainedAuditLog({ dir })
    await log.append(record('a'))
    await log.close()
    await expect(log.append(record('late'))).rejects.toThrow(`Cannot write the audit log at ${dir}: this log was closed. Open a new one.`)
  })

  it.each([
    ['null options', null, 'createChainedAuditLog: options must be an object'],
    ['an empty dir', { dir: '' }, 'createChainedAuditLog: options.dir must be a non-empty string'],
    ['a zero maxFileBytes', { dir: 'x', maxFileBytes: 0 }, 'createChainedAuditLog: options.maxFileBytes must be a positive integer'],
    ['a fractional maxFiles', { dir: 'x', maxFiles: 1.5 }, 'createChainedAuditLog: options.maxFiles must be a positive integer'],
  ])('rejects %s', (_case, options, message) => {
    expect(() => createChainedAuditLog(options as never)).toThrow(new TypeError(message))
  })
})
