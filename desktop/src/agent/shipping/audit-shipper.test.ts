import { randomUUID } from 'node:crypto'
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  appendCheckpoint,
  checkpointSigningKey,
  CHECKPOINTS_FILE,
  createChainedAuditLog,
  generateCheckpointJwk,
  listAuditFiles,
  peekCheckpoint,
  readAuditFile,
  readCheckpoints,
  verifyCheckpoint,
  type AuditLogEntry,
  type SignedCheckpoint,
} from '@mcp-warden/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditShipper, type AuditShipFormat } from './audit-shipper.js'
import { writeShipCursor } from './ship-cursor.js'

type Mode = 'up' | '503' | 'reset'

interface Collector {
  readonly url: string
  readonly bodies: Array<{ authorization: string | undefined; body: any }>
  mode: Mode
  attempts: number
  /** Resolves once `predicate` holds after some POST (accepted or not). */
  until(predicate: () => boolean): Promise<void>
  close(): Promise<void>
}

async function startCollector(): Promise<Collector> {
  const waiters: Array<{ predicate: () => boolean; resolve: () => void }> = []
  const collector: Collector = {
    url: '',
    bodies: [],
    mode: 'up',
    attempts: 0,
    until(predicate) {
      if (predicate()) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ predicate, resolve }))
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  const notify = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate()) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
  const server: Server = createServer((request, response) => {
    collector.attempts += 1
    if (collector.mode === 'reset') {
      request.socket.destroy()
      notify()
      return
    }
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (collector.mode === '503') {
        response.writeHead(503).end()
        notify()
        return
      }
      collector.bodies.push({ authorization: request.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      response.writeHead(200).end()
      notify()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  Object.assign(collector, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit` })
  return collector
}

function record(index: number): AuditLogEntry {
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 11, 4, 12, 0, index)).toISOString(),
    kind: 'decision',
    direction: 'to-server',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    target: 'write_file',
    requestId: index,
    identity: { issuer: 'https://idp.example.com', subject: 'alice-sub', email: 'alice@example.com' },
    decision: index % 3 === 0 ? 'deny' : 'allow',
    reasons: [],
    findings: [],
    modifications: [],
    outcome: index % 3 === 0 ? 'denied' : 'forwarded',
    latencyMs: 0.1,
  } as AuditLogEntry
}

let dir: string
let collector: Collector
const closers: Array<() => Promise<void>> = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-ship-'))
  collector = await startCollector()
})
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  await collector.close()
  await rm(dir, { recursive: true, force: true })
})

async function writeRecords(count: number, from = 1): Promise<string[]> {
  // Small files, so batches cross file boundaries.
  const log = createChainedAuditLog({ dir: join(dir, 'audit'), maxFileBytes: 4096 })
  const ids: string[] = []
  for (let index = from; index < from + count; index += 1) {
    const entry = record(index)
    ids.push((entry as { id: string }).id)
    await log.append(entry)
  }
  await log.close()
  return ids
}

function shipper(format: AuditShipFormat = 'warden', errors: unknown[] = []) {
  const shipper = createAuditShipper({
    dir: join(dir, 'audit'),
    cursorFile: join(dir, 'audit-ship.json'),
    url: collector.url,
    format,
    token: async () => 'token-for-audit',
    agent: { 'service.instance.id': 'install-1', version: '0.0.0-test' },
    maxLines: 7,
    backoff: { initialMs: 5, maxMs: 40 },
    pollMs: 10,
    onError: (error) => errors.push(error),
  })
  closers.push(() => shipper.close())
  return shipper
}

const shippedRecords = () => collector.bodies.flatMap(({ body }) => body.records as Array<{ id: string; seq: number; hash: string; prev: string }>)
const uniqueIds = () => new Set(shippedRecords().map((entry) => entry.id))

describe('createAuditShipper', () => {
  it('ships every record in order, with ids and the chain, the head and the bearer token', async () => {
    const ids = await writeRecords(40)
    shipper().start()
    await collector.until(() => uniqueIds().size === 40)
    const records = shippedRecords()
    expect(records.map((entry) => entry.id)).toEqual(ids)
    expect(records.map((entry) => entry.seq)).toEqual(ids.map((_, index) => index + 1))
    for (let index = 1; index < records.length; index += 1) expect(records[index]?.prev).toBe(records[index - 1]?.hash)
    for (const { authorization, body } of collector.bodies) {
      expect(authorization).toBe('Bearer token-for-audit')
      expect(body.records.length).toBeLessThanOrEqual(7)
      expect(body.head).toEqual({ seq: body.records.at(-1).seq, hash: body.records.at(-1).hash })
      expect(body.agent).toEqual({ 'service.instance.id': 'install-1', version: '0.0.0-test' })
    }
    expect((await stat(join(dir, 'audit-ship.json'))).mode & 0o777).toBe(0o600)
  })

  it('loses and skips nothing while the collector is down (503, then connections reset), then catches up', async () => {
    collector.mode = '503'
    const ids = await writeRecords(30)
    const errors: unknown[] = []
    shipper('warden', errors).start()
    await collector.until(() => collector.attempts >= 3)
    collector.mode = 'reset'
    const attempts = collector.attempts
    await collector.until(() => collector.attempts >= attempts + 3)
    expect(collector.bodies).toEqual([])
    expect(errors.length).toBeGreaterThanOrEqual(5)
    expect(String(errors[0])).toContain('HTTP 503')
    expect(errors.map(String).join('\n')).not.toContain('token-for-audit')
    collector.mode = 'up'
    await collector.until(() => uniqueIds().size === 30)
    const deduplicated = [...new Map(shippedRecords().map((entry) => [entry.id, entry])).values()]
    expect(deduplicated.map((entry) => entry.id)).toEqual(ids)
  })

  it('resumes after a restart from the cursor, sending only what the collector has not acknowledged', async () => {
    const first = await writeRecords(10)
    const one = shipper()
    one.start()
    await collector.until(() => uniqueIds().size === 10)
    await one.close()
    const second = await writeRecords(12, 11)
    const before = collector.bodies.length
    shipper().start()
    await collector.until(() => uniqueIds().size === 22)
    const again = collector.bodies.slice(before).flatMap(({ body }) => body.records as Array<{ id: string; seq: number }>)
    // The first batch (1–7) was acknowledged before the second was read; the second (8–10) may have been in flight
    // when the shipper closed, so it is sent again (at least once). Nothing acknowledged earlier is.
    const start = again[0]?.seq ?? 0
    expect(start === 8 || start === 11).toBe(true)
    expect(again.map((entry) => entry.id)).toEqual([...first, ...second].slice(start - 1))
  })

  it('goes on with the next file when the cursor file was deleted (retention), not from the middle of another', async () => {
    const ids = await writeRecords(12)
    await writeShipCursor(join(dir, 'audit-ship.json'), { file: 'audit-20000101-999.jsonl', offset: 123, seq: 0, hash: '' })
    shipper().start()
    await collector.until(() => uniqueIds().size === 12)
    expect(shippedRecords().map((entry) => entry.id)).toEqual(ids)
  })

  it('sends OTLP/HTTP JSON logs with the record id, seq, hash, decision, server, tool and user as attributes', async () => {
    await writeRecords(3)
    shipper('otlp').start()
    const logRecords = () => collector.bodies.flatMap(({ body }) => body.resourceLogs[0].scopeLogs[0].logRecords)
    await collector.until(() => logRecords().length >= 3)
    const [resourceLog] = collector.bodies[0]?.body.resourceLogs
    const resource = Object.fromEntries(resourceLog.resource.attributes.map((a: any) => [a.key, a.value.stringValue]))
    expect(resource).toMatchObject({ 'service.name': 'mcp-warden-agent', 'service.instance.id': 'install-1', 'mcp_warden.head.seq': '3' })
    const third = logRecords()[2]
    const attributes = Object.fromEntries(third.attributes.map((a: any) => [a.key, a.value.stringValue ?? a.value.intValue]))
    const body = JSON.parse(third.body.stringValue)
    expect(third.timeUnixNano).toBe(String(Date.UTC(2026, 11, 4, 12, 0, 3) * 1_000_000))
    expect(third.severityText).toBe('WARN')
    expect(attributes).toMatchObject({ 'mcp_warden.record.id': body.id, 'mcp_warden.seq': '3', 'mcp_warden.hash': body.hash, 'mcp_warden.decision': 'deny', 'mcp_warden.server': 'fs', 'mcp_warden.tool': 'write_file', 'enduser.id': 'alice-sub' })
  })

  it('sends each checkpoint once the entry it names was sent, on its own when no entry waits, and a line that is not one never', async () => {
    const key = await checkpointSigningKey(generateCheckpointJwk())
    const auditDir = join(dir, 'audit')
    await writeRecords(10)
    const hashOf = async (seq: number) => (await readAuditFileEntries(auditDir)).find((entry) => entry.seq === seq)?.hash ?? ''
    const head = async (seq: number) => key.sign({ seq, file: 'audit-x.jsonl', hash: await hashOf(seq), time: '2026-12-04T12:00:00.000Z' })
    await appendCheckpoint(auditDir, await head(3))
    await appendFile(join(auditDir, CHECKPOINTS_FILE), 'not a checkpoint\n')
    await appendCheckpoint(auditDir, await head(10))
    // A checkpoint of an entry not in the log yet (as the agent never writes one): held back until it is.
    await appendCheckpoint(auditDir, await key.sign({ seq: 11, file: 'audit-x.jsonl', hash: 'h', time: '2026-12-04T12:00:01.000Z' }))
    const errors: unknown[] = []
    shipper('warden', errors).start()
    const checkpointSeqs = () => collector.bodies.flatMap(({ body }) => (body.checkpoints as SignedCheckpoint[]).map((c) => peekCheckpoint(c)?.seq))
    await collector.until(() => checkpointSeqs().includes(10))
    const seen = new Set<number>()
    for (const { body } of collector.bodies) {
      for (const entry of body.records as Array<{ seq: number }>) seen.add(entry.seq)
      for (const checkpoint of body.checkpoints as SignedCheckpoint[]) expect(seen.has((await verifyCheckpoint(checkpoint)).claims.seq)).toBe(true)
    }
    expect(checkpointSeqs()).toEqual([3, 10])
    expect(errors.map(String)).toContain('Error: checkpoints.jsonl at byte ' + (await readCheckpoints(auditDir)).lines[1]?.start + ' is not a checkpoint; it is not shipped (run `mcp-warden audit verify`).')
    // Entry 11 arrives: its checkpoint follows in the next batch.
    await writeRecords(1, 11)
    await collector.until(() => checkpointSeqs().includes(11))
    expect(checkpointSeqs()).toEqual([3, 10, 11])
  })

  it('sends a checkpoint in OTLP as a log record of its own, the JWS and key in the body', async () => {
    const key = await checkpointSigningKey(generateCheckpointJwk())
    await writeRecords(2)
    const entries = await readAuditFileEntries(join(dir, 'audit'))
    const signed = await key.sign({ seq: 2, file: 'audit-x.jsonl', hash: entries[1]?.hash ?? '', time: '2026-12-04T12:00:00.000Z' })
    await appendCheckpoint(join(dir, 'audit'), signed)
    shipper('otlp').start()
    const logRecords = () => collector.bodies.flatMap(({ body }) => body.resourceLogs[0].scopeLogs[0].logRecords)
    await collector.until(() => logRecords().length >= 3)
    const checkpoint = logRecords()[2]
    expect(JSON.parse(checkpoint.body.stringValue)).toEqual(signed)
    const attributes = Object.fromEntries(checkpoint.attributes.map((a: any) => [a.key, a.value.stringValue ?? a.value.intValue]))
    expect(attributes).toEqual({ 'mcp_warden.event': 'checkpoint', 'mcp_warden.seq': '2', 'mcp_warden.hash': entries[1]?.hash, 'mcp_warden.checkpoint.kid': key.kid })
  })
})

/** Every entry of the log in `auditDir`, in order. */
async function readAuditFileEntries(auditDir: string): Promise<Array<{ seq: number; hash: string }>> {
  const entries: Array<{ seq: number; hash: string }> = []
  for (const file of await listAuditFiles(auditDir)) entries.push(...(await readAuditFile(auditDir, file.name)).entries)
  return entries
}
