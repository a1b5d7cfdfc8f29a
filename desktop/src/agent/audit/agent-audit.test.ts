import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyAuditLog, type AuditLogEvent, type AuditRecord } from '@mcp-warden/core'
import { createAgentAudit } from './agent-audit.js'
import { spoolAuditRecord } from './audit-spool.js'

const scratch = mkdtempSync(join(tmpdir(), 'warden-agent-audit-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0

function record(id: string, kind: AuditRecord['kind'] = 'result'): AuditRecord {
  return {
    id,
    time: '2026-12-04T12:00:00.000Z',
    kind,
    direction: 'to-client',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    identity: null,
    decision: 'allow',
    reasons: [],
    findings: [],
    modifications: [],
    outcome: 'ok',
    latencyMs: 1,
  }
}

function setup() {
  const base = join(scratch, `case-${(counter += 1)}`)
  const at = { ms: 0 }
  const clock = { now: () => Date.parse('2026-12-04T12:00:00Z') + at.ms, monotonic: () => at.ms }
  const events: AuditLogEvent[] = []
  const errors: unknown[] = []
  const audit = createAgentAudit(
    { dir: join(base, 'audit'), spoolDir: join(base, 'spool'), spoolCheckMs: 5000, onEvent: (event) => events.push(event) },
    { clock, onError: (error) => errors.push(error) },
  )
  return { base, at, audit, events, errors, spool: (id: string) => spoolAuditRecord(join(base, 'spool'), 'spool-1.jsonl', record(id)) }
}

describe('createAgentAudit', () => {
  it('takes in the spool at start, and while records arrive at most every spoolCheckMs', async () => {
    const { base, at, audit, events, errors, spool } = setup()
    spool('early')
    await audit.start()
    expect(events).toMatchObject([{ event: 'spool-ingested', records: 1 }])

    spool('late')
    at.ms = 4999
    await audit.append(record('a', 'decision'))
    await audit.append(record('b', 'decision'))
    expect(readdirSync(join(base, 'spool'))).toEqual(['spool-1.jsonl']) // not looked at yet
    at.ms = 5000
    await audit.append(record('c', 'decision'))
    await audit.close()
    expect(readdirSync(join(base, 'spool'))).toEqual([])
    expect(events).toMatchObject([{ records: 1 }, { records: 1 }])
    expect(errors).toEqual([])
    expect(await verifyAuditLog(join(base, 'audit'))).toMatchObject({ ok: true, entries: 7 }) // 2 spooled + 2 events + 3
  })

  it('reports a log it cannot open through onError and keeps rejecting appends, without throwing from start', async () => {
    const { base, audit, errors } = setup()
    mkdirSync(base, { recursive: true })
    writeFileSync(join(base, 'audit'), '')
    await audit.start()
    expect(errors).toMatchObject([{ code: 'ERR_AUDIT_UNAVAILABLE' }])
    await expect(audit.append(record('a', 'decision'))).rejects.toMatchObject({ code: 'ERR_AUDIT_UNAVAILABLE' })
    await audit.close()
  })
})
