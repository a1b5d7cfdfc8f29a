/**
 * shared/src/audit/audit-errors.ts — why the audit log cannot be written, in plain words.
 */
import { WardenError } from '../errors.js'

/** Plain words for the errors people meet; anything else is shown by its code. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  // mkdir's answer when a part of the directory path exists as a file
  EEXIST: 'a part of the path exists and is not a directory',
  EISDIR: 'the path is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return error instanceof Error ? error.message : 'unknown error'
  const words = REASONS[code]
  return words === undefined ? code : `${words} (${code})`
}

/** `ERR_AUDIT_UNAVAILABLE` for a failure at `path`, in plain words, with what to do next. */
export function auditUnavailable(path: string, error: unknown): WardenError {
  const message = `Cannot write the audit log at ${path}: ${reasonOf(error)}. Check the directory exists and is writable.`
  return new WardenError('ERR_AUDIT_UNAVAILABLE', message, { cause: error })
}

