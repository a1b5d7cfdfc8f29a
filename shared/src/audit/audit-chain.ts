/**
 * shared/src/audit/audit-chain.ts — the hash chain of the audit log: what a line holds and how its hash is computed.
 *
 * A line of the log is one JSON object: the entry (an audit record or a log event) plus three members:
 *  - `seq`: 1 for the first entry ever written, then +1 per entry, across files;
 *  - `prev`: the `hash` of the entry before it (for `seq` 1: {@link GENESIS_HASH}, 64 zeros);
 *  - `hash`: SHA-256, lowercase hex, of the UTF-8 bytes of {@link canonicalJson} of the line without `hash`
 *    (that is, the entry with `seq` and `prev`).
 * Editing, removing or reordering an entry therefore breaks the hash of that line or the `prev`/`seq` of the next.
 */
import { createHash } from 'node:crypto'
import type { AuditRecord } from './record.js'
import { canonicalJson } from '../canonical-json.js'

/** `prev` of the first entry of a log. */
export const GENESIS_HASH = '0'.repeat(64)

/** What the log itself says: a torn line found at start-up, spooled records taken in. Never a value of a call. */
export type AuditLogEvent =
  | {
      readonly kind: 'log'
      readonly event: 'torn-line'
      readonly time: string
      /** The file whose last line was cut short (a crash while writing it), its line number and its length. */
      readonly file: string
      readonly line: number
      readonly bytes: number
    }
  | {
      readonly kind: 'log'
      readonly event: 'spool-ingested'
      readonly time: string
      /** The spool file a proxy wrote while the agent was unreachable, how many records it held, and how many
       * lines were not records (a proxy killed mid-write). */
      readonly file: string
      readonly records: number
      readonly skipped: number
    }

/** One entry of the log: a record of a call, or an event of the log. */
export type AuditLogEntry = AuditRecord | AuditLogEvent

/** A line as read back: the entry with its place in the chain. */
export type ChainedLine = AuditLogEntry & { readonly seq: number; readonly prev: string; readonly hash: string }

/**
 * The hash of a line: SHA-256 hex over the canonical JSON of the entry with `seq` and `prev`.
 *
 * @example
 * const hash = chainHash(record, 1, GENESIS_HASH)
 */
export function chainHash(entry: object, seq: number, prev: string): string {
  const { hash: _ignored, ...rest } = entry as { hash?: unknown }
  return createHash('sha256').update(canonicalJson({ ...rest, seq, prev }), 'utf8').digest('hex')
}

/**
 * Chains one entry after `prev`: the JSON line to write (no newline) and its hash.
 *
 * @example
 * const { line, hash } = chainLine(record, seq + 1, lastHash)
 */
export function chainLine(entry: AuditLogEntry, seq: number, prev: string): { line: string; hash: string } {
  const hash = chainHash(entry, seq, prev)
  return { line: JSON.stringify({ ...entry, seq, prev, hash }), hash }
}
