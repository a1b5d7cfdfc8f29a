/**
 * shared/src/audit/verify-audit-log.ts — checks the hash chain of a log directory, file by file and line by line.
 *
 * What it finds: an edited entry (its hash does not match its content), a removed entry or file (a gap in `seq`),
 * entries in another order (a `seq` that comes later in the file appears early), an entry whose `prev` is not the
 * hash before it (an entry inserted or rewritten with a new hash), a line that is not a chained entry, and a torn
 * line (cut short by a crash). A torn line is not tampering when it is the end of the newest file (the writer
 * crashed and has not reopened the log yet) or when the next file starts with the `torn-line` event naming it.
 * Retention deletes the oldest files: the first kept entry's `prev` is then taken as given, and the report says
 * where the kept chain starts (`firstSeq` > 1), so an anchor kept elsewhere can be compared with it.
 * Not detectable by a chain alone: removing the newest entries, or rewriting the whole chain from some entry on.
 * The signed checkpoints in `checkpoints.jsonl` (audit-checkpoint.ts) are such anchors: once the chain is intact,
 * each checkpoint's signature is checked, and the entry it names must be in the log with the hash it states
 * (`rewritten` otherwise) unless retention deleted it; a checkpoint past the log's end means entries were cut.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chainHash, GENESIS_HASH } from './audit-chain.js'
import { peekCheckpoint, verifyCheckpoint } from './audit-checkpoint.js'
import { listAuditFiles } from './audit-files.js'
import { CHECKPOINTS_FILE, readCheckpoints, type CheckpointLine } from './checkpoint-file.js'

export type AuditProblemKind = 'edited' | 'missing' | 'reordered' | 'broken-link' | 'malformed' | 'torn' | 'rewritten' | 'cut' | 'bad-checkpoint'

/** What the checkpoints said: how many were checked against the log, how many name entries retention deleted, by which keys. */
export interface CheckpointReport {
  readonly checked: number
  readonly beforeRetention: number
  /** `kid`s of the keys that signed them, in order of first use. */
  readonly kids: readonly string[]
  /** The newest checkpoint checked: its entry and time. */
  readonly latest?: { readonly seq: number; readonly time: string } | undefined
}

export interface AuditProblem {
  readonly kind: AuditProblemKind
  readonly file: string
  /** 1-based line number in `file`. */
  readonly line: number
  readonly message: string
}

export interface AuditVerifyReport {
  readonly ok: boolean
  readonly files: number
  /** Entries checked (complete lines up to the first problem). */
  readonly entries: number
  /** `seq` of the first kept entry (> 1 after retention deleted older files); 0 for an empty log. */
  readonly firstSeq: number
  readonly lastSeq: number
  readonly lastHash: string
  /** Torn lines that are not tampering (see the file comment). */
  readonly torn: readonly { readonly file: string; readonly line: number; readonly bytes: number }[]
  /** The first problem found; verification stops there. */
  readonly problem?: AuditProblem | undefined
  /** Set once the chain is intact: the checkpoints checked (none when there is no checkpoint file). */
  readonly checkpoints?: CheckpointReport | undefined
}

interface Parsed {
  readonly seq: number
  readonly prev: string
  readonly hash: string
  readonly entry: Record<string, unknown>
}

function parse(line: string): Parsed | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const entry = value as Record<string, unknown>
  const { seq, prev, hash } = entry
  if (!Number.isSafeInteger(seq) || typeof prev !== 'string' || typeof hash !== 'string') return undefined
  return { seq: seq as number, prev, hash, entry }
}

/**
 * Verifies the audit log in `dir`. Rejects only when `dir` cannot be read.
 *
 * @example
 * const report = await verifyAuditLog('/home/alice/.local/state/mcp-warden/audit')
 * if (!report.ok) console.error(report.problem?.message) // "audit-20261204-001.jsonl line 17: edited …"
 */
