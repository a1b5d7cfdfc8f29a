/**
 * shared/src/audit/chain-tail.ts — where the chain of a log directory ends: the last complete entry's `seq` and
 * `hash`, and whether the newest file ends in a torn line (a crash while it was being written).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { WardenError } from '../errors.js'
import { GENESIS_HASH } from './audit-chain.js'
import type { AuditFileName } from './audit-files.js'

export interface ChainTail {
  readonly seq: number
  readonly hash: string
  /** The file that holds the last complete entry; undefined for an empty log. */
  readonly file: string | undefined
  /** The newest file and its size, when there is one. */
  readonly newest: { readonly file: AuditFileName; readonly size: number } | undefined
  /** Set when the newest file with content ends without a newline: its last line was cut short. */
  readonly torn: { readonly file: string; readonly line: number; readonly bytes: number } | undefined
}

/** The last entry of `text`, which holds only complete lines. */
function lastEntry(text: string, file: string): { seq: number; hash: string } | undefined {
  if (text === '') return undefined
  const lines = text.slice(0, -1).split('\n')
  const last = lines[lines.length - 1] as string
  let parsed: { seq?: unknown; hash?: unknown }
  try {
    parsed = JSON.parse(last) as typeof parsed
  } catch {
    parsed = {}
  }
  if (!Number.isSafeInteger(parsed.seq) || typeof parsed.hash !== 'string') {
    const message = `The audit log cannot continue its chain: line ${lines.length} of ${file} is not a chained entry. Run \`mcp-warden audit verify\` to see what changed.`
    throw new WardenError('ERR_AUDIT_UNAVAILABLE', message)
  }
  return { seq: parsed.seq as number, hash: parsed.hash }
}

/**
 * Reads the newest files of `dir` (going back past empty ones) to find where the chain ends.
 *
 * @example
 * const tail = await readChainTail(dir, await listAuditFiles(dir))
 */
export async function readChainTail(dir: string, files: readonly AuditFileName[]): Promise<ChainTail> {
  let torn: ChainTail['torn']
  let newest: ChainTail['newest']
  for (let i = files.length - 1; i >= 0; i -= 1) {
    const file = files[i] as AuditFileName
    const bytes = await readFile(join(dir, file.name))
    const end = bytes.lastIndexOf(0x0a) + 1
    const text = bytes.subarray(0, end).toString('utf8')
    newest ??= { file, size: bytes.length }
    if (end < bytes.length && torn === undefined) {
      torn = { file: file.name, line: text.split('\n').length, bytes: bytes.length - end }
    }
    const last = lastEntry(text, file.name)
    if (last !== undefined) return { ...last, file: file.name, newest, torn }
  }
  return { seq: 0, hash: GENESIS_HASH, file: undefined, newest, torn }
}
