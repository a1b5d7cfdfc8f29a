/**
 * shared/src/audit/checkpoint-file.ts — the local copy of the signed checkpoints: `checkpoints.jsonl` in the audit
 * directory, one `{ jws, key }` object per line, 0600, each line fsync'ed before it counts. The agent appends;
 * `audit verify` checks the log against it, and the shipper sends its new lines to the collector.
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { SignedCheckpoint } from './audit-checkpoint.js'

/** The name of the checkpoint file in the audit directory. */
export const CHECKPOINTS_FILE = 'checkpoints.jsonl'

/** One line of the file: the checkpoint, or `undefined` when the line is not one. */
export interface CheckpointLine {
  /** 1-based line number (see `readCheckpoints`). */
  readonly line: number
  /** Byte offset of the line in the file. */
  readonly start: number
  /** Byte offset just after the line's newline (where the next read starts once this line is done). */
  readonly end: number
  readonly checkpoint: SignedCheckpoint | undefined
}

function parse(text: string): SignedCheckpoint | undefined {
  try {
    const value = JSON.parse(text) as Partial<SignedCheckpoint> | null
    return typeof value?.jws === 'string' && typeof value.key === 'object' && value.key !== null ? { jws: value.jws, key: value.key } : undefined
  } catch {
    return undefined
  }
}

/**
 * Appends one checkpoint and syncs it. Rejects as the file system does.
 *
 * @example
 * await appendCheckpoint(auditDir, await key.sign(claims))
 */
export async function appendCheckpoint(dir: string, checkpoint: SignedCheckpoint): Promise<void> {
  const handle = await open(join(dir, CHECKPOINTS_FILE), constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY, 0o600)
  try {
    await handle.write(`${JSON.stringify({ jws: checkpoint.jws, key: checkpoint.key })}\n`)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/**
 * The complete lines from byte `offset` on (a line being written is left for later), and the offset after them;
 * only the bytes after `offset` are read. No file: no lines. A file shorter than `offset` (replaced) is read from
 * its start. Line numbers are the file's when reading from 0, and counted from `offset` otherwise.
 *
 * @example
 * const { lines, nextOffset } = await readCheckpoints(auditDir, cursor.checkpointOffset)
 */
export async function readCheckpoints(dir: string, offset = 0): Promise<{ lines: CheckpointLine[]; nextOffset: number }> {
  let handle
  try {
    handle = await open(join(dir, CHECKPOINTS_FILE), 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], nextOffset: 0 }
    throw error
  }
  let bytes: Buffer
  let start: number
  try {
    const { size } = await handle.stat()
    start = size < offset ? 0 : offset
    bytes = Buffer.alloc(size - start)
    if (bytes.length > 0) await handle.read(bytes, 0, bytes.length, start)
  } finally {
    await handle.close()
  }
  const end = bytes.lastIndexOf(0x0a) + 1
  const lines: CheckpointLine[] = []
  for (let at = 0; at < end; ) {
    const newline = bytes.indexOf(0x0a, at)
    lines.push({ line: lines.length + 1, start: start + at, end: start + newline + 1, checkpoint: parse(bytes.subarray(at, newline).toString('utf8')) })
    at = newline + 1
  }
  return { lines, nextOffset: start + end }
}
