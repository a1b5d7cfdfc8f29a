/**
 * shared/src/audit/index.ts — the audit record and where records go.
 */
export { chainHash, GENESIS_HASH, type AuditLogEntry, type AuditLogEvent, type ChainedLine } from './audit-chain.js'
export {
  checkpointSigningKey,
  generateCheckpointJwk,
  peekCheckpoint,
  verifyCheckpoint,
  type CheckpointClaims,
  type CheckpointSigningKey,
  type SignedCheckpoint,
} from './audit-checkpoint.js'
export { listAuditFiles, type AuditFileName } from './audit-files.js'
export { appendCheckpoint, CHECKPOINTS_FILE, readCheckpoints, type CheckpointLine } from './checkpoint-file.js'
export { createChainedAuditLog, type ChainedAuditLog, type ChainedAuditLogOptions } from './chained-audit-log.js'
export { createFileAuditSink, type FileAuditSinkOptions } from './file-audit-sink.js'
export { createMemoryAuditSink, type MemoryAuditSink } from './memory-audit-sink.js'
export { readAuditFile, type AuditFileChunk } from './read-audit-log.js'
export type { AuditFinding, AuditIdentity, AuditRecord, AuditSink } from './record.js'
export { verifyAuditLog, type AuditProblem, type AuditProblemKind, type AuditVerifyReport, type CheckpointReport } from './verify-audit-log.js'
