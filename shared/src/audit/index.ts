/**
 * shared/src/audit/index.ts — the audit record and where records go.
 */
export { chainHash, GENESIS_HASH, type AuditLogEntry, type AuditLogEvent, type ChainedLine } from './audit-chain.js'
export { listAuditFiles, type AuditFileName } from './audit-files.js'
export { createChainedAuditLog, type ChainedAuditLog, type ChainedAuditLogOptions } from './chained-audit-log.js'
export { createFileAuditSink, type FileAuditSinkOptions } from './file-audit-sink.js'
export { createMemoryAuditSink, type MemoryAuditSink } from './memory-audit-sink.js'
export { readAuditFile, type AuditFileChunk } from './read-audit-log.js'
export type { AuditFinding, AuditIdentity, AuditRecord, AuditSink } from './record.js'
export { verifyAuditLog, type AuditProblem, type AuditProblemKind, type AuditVerifyReport } from './verify-audit-log.js'