export async function verifyAuditLog(dir: string): Promise<AuditVerifyReport> {
  const files = await listAuditFiles(dir)
  const checkpointLines = (await readCheckpoints(dir)).lines
  // The hashes the log holds at the entries checkpoints name.
  const wanted = new Set(checkpointLines.map((line) => (line.checkpoint === undefined ? undefined : peekCheckpoint(line.checkpoint)?.seq)))
  const hashesAt = new Map<number, string>()
  const torn: { file: string; line: number; bytes: number }[] = []
  let entries = 0
  let firstSeq = 0
  let lastSeq = 0
  let lastHash = GENESIS_HASH
  let pendingTorn: { file: string; line: number; bytes: number } | undefined
  const report = (problem?: AuditProblem): AuditVerifyReport => ({
    ok: problem === undefined,
    files: files.length,
    entries,
    firstSeq,
    lastSeq,
    lastHash,
    torn,
    problem,
  })

  for (const file of files) {
    const bytes = await readFile(join(dir, file.name))
    const end = bytes.lastIndexOf(0x0a) + 1
    const lines = end === 0 ? [] : bytes.subarray(0, end - 1).toString('utf8').split('\n')
    const parsed = lines.map(parse)
    for (let i = 0; i < lines.length; i += 1) {
      const at = (kind: AuditProblemKind, what: string): AuditVerifyReport =>
        report({ kind, file: file.name, line: i + 1, message: `${file.name} line ${i + 1}: ${what}` })
      const line = parsed[i]
      if (line === undefined) return at('malformed', 'malformed: not a chained audit entry (edited, or written by something else)')
      if (pendingTorn !== undefined) {
        const event = line.entry
        if (i !== 0 || event['event'] !== 'torn-line' || event['file'] !== pendingTorn.file || event['line'] !== pendingTorn.line) {
          return report({ kind: 'torn', ...pendingTorn, message: `${pendingTorn.file} line ${pendingTorn.line}: torn (cut short) and not followed by the torn-line event of the writer: the file was cut or edited` })
        }
        torn.push(pendingTorn)
        pendingTorn = undefined
      }
      if (chainHash(line.entry, line.seq, line.prev) !== line.hash) return at('edited', 'edited: the entry does not match its hash')
      if (entries === 0) {
        firstSeq = line.seq
        if (line.seq === 1 && line.prev !== GENESIS_HASH) return at('broken-link', 'broken link: the first entry does not start the chain')
      } else if (line.seq !== lastSeq + 1) {
        const expected = lastSeq + 1
        const later = parsed.slice(i + 1).some((other) => other?.seq === expected)
        if (later || line.seq <= lastSeq) return at('reordered', `reordered: entry ${line.seq} where entry ${expected} belongs`)
        const count = line.seq - expected
        return at('missing', `missing: ${count === 1 ? `entry ${expected} was` : `entries ${expected} to ${line.seq - 1} were`} removed before this line`)
      } else if (line.prev !== lastHash) {
        return at('broken-link', `broken link: the entry does not follow the hash of entry ${lastSeq} (an entry was replaced)`)
      }
      entries += 1
      lastSeq = line.seq
      lastHash = line.hash
      if (wanted.has(line.seq)) hashesAt.set(line.seq, line.hash)
    }
    if (end < bytes.length) {
      // A file holding only a torn line (the crash hit the first write after a rotation) passes the earlier one on.
      if (pendingTorn !== undefined) torn.push(pendingTorn)
      pendingTorn = { file: file.name, line: lines.length + 1, bytes: bytes.length - end }
    }
  }
  if (pendingTorn !== undefined) torn.push(pendingTorn)
  const chain = report()
  const checked = await checkCheckpoints(checkpointLines, chain, hashesAt)
  return { ...chain, ok: checked.problem === undefined, problem: checked.problem, checkpoints: checked.report }
}

/** Checks each checkpoint against the intact chain; stops at the first problem. */
async function checkCheckpoints(
  lines: readonly CheckpointLine[],
  chain: AuditVerifyReport,
  hashesAt: ReadonlyMap<number, string>,
): Promise<{ report: CheckpointReport; problem?: AuditProblem }> {
  const kids: string[] = []
  let checked = 0
  let beforeRetention = 0
  let latest: CheckpointReport['latest']
  const result = (problem?: AuditProblem): { report: CheckpointReport; problem?: AuditProblem } => ({ report: { checked, beforeRetention, kids, latest }, ...(problem === undefined ? {} : { problem }) })
  for (const { line, checkpoint } of lines) {
    const at = (kind: AuditProblemKind, what: string): { report: CheckpointReport; problem: AuditProblem } =>
      result({ kind, file: CHECKPOINTS_FILE, line, message: `${CHECKPOINTS_FILE} line ${line}: ${what}` }) as { report: CheckpointReport; problem: AuditProblem }
    if (checkpoint === undefined) return at('bad-checkpoint', 'not a checkpoint (edited, or written by something else)')
    let verified
    try {
      verified = await verifyCheckpoint(checkpoint)
    } catch (error) {
      return at('bad-checkpoint', `the signature does not verify (${(error as Error).message}): the checkpoint was edited`)
    }
    const { claims, kid } = verified
    if (!kids.includes(kid)) kids.push(kid)
    const signed = `the checkpoint signed at ${claims.time} for entry ${claims.seq} (${claims.file})`
    if (chain.entries === 0 || claims.seq < chain.firstSeq) {
      if (chain.entries > 0 && chain.firstSeq > 1) {
        beforeRetention += 1
        continue
      }
      if (chain.entries > 0) return at('rewritten', `${signed} names an entry the log does not have: the log was rewritten after this checkpoint`)
    }
    if (claims.seq > chain.lastSeq) {
      return at('cut', `the log ends at entry ${chain.lastSeq}, before ${signed}: entries were removed after this checkpoint`)
    }
    if (hashesAt.get(claims.seq) !== claims.hash) {
      return at('rewritten', `entry ${claims.seq} does not have the hash that ${signed} states: the log was rewritten after this checkpoint`)
    }
    checked += 1
    if (latest === undefined || claims.seq >= latest.seq) latest = { seq: claims.seq, time: claims.time }
  }
  return result()
}
