/**
 * shared/src/audit/testing/audit-record.ts — a complete, plausible audit record for the audit tests (excluded
 * from the build). Each test names only what it needs different.
 */
import type { AuditRecord } from '../record.js'

/**
 * @example auditRecord('a', { identity: null })
 */
export function auditRecord(id: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    time: '2026-12-04T12:30:00.000Z',
    kind: 'decision',
    direction: 'to-server',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    target: 'read_file',
    identity: { issuer: 'https://idp.example.com', subject: 'alice' },
    decision: 'allow',
    reasons: [],
    findings: [],
    modifications: [],
    outcome: 'forwarded',
    latencyMs: 2,
    ...overrides,
  }
}
