/**
 * desktop/src/agent/shipping/ship-cursor.ts — how far the audit log was shipped: the file, the byte offset after
 * the last acknowledged line, and that line's seq and hash. A 0600 JSON file beside the audit directory, replaced
 * atomically (write, fsync, rename) after each acknowledged batch, so the log itself is the durable queue.
 */
import { open, readFile, rename } from 'node:fs/promises'

export interface ShipCursor {
  /** The audit file being read, `audit-YYYYMMDD-NNN.jsonl`. */
  readonly file: string
  /** Bytes of `file` already acknowledged by the collector. */
  readonly offset: number
  /** `seq` and `hash` of the last acknowledged entry (0 and '' before the first). */
  readonly seq: number
  readonly hash: string
  /** Bytes of the checkpoint file (`checkpoints.jsonl`) already acknowledged; 0 when absent (older cursors). */
  readonly checkpointOffset?: number | undefined
}

/**
 * Reads the cursor; `undefined` when there is none yet (ship from the start). A cursor file that is not one is
 * reported, not silently reset: re-shipping everything is safe (ids de-duplicate) but should be seen.
 *
 * @example
 * const cursor = await readShipCursor('/home/alice/.local/state/mcp-warden/audit-ship.json')
 */
export async function readShipCursor(path: string): Promise<ShipCursor | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const value = JSON.parse(text) as Partial<ShipCursor>
  if (typeof value.file !== 'string' || typeof value.offset !== 'number' || typeof value.seq !== 'number' || typeof value.hash !== 'string') {
    throw new TypeError(`The audit shipping cursor ${path} is not a cursor. Delete it to ship the log again from the start.`)
  }
  if (value.checkpointOffset !== undefined && typeof value.checkpointOffset !== 'number') {
    throw new TypeError(`The audit shipping cursor ${path} is not a cursor. Delete it to ship the log again from the start.`)
  }
  return { file: value.file, offset: value.offset, seq: value.seq, hash: value.hash, checkpointOffset: value.checkpointOffset ?? 0 }
}

/**
 * Replaces the cursor atomically: a temporary file, fsync'ed, renamed over the old one.
 *
 * @example
 * await writeShipCursor(path, { file: 'audit-20261204-001.jsonl', offset: 4096, seq: 12, hash: 'ab…' })
 */
export async function writeShipCursor(path: string, cursor: ShipCursor): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(`${JSON.stringify(cursor)}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, path)
}
