/**
 * desktop/src/app/backend/audit-index.ts — the agent's audit log as the app's viewer reads it: files read once and
 * then only what was appended since (like `mcp-warden audit tail --follow`), records turned into AuditEntry (what
 * the log holds, never values), newest first. Log events (torn lines, spool intake) are not calls and are left out.
 */
import { listAuditFiles, readAuditFile, WardenError, type AuditRecord, type ChainedLine } from '@mcp-warden/core'
import type { AuditEntry } from '../contract/ipc-contract.js'

/** An entry with its place in the chain, for cursors and the "today" window. */
export interface IndexedEntry {
  readonly seq: number
  /** Milliseconds since the epoch. */
  readonly at: number
  readonly entry: AuditEntry
}

export interface AuditIndex {
  /** Every call record in the log, oldest first, after reading what was appended since the last look. */
  entries(): Promise<readonly IndexedEntry[]>
}

interface FileState {
  offset: number
  readonly entries: IndexedEntry[]
}

/** Mapped field by field: only what the viewer may show leaves the log (no session ids, no request ids). */
export function toAuditEntry(record: AuditRecord & { readonly seq: number }): AuditEntry {
  return {
    id: String(record.seq),
    time: record.time,
    kind: record.kind,
    server: record.server,
    method: record.method,
    ...(record.target === undefined ? {} : { target: record.target }),
    user: record.identity === null ? null : (record.identity.email ?? record.identity.subject),
    decision: record.decision,
    ...(record.code === undefined ? {} : { code: record.code }),
    ...(record.stage === undefined ? {} : { stage: record.stage }),
    reasons: [...record.reasons],
    ...(record.policyRevision === undefined ? {} : { policyRevision: record.policyRevision }),
    findings: record.findings.map((finding) => ({ type: finding.type, path: finding.path, action: finding.action })),
    outcome: record.outcome,
    latencyMs: record.latencyMs,
  }
}

function isRecord(line: ChainedLine): line is AuditRecord & { readonly seq: number; readonly prev: string; readonly hash: string } {
  return line.kind === 'decision' || line.kind === 'result'
}

function unreadable(dir: string, error: unknown): WardenError {
  const code = (error as { code?: unknown }).code
  const why = code === 'ENOENT' ? 'it does not exist yet' : String(code ?? (error as Error).message)
  return new WardenError('ERR_AUDIT_UNAVAILABLE', `The audit log at ${dir} cannot be read: ${why}.`, { cause: error })
}

/**
 * @example
 * const index = createAuditIndex(defaultAuditDir(process.env, process.platform))
 * const newest = (await index.entries()).at(-1)
 */
export function createAuditIndex(dir: string): AuditIndex {
  const files = new Map<string, FileState>()
  let reading: Promise<readonly IndexedEntry[]> | undefined

  const read = async (): Promise<readonly IndexedEntry[]> => {
    let listed: readonly { readonly name: string }[]
    try {
      listed = await listAuditFiles(dir)
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return []
      throw unreadable(dir, error)
    }
    const names = new Set(listed.map((file) => file.name))
    // Retention deleted these files: their entries leave the view too.
    for (const name of files.keys()) if (!names.has(name)) files.delete(name)
    for (const { name } of listed) {
      const state = files.get(name) ?? { offset: 0, entries: [] }
      files.set(name, state)
      try {
        const chunk = await readAuditFile(dir, name, state.offset)
        state.offset = chunk.nextOffset
        for (const line of chunk.entries) if (isRecord(line)) state.entries.push({ seq: line.seq, at: Date.parse(line.time), entry: toAuditEntry(line) })
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') files.delete(name)
        else throw unreadable(dir, error)
      }
    }
    return listed.flatMap(({ name }) => files.get(name)?.entries ?? [])
  }

  return {
    // One read at a time: two polls at once must not read the same bytes twice.
    entries() {
      reading ??= read().finally(() => (reading = undefined))
      return reading
    },
  }
}
