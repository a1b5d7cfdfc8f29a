/**
 * shared/src/audit/audit-files.ts — the files of an audit log directory: `audit-YYYYMMDD-NNN.jsonl`, by UTC day
 * of creation and a number within the day, in the order they were written.
 */
import { readdir } from 'node:fs/promises'

const FILE_NAME = /^audit-(\d{8})-(\d{3,})\.jsonl$/

export interface AuditFileName {
  readonly name: string
  /** UTC day, `YYYYMMDD`. */
  readonly day: string
  readonly index: number
}

/** `YYYYMMDD` of a wall-clock time, in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10).replaceAll('-', '')
}

export function auditFileName(day: string, index: number): AuditFileName {
  return { name: `audit-${day}-${String(index).padStart(3, '0')}.jsonl`, day, index }
}

/** Parses a file name of the log; `undefined` for any other file. */
export function parseAuditFileName(name: string): AuditFileName | undefined {
  const match = FILE_NAME.exec(name)
  if (match === null) return undefined
  return { name, day: match[1] as string, index: Number(match[2]) }
}

/** Orders two files of the log: by day, then by number (numbers may outgrow three digits, so not by name). */
export function compareAuditFiles(a: AuditFileName, b: AuditFileName): number {
  return a.day === b.day ? a.index - b.index : a.day < b.day ? -1 : 1
}

/**
 * The log's files in `dir`, oldest first; other files are ignored. Rejects as `readdir` does (ENOENT, EACCES).
 *
 * @example
 * const files = await listAuditFiles('/home/alice/.local/state/mcp-warden/audit')
 */
export async function listAuditFiles(dir: string): Promise<AuditFileName[]> {
  const names = await readdir(dir)
  return names
    .map(parseAuditFileName)
    .filter((file): file is AuditFileName => file !== undefined)
    .sort(compareAuditFiles)
}
