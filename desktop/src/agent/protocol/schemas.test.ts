import type { AuditRecord } from '@mcp-warden/core'
import { describe, expect, it } from 'vitest'
import { auditRecordSchema } from './schemas.js'

const record = (findings: unknown): unknown =>
  ({ id: 'r1', time: '2026-12-04T12:00:00.000Z', kind: 'decision', direction: 'to-server', server: 'fs', sessionId: 's', method: 'tools/call', identity: null, decision: 'allow', reasons: [], findings, modifications: [], outcome: 'forwarded', latencyMs: 1 }) satisfies Partial<Record<keyof AuditRecord, unknown>>

describe('auditRecordSchema', () => {
  it('takes findings with and without the keyed hash of their value', () => {
    const findings = [{ type: 'EMAIL', path: '/to', action: 'redact', hash: 'AAAAAAAAAAAAAAAAAAAAAA' }, { type: 'EMAIL', path: '/cc', action: 'redact' }]
    expect(auditRecordSchema.parse(record(findings)).findings).toEqual(findings)
  })

  it('refuses a finding hash that is not 16 bytes of base64url (a value in its place, for one)', () => {
    expect(auditRecordSchema.safeParse(record([{ type: 'EMAIL', path: '/to', action: 'redact', hash: 'ada@example.org' }])).success).toBe(false)
    expect(auditRecordSchema.safeParse(record([{ type: 'EMAIL', path: '/to', action: 'redact', value: 'ada@example.org' }])).success).toBe(false)
  })
})
