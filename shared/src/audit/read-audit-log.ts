/**
 * shared/src/audit/read-audit-log.ts — reads entries back from a log directory, for views such as `audit tail`.
 * It does not verify (see verify-audit-log.ts); lines that are not chained entries and a torn last line are skipped.
 */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { ChainedLine } from './audit-chain.js'

export interface AuditFileChunk {
  readonly entries: readonly ChainedLine[]
  /** Where the next read of the file starts: after the last complete line. */
  readonly nextOffset: number
}

function isChained(value: unknown): value is ChainedLine {
  const line = value as { seq?: unknown; hash?: unknown } | null
  return typeof line === 'object' && line !== null && Number.isSafeInteger(line.seq) && typeof line.hash === 'string'
}

/**
 * The complete lines of `dir/name` from byte `offset` on, parsed.
 *
 * @example
 * let { entries, nextOffset } = await readAuditFile(dir, 'audit-20261204-001.jsonl')
 * ;({ entries, nextOffset } = await readAuditFile(dir, 'audit-20261204-001.jsonl', nextOffset)) // what came since
 */
export async function readAuditFile(dir: string, name: string, offset = 0): Promise<AuditFileChunk> {
  const handle = await open(join(dir, name), 'r')
  try {
    const { size } = await handle.stat()
    if (size <= offset) return { entries: [], nextOffset: offset }
    const bytes = Buffer.alloc(size - offset)
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset)
    const end = bytes.subarray(0, bytesRead).lastIndexOf(0x0a) + 1
    const entries: ChainedLine[] = []
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (line === '') continue
      try {
        const value: unknown = JSON.parse(line)
        if (isChained(value)) entries.push(value)
      } catch {
        // Not an entry: `audit verify` reports it.
      }
    }
    return { entries, nextOffset: offset + end }
  } finally {
    await handle.close()
  }
}
