import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { GENESIS_HASH, chainLine } from './audit-chain.js'
import { checkpointSigningKey, generateCheckpointJwk, peekCheckpoint, verifyCheckpoint } from './audit-checkpoint.js'
import { appendCheckpoint, CHECKPOINTS_FILE, readCheckpoints } from './checkpoint-file.js'
import { createChainedAuditLog } from './chained-audit-log.js'
import type { AuditRecord } from './record.js'
import { auditRecord } from './testing/audit-record.js'
import { verifyAuditLog } from './verify-audit-log.js'

const scratch = mkdtempSync(join(tmpdir(), 'warden-checkpoint-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0
const CLAIMS = { seq: 3, file: 'audit-20261204-001.jsonl', hash: 'a'.repeat(64), time: '2026-12-04T12:00:00.000Z' }

function record(id: string): AuditRecord {
  return auditRecord(id, { target: undefined, identity: null })
}

/** A log of `count` entries, one file per `perFile` entries, and a checkpoint of its head. */
async function checkpointedLog(count: number, maxFileBytes = 1_000_000): Promise<{ dir: string; head: { seq: number; hash: string; file: string } }> {
  const dir = join(scratch, `case-${(counter += 1)}`)
  const log = createChainedAuditLog({ dir, maxFileBytes, clock: { now: () => Date.parse('2026-12-04T12:00:00Z') } })
  for (let i = 1; i <= count; i += 1) await log.append(record(`r${i}`))
  const head = log.head()
  await log.close()
  if (head === undefined) throw new Error('expected a head')
  const key = await checkpointSigningKey(generateCheckpointJwk())
  await appendCheckpoint(dir, await key.sign({ ...head, time: '2026-12-04T12:01:00.000Z' }))
  return { dir, head }
}

/** Rewrites the whole log from entry `from` on, as a user with write access could: re-chained, every hash valid. */
function rewriteFrom(dir: string, from: number, change: (entry: Record<string, unknown>) => Record<string, unknown>): void {
  let prev = GENESIS_HASH
  for (const name of readdirSync(dir).filter((n) => n.startsWith('audit-')).sort()) {
    const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown> & { seq: number })
    const out = lines.map((line) => {
      const { seq, prev: _p, hash: _h, ...entry } = line
      const chained = chainLine((seq >= from ? change(entry) : entry) as never, seq, prev)
      prev = chained.hash
      return chained.line
    })
    writeFileSync(join(dir, name), `${out.join('\n')}\n`)
  }
}

describe('signed checkpoints', () => {
  it('signs the claims with EdDSA; the key id is the RFC 7638 thumbprint of the public key it travels with', async () => {
    const key = await checkpointSigningKey(generateCheckpointJwk())
    const signed = await key.sign(CLAIMS)
    expect(signed.key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid })
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: signed.key.x as string }))
    expect(decodeProtectedHeader(signed.jws)).toEqual({ alg: 'EdDSA', typ: 'mcp-warden-checkpoint', kid: key.kid })
    expect(await verifyCheckpoint(signed)).toEqual({ kid: key.kid, claims: CLAIMS })
    expect(peekCheckpoint(signed)).toEqual(CLAIMS)
  })

  it('refuses an edited payload, another key, a kid that is not the thumbprint, and a private key', async () => {
    const key = await checkpointSigningKey(generateCheckpointJwk())
    const other = await checkpointSigningKey(generateCheckpointJwk())
    const signed = await key.sign(CLAIMS)
    const [header, , signature] = signed.jws.split('.')
    const edited = `${header}.${Buffer.from(JSON.stringify({ ...CLAIMS, seq: 2 })).toString('base64url')}.${signature}`
    await expect(verifyCheckpoint({ ...signed, jws: edited })).rejects.toThrow('signature verification failed')
    await expect(verifyCheckpoint({ ...signed, key: other.publicJwk })).rejects.toThrow('the checkpoint header does not name this key')
    await expect(verifyCheckpoint({ ...signed, key: { ...signed.key, kid: other.kid } })).rejects.toThrow('the key id is not the thumbprint of the key')
    await expect(verifyCheckpoint({ ...signed, key: { ...signed.key, d: 'x' } })).rejects.toThrow('not a checkpoint')
    await expect(checkpointSigningKey({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' })).rejects.toThrow(TypeError)
  })

  it('keeps the file 0600 and reads complete lines from an offset, with each line\'s end', async () => {
    const dir = mkdtempSync(join(scratch, 'file-'))
    const key = await checkpointSigningKey(generateCheckpointJwk())
    await appendCheckpoint(dir, await key.sign(CLAIMS))
    await appendCheckpoint(dir, await key.sign({ ...CLAIMS, seq: 4 }))
    expect(statSync(join(dir, CHECKPOINTS_FILE)).mode & 0o777).toBe(0o600)
    const all = await readCheckpoints(dir)
    expect(all.lines.map((line) => [line.line, peekCheckpoint(line.checkpoint as never)?.seq])).toEqual([[1, 3], [2, 4]])
    const rest = await readCheckpoints(dir, all.lines[0]?.end)
    expect(rest.lines.map((line) => [line.start, line.end])).toEqual([[all.lines[0]?.end, all.lines[1]?.end]])
    expect(rest.nextOffset).toBe(all.nextOffset)
    // A line being written is left for later; a replaced, shorter file is read from its start.
    writeFileSync(join(dir, CHECKPOINTS_FILE), `${readFileSync(join(dir, CHECKPOINTS_FILE), 'utf8')}{"jws":`)
    expect((await readCheckpoints(dir)).nextOffset).toBe(all.nextOffset)
    expect((await readCheckpoints(dir, 1e9)).lines).toHaveLength(2)
    expect(await readCheckpoints(join(dir, 'none'))).toEqual({ lines: [], nextOffset: 0 })
  })
})

describe('verifyAuditLog against checkpoints', () => {
  it('passes an intact log and says how many checkpoints it checked, by which key', async () => {
    const { dir } = await checkpointedLog(5)
    const report = await verifyAuditLog(dir)
    expect(report).toMatchObject({ ok: true, lastSeq: 5, checkpoints: { checked: 1, beforeRetention: 0, kids: [expect.any(String)], latest: { seq: 5, time: '2026-12-04T12:01:00.000Z' } } })
  })

  it('detects a log rewritten after the checkpoint, every hash re-made so the chain alone is intact', async () => {
    const { dir } = await checkpointedLog(5)
    rewriteFrom(dir, 3, (entry) => ({ ...entry, decision: 'deny' }))
    const report = await verifyAuditLog(dir)
    expect(report.ok).toBe(false)
    expect(report.problem).toEqual({
      kind: 'rewritten',
      file: CHECKPOINTS_FILE,
      line: 1,
      message: 'checkpoints.jsonl line 1: entry 5 does not have the hash that the checkpoint signed at 2026-12-04T12:01:00.000Z for entry 5 (audit-20261204-001.jsonl) states: the log was rewritten after this checkpoint',
    })
  })

  it('detects entries cut from the end after the checkpoint', async () => {
    const { dir, head } = await checkpointedLog(5)
    const path = join(dir, head.file)
    writeFileSync(path, `${readFileSync(path, 'utf8').trim().split('\n').slice(0, 3).join('\n')}\n`)
    const report = await verifyAuditLog(dir)
    expect(report.problem?.kind).toBe('cut')
    expect(report.problem?.message).toBe('checkpoints.jsonl line 1: the log ends at entry 3, before the checkpoint signed at 2026-12-04T12:01:00.000Z for entry 5 (audit-20261204-001.jsonl): entries were removed after this checkpoint')
  })

  it('detects an edited checkpoint', async () => {
    const { dir } = await checkpointedLog(2)
    const path = join(dir, CHECKPOINTS_FILE)
    const line = JSON.parse(readFileSync(path, 'utf8')) as { jws: string; key: object }
    const [header, , signature] = line.jws.split('.')
    writeFileSync(path, `${JSON.stringify({ ...line, jws: `${header}.${Buffer.from('{"seq":1,"file":"f","hash":"h","time":"t"}').toString('base64url')}.${signature}` })}\n`)
    expect((await verifyAuditLog(dir)).problem?.kind).toBe('bad-checkpoint')
  })

  it('counts a checkpoint of entries retention deleted without failing', async () => {
    const { dir } = await checkpointedLog(1, 300)
    const log = createChainedAuditLog({ dir, maxFileBytes: 300, maxFiles: 1, clock: { now: () => Date.parse('2026-12-04T12:00:00Z') } })
    await log.append(record('later-1'))
    await log.append(record('later-2'))
    await log.close()
    expect(await verifyAuditLog(dir)).toMatchObject({ ok: true, firstSeq: 3, checkpoints: { checked: 0, beforeRetention: 1 } })
  })
})
