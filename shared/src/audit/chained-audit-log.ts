/**
 * shared/src/audit/chained-audit-log.ts — the agent's audit log: one writer, a hash chain (audit-chain.ts), group
 * commit with fsync, rotation by size and by UTC day, retention by file count and total size.
 *
 * Durability: `append` resolves only once its line was written and `fdatasync`ed, so a decision record is on disk
 * before the call it allows is forwarded. Appends that arrive while a sync is running are written and synced
 * together by the next one (group commit): one fsync per batch, not per record.
 * Failure: a batch that cannot be written rejects all its appends with `ERR_AUDIT_UNAVAILABLE` (read-only or full
 * disk, permissions); whatever part of it reached the file is cut off before the next batch, and the chain goes on
 * from the last synced entry, so a failure never leaves a hole or a torn line behind.
 * Retention: with `shippedBefore`, a file that is not shipped yet is never deleted, whatever the caps; the log
 * then grows past them and says so through `onWarning` at every rotation until the files are shipped.
 * Crash: a line cut short by a crash (the process killed mid-write, a power cut) is found when the log is next
 * opened; the log then starts a new file whose first entry is a `torn-line` event naming the file and line.
 */
import { constants } from 'node:fs'
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { WardenError } from '../errors.js'
import { systemClock, type Clock } from '../pipeline/types.js'
import { chainLine, GENESIS_HASH, type AuditLogEntry, type AuditLogEvent } from './audit-chain.js'
import { auditUnavailable } from './audit-errors.js'
import { auditFileName, compareAuditFiles, listAuditFiles, parseAuditFileName, utcDay, type AuditFileName } from './audit-files.js'
import { readChainTail } from './chain-tail.js'
import type { AuditSink } from './record.js'

/** Options of {@link createChainedAuditLog}. */
export interface ChainedAuditLogOptions {
  /** The log's directory (created 0700); files are `audit-YYYYMMDD-NNN.jsonl`, 0600. */
  readonly dir: string
  /** A file is closed and a new one started before it would grow past this. Default 64 MiB. */
  readonly maxFileBytes?: number | undefined
  /** Oldest files are deleted, after a rotation, while more than this many are kept. Default: no limit. */
  readonly maxFiles?: number | undefined
  /** Oldest files are deleted, after a rotation, while all files together are larger. Default: no limit. */
  readonly maxTotalBytes?: number | undefined
  /** At most this many entries per write and sync. Default 1024. */
  readonly maxBatch?: number | undefined
  /** Wall clock for file days and event times. */
  readonly clock?: Pick<Clock, 'now'> | undefined
  /** Told about every event the log writes about itself (a torn line found at open). */
  readonly onEvent?: ((event: AuditLogEvent) => void) | undefined
  /** Told about failures that do not fail an append: deleting old files for retention (retried at the next rotation). */
  readonly onError?: ((error: unknown) => void) | undefined
  /**
   * Where shipping stands, asked at each rotation before anything is deleted: the name of the file the shipper is
   * reading (files before it are shipped), or `undefined` when nothing is shipped yet. Retention deletes only files
   * before it. Without this option (no shipping) every file but the current one may be deleted.
   */
  readonly shippedBefore?: (() => Promise<string | undefined>) | undefined
  /** Told when retention keeps files past its caps because they are not shipped yet. */
  readonly onWarning?: ((message: string) => void) | undefined
}

/** The log: an {@link AuditSink} whose `append` resolves once the entry is on disk. */
export interface ChainedAuditLog extends AuditSink {
  append(entry: AuditLogEntry): Promise<void>
  /** Opens the log now (it is otherwise opened by the first append); rejects with `ERR_AUDIT_UNAVAILABLE`. */
  open(): Promise<void>
  /** Waits for pending appends, then closes the file; later appends reject. */
  close(): Promise<void>
  /** The newest entry on disk (`seq`, `hash` and its file), for checkpoints; undefined before open or while empty. */
  head(): { readonly seq: number; readonly hash: string; readonly file: string } | undefined
}

