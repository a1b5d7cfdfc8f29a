/**
 * shared/src/audit/index.ts — the audit record and where records go.
 */
export { createFileAuditSink, type FileAuditSinkOptions } from './file-audit-sink.js'
export { createMemoryAuditSink, type MemoryAuditSink } from './memory-audit-sink.js'
export type { AuditFinding, AuditIdentity, AuditRecord, AuditSink } from './record.js'
