/**
 * shared/src/audit/file-audit-sink.ts — audit records appended to a local JSON Lines file.
 *
 * Why one `write()` per record on an `O_APPEND` descriptor: POSIX (`write(2)`, XSH 2.9.7 "Thread Interactions with
 * Regular File Operations") makes setting the offset to the end and writing one step, and Linux (ext4, xfs, btrfs,
 * tmpfs: the inode lock is held for the whole write) and macOS (APFS, HFS+) do not interleave the bytes of two
 * writes to a regular file. So several proxies, each with its own sink on the same file, never tear a line.
 * Limits of that guarantee:
 *  - only for one complete write: a short write (disk full, a signal, Linux's cap of 0x7ffff000 bytes per call)
 *    is finished with a second write, and another writer's line may land between the two. Records are a few KB,
 *    far below any size where a regular-file write is split, so in practice this happens only when the disk fills;
 *  - not on network file systems: `open(2)` warns that O_APPEND "may lead to corrupted files on NFS" when several
 *    clients append at once (SMB/CIFS likewise); keep the log on a local disk;
 *  - Windows appends are not documented as atomic across processes.
 * The per-user agent will become the single audit writer (hash chain, fsync); until then this is the guarantee.
 *
 * Writes are synchronous on purpose: when `append` returns, the record is in the kernel, before the message
 * it describes is forwarded. It is not yet on disk (no fsync): a power cut can lose the last records.
 */
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, writeSync, constants } from 'node:fs'
import { dirname } from 'node:path'
import { WardenError } from '../errors.js'
import { auditUnavailable as unavailable } from './audit-errors.js'
import type { AuditRecord, AuditSink } from './record.js'

/** Options of {@link createFileAuditSink}. */
export interface FileAuditSinkOptions {
  /** Permission bits of the file; default 0o600 (records hold who called what). An existing file is narrowed to them. */
  readonly mode?: number | undefined
}

const DEFAULT_MODE = 0o600
const APPEND_FLAGS = constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY

/** Opens for appending (creating the file, and its directory with 0700); narrows the mode of an existing file. */
function openForAppend(path: string, mode: number): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const fd = openSync(path, APPEND_FLAGS, mode)
  try {
    // Only a regular file is narrowed: a device such as /dev/stderr is not ours to change.
    const stat = fstatSync(fd)
    if (stat.isFile() && (stat.mode & 0o777 & ~mode) !== 0) fchmodSync(fd, mode)
    return fd
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/** Writes all of `bytes`; more than one write only after a short write (see the file comment). */
function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
}

/**
 * Creates an {@link AuditSink} that appends each record as one JSON line to `path`. The file is opened now, so a
 * bad path fails at start-up; `append` and the factory throw `ERR_AUDIT_UNAVAILABLE` when the log cannot be written.
 *
 * @example
 * const sink = createFileAuditSink(join(homedir(), '.mcp-warden', 'audit.jsonl'))
 * sink.append(record) // the line is in the kernel when this returns
 * await sink.close?.()
 */
export function createFileAuditSink(path: string, options: FileAuditSinkOptions = {}): AuditSink {
  if (typeof path !== 'string' || path === '') throw new TypeError('createFileAuditSink: path must be a non-empty string')
  if (typeof options !== 'object' || options === null) throw new TypeError('createFileAuditSink: options must be an object')
  const mode = options.mode ?? DEFAULT_MODE
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new TypeError('createFileAuditSink: options.mode must be permission bits between 0 and 0o777')
  }
  let fd: number | undefined
  try {
    fd = openForAppend(path, mode)
  } catch (error) {
    throw unavailable(path, error)
  }

  return {
    append(record: AuditRecord): void {
      if (fd === undefined) {
        const message = `Cannot write the audit log at ${path}: this sink was closed. Open a new one.`
        throw new WardenError('ERR_AUDIT_UNAVAILABLE', message)
      }
      const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8')
      try {
        writeAll(fd, line)
      } catch (error) {
        throw unavailable(path, error)
      }
    },
    async close(): Promise<void> {
      if (fd === undefined) return
      const closing = fd
      fd = undefined
      try {
        closeSync(closing) // on NFS a delayed write error can surface here
      } catch (error) {
        throw unavailable(path, error)
      }
    },
  }
}
