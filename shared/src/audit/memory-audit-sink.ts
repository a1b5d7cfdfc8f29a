/**
 * shared/src/audit/memory-audit-sink.ts — an audit sink that keeps records in an array, for tests and the demo.
 */
import { WardenError } from '../errors.js'
import type { AuditRecord, AuditSink } from './record.js'

/** An {@link AuditSink} whose records can be read back. */
export interface MemoryAuditSink extends AuditSink {
  /** Every appended record, in order. */
  readonly records: AuditRecord[]
  close(): Promise<void>
}

/**
 * Creates an {@link AuditSink} that keeps every record in `records`. Like the file sink, it refuses records
 * after `close()`, so a test notices a pipeline that writes after shutting down.
 *
 * @example
 * const audit = createMemoryAuditSink()
 * await pipeline.process(context)
 * expect(audit.records.at(-1)?.decision).toBe('deny')
 */
export function createMemoryAuditSink(): MemoryAuditSink {
  const records: AuditRecord[] = []
  let closed = false
  return {
    records,
    append(record: AuditRecord): void {
      if (closed) {
        throw new WardenError('ERR_AUDIT_UNAVAILABLE', 'Cannot write the audit log in memory: this sink was closed. Open a new one.')
      }
      records.push(record)
    },
    async close(): Promise<void> {
      closed = true
    },
  }
}
