import { describe, expect, it } from 'vitest'
import { isWardenError } from '../errors.js'
import { createMemoryAuditSink } from './memory-audit-sink.js'
import type { AuditRecord } from './record.js'

const record = (id: string): AuditRecord => ({
  id,
  time: '2026-11-24T12:30:00.000Z',
  kind: 'decision',
  direction: 'to-server',
  server: 'fs',
  sessionId: 's1',
  method: 'ping',
  identity: null,
  decision: 'allow',
  reasons: [],
  findings: [],
  modifications: [],
  outcome: 'forwarded',
  latencyMs: 0,
})

describe('createMemoryAuditSink', () => {
  it('keeps records in the order they were appended', () => {
    const sink = createMemoryAuditSink()
    sink.append(record('a'))
    sink.append(record('b'))
    expect(sink.records.map((r) => r.id)).toEqual(['a', 'b'])
  })

  it('gives each sink its own records', () => {
    const first = createMemoryAuditSink()
    first.append(record('a'))
    expect(createMemoryAuditSink().records).toEqual([])
  })

  it('refuses records after close, like the file sink', async () => {
    const sink = createMemoryAuditSink()
    sink.append(record('a'))
    await sink.close()
    let error: unknown
    try {
      sink.append(record('late'))
    } catch (caught) {
      error = caught
    }
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toBe('Cannot write the audit log in memory: this sink was closed. Open a new one.')
    expect(sink.records).toHaveLength(1)
  })
})