interface Pending {
  readonly entry: AuditLogEntry
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

interface Current {
  readonly handle: FileHandle
  readonly file: AuditFileName
  /** Bytes known to be synced; anything after them is a failed batch's and is cut off first. */
  size: number
  dirty: boolean
}

const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
const DEFAULT_MAX_BATCH = 1024
const NEW_FILE = constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY
const EXISTING_FILE = constants.O_APPEND | constants.O_WRONLY

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`createChainedAuditLog: options.${name} must be a positive integer`)
  return value
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0
  while (offset < bytes.length) offset += (await handle.write(bytes, offset, bytes.length - offset, null)).bytesWritten
}

/** Makes a new file's directory entry durable too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Creates the chained, durable audit log in `options.dir`. Nothing is touched until `open()` or the first append.
 *
 * @example
 * const log = createChainedAuditLog({ dir: join(stateDir, 'audit'), maxFiles: 90 })
 * await log.append(record) // on disk, chained after the previous entry
 * await log.close()
 */
export function createChainedAuditLog(options: ChainedAuditLogOptions): ChainedAuditLog {
  if (typeof options !== 'object' || options === null) throw new TypeError('createChainedAuditLog: options must be an object')
  const { dir } = options
  if (typeof dir !== 'string' || dir === '') throw new TypeError('createChainedAuditLog: options.dir must be a non-empty string')
  const maxFileBytes = positive('maxFileBytes', options.maxFileBytes, DEFAULT_MAX_FILE_BYTES)
  const maxFiles = positive('maxFiles', options.maxFiles, Number.MAX_SAFE_INTEGER)
  const maxTotalBytes = positive('maxTotalBytes', options.maxTotalBytes, Number.MAX_SAFE_INTEGER)
  const maxBatch = positive('maxBatch', options.maxBatch, DEFAULT_MAX_BATCH)
  const clock = options.clock ?? systemClock

  let current: Current | undefined
  let seq = 0
  let prev = GENESIS_HASH
  let headFile: string | undefined
  const queue: Pending[] = []
  let draining: Promise<void> | undefined
  let opening: Promise<void> | undefined
  let closed = false

  async function startFile(file: AuditFileName): Promise<void> {
    const handle = await open(join(dir, file.name), NEW_FILE, 0o600)
    const previous = current
    current = { handle, file, size: 0, dirty: false }
    await syncDirectory(dir)
    await previous?.handle.close()
  }

  async function nextFile(now: number): Promise<void> {
    const day = utcDay(now)
    const last = current?.file
    // A clock that went back never makes a file sort before the one it follows.
    if (last === undefined || day > last.day) await startFile(auditFileName(day, 1))
    else await startFile(auditFileName(last.day, last.index + 1))
    // Old files that cannot be deleted do not make calls fail: the log grows past its cap until the next rotation.
    await applyRetention().catch((error: unknown) => options.onError?.(auditUnavailable(dir, error)))
  }

  /** How many of `files` (oldest first) are shipped: all without shipping, those before the shipper's file with it. */
  async function shippedCount(files: readonly AuditFileName[]): Promise<number> {
    if (options.shippedBefore === undefined) return files.length
    const reading = await options.shippedBefore()
    const at = reading === undefined ? undefined : parseAuditFileName(reading)
    if (at === undefined) return 0
    const index = files.findIndex((file) => compareAuditFiles(file, at) >= 0)
    return index < 0 ? files.length : index
  }

  async function applyRetention(): Promise<void> {
    const files = await listAuditFiles(dir)
    const sizes = await Promise.all(files.map(async (file) => (await stat(join(dir, file.name))).size))
    let total = sizes.reduce((sum, size) => sum + size, 0)
    const overCaps = (i: number): boolean => files.length - i > maxFiles || total > maxTotalBytes
    if (!overCaps(0)) return
    const shipped = await shippedCount(files)
    let i = 0
    for (; i < files.length - 1 && i < shipped; i += 1) {
      const file = files[i] as AuditFileName
      if (file.name === current?.file.name || !overCaps(i)) return
      await unlink(join(dir, file.name))
      total -= sizes[i] as number
    }
    if (overCaps(i)) {
      const held = files.length - 1 - i
      if (held > 0) {
        options.onWarning?.(
          `The audit log in ${dir} is over its retention cap: ${held} file(s) (${(total / 1048576).toFixed(1)} MiB in all) are kept because they are not shipped to the collector yet; they are deleted once it has them.`,
        )
      }
    }
  }

  async function openLog(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const tail = await readChainTail(dir, await listAuditFiles(dir))
    seq = tail.seq
    prev = tail.hash
    headFile = tail.file
    try {
      if (tail.newest !== undefined) {
        const handle = await open(join(dir, tail.newest.file.name), EXISTING_FILE)
        current = { handle, file: tail.newest.file, size: tail.newest.size, dirty: false }
        if (tail.torn === undefined) return
      }
      // After a torn line nothing more may be appended to its file: the chain goes on in a new one.
      await nextFile(clock.now())
      if (tail.torn !== undefined) {
        const event: AuditLogEvent = { kind: 'log', event: 'torn-line', time: new Date(clock.now()).toISOString(), ...tail.torn }
        await writeBatch([event])
        options.onEvent?.(event)
      }
    } catch (error) {
      const failed = current
      current = undefined
      await failed?.handle.close().catch(() => undefined)
      throw error
    }
  }

  async function ensureOpen(): Promise<Current> {
    if (current === undefined) {
      opening ??= openLog().finally(() => (opening = undefined))
      await opening
    }
    return current as Current
  }

  async function writeBatch(entries: readonly AuditLogEntry[]): Promise<void> {
    let file = await ensureOpen()
    let nextSeq = seq
    let nextPrev = prev
    const lines: string[] = []
    for (const entry of entries) {
      nextSeq += 1
      const chained = chainLine(entry, nextSeq, nextPrev)
      lines.push(chained.line)
      nextPrev = chained.hash
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8')
    const now = clock.now()
    if (!file.dirty && file.size > 0 && (file.size + bytes.length > maxFileBytes || utcDay(now) > file.file.day)) {
      await nextFile(now)
      file = current as Current
    }
    try {
      if (file.dirty) await file.handle.truncate(file.size)
      file.dirty = false
      await writeAll(file.handle, bytes)
      await file.handle.datasync()
    } catch (error) {
      file.dirty = true
      throw error
    }
    file.size += bytes.length
    seq = nextSeq
    prev = nextPrev
    headFile = file.file.name
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch)
      try {
        await writeBatch(batch.map((pending) => pending.entry))
        for (const pending of batch) pending.resolve()
      } catch (error) {
        const failure = error instanceof WardenError ? error : auditUnavailable(dir, error)
        for (const pending of batch) pending.reject(failure)
      }
    }
    draining = undefined
  }

  return {
    append(entry: AuditLogEntry): Promise<void> {
      if (closed) {
        return Promise.reject(new WardenError('ERR_AUDIT_UNAVAILABLE', `Cannot write the audit log at ${dir}: this log was closed. Open a new one.`))
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ entry, resolve, reject })
        draining ??= drain()
      })
    },
    async open(): Promise<void> {
      try {
        await ensureOpen()
      } catch (error) {
        throw error instanceof WardenError ? error : auditUnavailable(dir, error)
      }
    },
    head() {
      return headFile === undefined || seq === 0 ? undefined : { seq, hash: prev, file: headFile }
    },
    async close(): Promise<void> {
      closed = true
      await draining
      await opening?.catch(() => undefined)
      const closing = current
      current = undefined
      await closing?.handle.close()
    },
  }
}
