import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createChainedAuditLog, verifyAuditLog, WardenError, type AuditRecord } from '@mcp-warden/core'
import { ingestAuditSpool } from '../audit/audit-spool.js'
import type { AgentClient } from './agent-client.js'
import { createRemoteAuditSink } from './remote-stores.js'

const scratch = mkdtempSync(join(tmpdir(), 'warden-spool-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0
const fresh = (name: string) => join(scratch, `case-${(counter += 1)}`, name)

function record(id: string, kind: AuditRecord['kind']): AuditRecord {
  return {
    id,
    time: '2026-12-04T12:00:00.000Z',
    kind,
    direction: kind === 'decision' ? 'to-server' : 'to-client',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    target: 'read_file',
    requestId: 1,
    identity: null,
    decision: 'allow',
    reasons: [],
    findings: [],
    modifications: [],
    outcome: kind === 'decision' ? 'forwarded' : 'ok',
    latencyMs: 1,
  }
}

/** An agent client whose appendAudit fails with `failure` (unit test of the sink alone). */
function failingClient(failure: Error): AgentClient {
  return { appendAudit: async () => Promise.reject(failure) } as unknown as AgentClient
}

const unreachable = new WardenError('ERR_AGENT_UNAVAILABLE', 'The MCP Warden agent went away during audit.append.')

describe('createRemoteAuditSink with a spool', () => {
  it('keeps the outcome record of a forwarded call in a 0600 spool file when the agent is unreachable', async () => {
    const spoolDir = fresh('spool')
    const sink = createRemoteAuditSink(failingClient(unreachable), { spoolDir })
    await sink.append(record('res-1', 'result'))
    await sink.append(record('res-2', 'result'))
    const [file, ...others] = readdirSync(spoolDir)
    expect(others).toEqual([])
    expect(file).toMatch(new RegExp(`^spool-${process.pid}-[0-9a-f-]+\\.jsonl$`))
    expect(statSync(spoolDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(spoolDir, file as string)).mode & 0o777).toBe(0o600)
    const lines = readFileSync(join(spoolDir, file as string), 'utf8').trim().split('\n')
    expect(lines.map((line) => (JSON.parse(line) as AuditRecord).id)).toEqual(['res-1', 'res-2'])
  })

  it('still rejects a decision record: a new call fails closed', async () => {
    const spoolDir = fresh('spool')
    const sink = createRemoteAuditSink(failingClient(unreachable), { spoolDir })
    await expect(sink.append(record('dec-1', 'decision'))).rejects.toBe(unreachable)
  })

  it('rejects an outcome record the agent refused for another reason (its disk is full)', async () => {
    const full = new WardenError('ERR_AUDIT_UNAVAILABLE', 'Cannot write the audit log at /x: the disk is full (ENOSPC).')
    const sink = createRemoteAuditSink(failingClient(full), { spoolDir: fresh('spool') })
    await expect(sink.append(record('res-1', 'result'))).rejects.toBe(full)
  })

  it('says so when the spool cannot be written either', async () => {
    const blocker = fresh('blocker')
    mkdirSync(dirname(blocker), { recursive: true })
    writeFileSync(blocker, '')
    const spoolDir = join(blocker, 'spool')
    const sink = createRemoteAuditSink(failingClient(unreachable), { spoolDir })
    await expect(sink.append(record('res-1', 'result'))).rejects.toMatchObject({
      code: 'ERR_AUDIT_UNAVAILABLE',
      message: `MCP Warden could not hand an outcome record to its agent (The MCP Warden agent went away during audit.append.) nor keep it in ${spoolDir}. Check that directory is writable.`,
    })
  })

  it('rejects a spoolDir that is not a non-empty string', () => {
    expect(() => createRemoteAuditSink(failingClient(unreachable), { spoolDir: '' })).toThrow(new TypeError('createRemoteAuditSink: options.spoolDir must be a non-empty string'))
  })
})

describe('ingestAuditSpool', () => {
  it('chains spooled records into the log with a spool-ingested event, skips a torn line, and deletes the file', async () => {
    const spoolDir = fresh('spool')
    const sink = createRemoteAuditSink(failingClient(unreachable), { spoolDir })
    await sink.append(record('res-1', 'result'))
    await sink.append(record('res-2', 'result'))
    const [file] = readdirSync(spoolDir) as [string]
    appendFileSync(join(spoolDir, file), '{"id":"res-3","ki')

    const auditDir = fresh('audit')
    const log = createChainedAuditLog({ dir: auditDir })
    await log.append(record('before', 'decision'))
    expect(await ingestAuditSpool(spoolDir, log, () => Date.parse('2026-12-04T13:00:00Z'))).toEqual({ files: 1, records: 2, skipped: 1 })
    await log.close()

    expect(readdirSync(spoolDir)).toEqual([])
    const [logFile] = readdirSync(auditDir) as [string]
    const entries = readFileSync(join(auditDir, logFile), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.map((e) => e['id'] ?? e['event'])).toEqual(['before', 'res-1', 'res-2', 'spool-ingested'])
    expect(entries[3]).toMatchObject({ kind: 'log', event: 'spool-ingested', time: '2026-12-04T13:00:00.000Z', file, records: 2, skipped: 1 })
    expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, entries: 4 })
  })

  it('treats a missing spool directory as empty', async () => {
    const log = createChainedAuditLog({ dir: fresh('audit') })
    expect(await ingestAuditSpool(fresh('none'), log)).toEqual({ files: 0, records: 0, skipped: 0 })
    await log.close()
  })
})
