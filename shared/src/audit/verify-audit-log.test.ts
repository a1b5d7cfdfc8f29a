import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../canonical-json.js'
import { chainHash } from './audit-chain.js'
import { createChainedAuditLog } from './chained-audit-log.js'
import { auditRecord } from './testing/audit-record.js'
import { verifyAuditLog } from './verify-audit-log.js'

const scratch = mkdtempSync(join(tmpdir(), 'warden-verify-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0
const FIRST = 'audit-20261204-001.jsonl'
const SECOND = 'audit-20261204-002.jsonl'


/** A log of `count` entries, in files of at most `maxFileBytes`. */
async function writeLog(count: number, maxFileBytes = 1_000_000): Promise<string> {
  const dir = join(scratch, `case-${(counter += 1)}`)
  const log = createChainedAuditLog({ dir, maxFileBytes, clock: { now: () => Date.parse('2026-12-04T12:00:00Z') } })
  for (let i = 1; i <= count; i += 1) await log.append(auditRecord(`r${i}`))
  await log.close()
  return dir
}

function editLines(path: string, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1)
  writeFileSync(path, `${edit(lines).join('\n')}\n`)
}

describe('canonicalJson and chainHash', () => {
  it('sorts members at every depth, leaves out undefined members, and ignores a hash member', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 'x\u2028' }], u: undefined })).toBe('{"a":[true,{"c":"x\u2028","d":null}],"b":1}')
    expect(chainHash({ a: 1, hash: 'x' }, 1, 'p')).toBe(chainHash({ a: 1 }, 1, 'p'))
    expect(chainHash({ a: 1 }, 1, 'p')).toBe(createHash('sha256').update('{"a":1,"prev":"p","seq":1}').digest('hex'))
  })
})

describe('verifyAuditLog', () => {
  it('reports an intact log with its counts', async () => {
    const dir = await writeLog(5)
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 1, entries: 5, firstSeq: 1, lastSeq: 5, torn: [] })
  })

  it('reports an empty directory as an empty, intact log', async () => {
    const dir = join(scratch, 'empty')
    mkdirSync(dir)
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, files: 0, entries: 0, firstSeq: 0, lastSeq: 0 })
  })

  it('finds an edited field, by file and line', async () => {
    const dir = await writeLog(5)
    editLines(join(dir, FIRST), (lines) => lines.map((line, i) => (i === 2 ? line.replace('"decision":"allow"', '"decision":"deny"') : line)))
    expect((await verifyAuditLog(dir)).problem).toEqual({ kind: 'edited', file: FIRST, line: 3, message: `${FIRST} line 3: edited: the entry does not match its hash` })
  })

  it('finds an entry rewritten with a fresh hash: the next one no longer links to it', async () => {
    const dir = await writeLog(5)
    editLines(join(dir, FIRST), (lines) =>
      lines.map((line, i) => {
        if (i !== 1) return line
        const entry: Record<string, unknown> = { ...(JSON.parse(line) as Record<string, unknown>), decision: 'deny' }
        return JSON.stringify({ ...entry, hash: chainHash(entry, entry['seq'] as number, entry['prev'] as string) })
      }),
    )
    expect((await verifyAuditLog(dir)).problem).toMatchObject({ kind: 'broken-link', file: FIRST, line: 3 })
  })

  it('finds a removed line', async () => {
    const dir = await writeLog(5)
    editLines(join(dir, FIRST), (lines) => lines.filter((_, i) => i !== 3))
    expect((await verifyAuditLog(dir)).problem).toEqual({ kind: 'missing', file: FIRST, line: 4, message: `${FIRST} line 4: missing: entry 4 was removed before this line` })
  })

  it('finds two swapped lines', async () => {
    const dir = await writeLog(5)
    editLines(join(dir, FIRST), ([a, b, c, d, e]) => [a, c, b, d, e] as string[])
    expect((await verifyAuditLog(dir)).problem).toEqual({ kind: 'reordered', file: FIRST, line: 2, message: `${FIRST} line 2: reordered: entry 3 where entry 2 belongs` })
  })

  it('finds a removed file in the middle of the log', async () => {
    const dir = await writeLog(3, 600)
    unlinkSync(join(dir, SECOND))
    expect((await verifyAuditLog(dir)).problem).toMatchObject({ kind: 'missing', file: 'audit-20261204-003.jsonl', line: 1 })
  })

  it('finds a line that is not an entry', async () => {
    const dir = await writeLog(3)
    editLines(join(dir, FIRST), (lines) => [lines[0] as string, 'not json', ...lines.slice(1)])
    expect((await verifyAuditLog(dir)).problem).toMatchObject({ kind: 'malformed', file: FIRST, line: 2 })
  })

  it('accepts a torn last line of the newest file (a crash before the log was reopened) and names it', async () => {
    const dir = await writeLog(3)
    const path = join(dir, FIRST)
    truncateSync(path, statSync(path).size - 10)
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, entries: 2, lastSeq: 2, torn: [{ file: FIRST, line: 3 }] })
  })

  it('finds a line cut short in an older file that no torn-line event accounts for', async () => {
    const dir = await writeLog(3, 600)
    const path = join(dir, FIRST)
    truncateSync(path, statSync(path).size - 10)
    expect((await verifyAuditLog(dir)).problem).toMatchObject({ kind: 'torn', file: FIRST, line: 1 })
  })
})
