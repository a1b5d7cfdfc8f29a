/**
 * desktop/src/agent/audit/audit-spool.ts — outcome records a proxy could not hand to the agent, kept on disk until
 * the agent takes them into the log.
 *
 * Why only outcome (`result`) records: a call's decision record must be in the log before the call is forwarded,
 * so when the agent is unreachable a new call is denied (fail closed). But a call that was already forwarded has
 * happened; its outcome must not be lost because the agent died meanwhile. The proxy writes it here (one file per
 * proxy process, 0600, one `write` + fsync per record) and the agent appends it to the chained log later, after
 * which it writes a `spool-ingested` event naming the file and the count.
 *
 * Delivery is at least once: the agent deletes a spool file only after its records are synced into the log, so a
 * crash in between takes them in twice (their `id` is the same). A spool file is claimed by renaming it first, so
 * a proxy that spools again meanwhile starts a new file instead of writing into one being taken in.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditRecord, ChainedAuditLog } from '@mcp-warden/core'
import { auditRecordSchema } from '../protocol/schemas.js'

const SPOOL_FILE = /^spool-[\w.-]+\.jsonl$/
const CLAIMED_SUFFIX = '.ingesting'

/**
 * Appends `record` to `dir/name` durably (the directory is created 0700, the file 0600). Throws as the file system does.
 *
 * @example
 * spoolAuditRecord(defaultAuditSpoolDir(env, process.platform), `spool-${process.pid}.jsonl`, record)
 */
export function spoolAuditRecord(dir: string, name: string, record: AuditRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const fd = openSync(join(dir, name), 'a', 0o600)
  try {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8')
    let offset = 0
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export interface SpoolIngestResult {
  readonly files: number
  readonly records: number
  /** Lines that were not audit records (a proxy killed mid-write leaves a torn last line); counted in the event. */
  readonly skipped: number
}

function parseSpool(text: string): { records: AuditRecord[]; skipped: number } {
  const records: AuditRecord[] = []
  let skipped = 0
  for (const line of text.split('\n')) {
    if (line === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      skipped += 1
      continue
    }
    const parsed = auditRecordSchema.safeParse(value)
    if (parsed.success && parsed.data.kind === 'result') records.push(parsed.data)
    else skipped += 1
  }
  return { records, skipped }
}

/**
 * Takes every spool file of `dir` into `log`: its records, then a `spool-ingested` event, then deletes it.
 * A missing `dir` is an empty spool. Rejects when the log cannot be written (the file stays for the next time).
 *
 * @example
 * const { records } = await ingestAuditSpool(spoolDir, log)
 */
export async function ingestAuditSpool(dir: string, log: ChainedAuditLog, now: () => number = Date.now): Promise<SpoolIngestResult> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0, records: 0, skipped: 0 }
    throw error
  }
  let files = 0
  let records = 0
  let skipped = 0
  for (const name of names.sort()) {
    const claimed = name.endsWith(CLAIMED_SUFFIX) ? name : `${name}${CLAIMED_SUFFIX}`
    if (!SPOOL_FILE.test(claimed.slice(0, -CLAIMED_SUFFIX.length))) continue
    if (claimed !== name) {
      try {
        await rename(join(dir, name), join(dir, claimed))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue // another ingest took it
        throw error
      }
    }
    const spooled = parseSpool(await readFile(join(dir, claimed), 'utf8'))
    await Promise.all(spooled.records.map((record) => log.append(record)))
    const file = claimed.slice(0, -CLAIMED_SUFFIX.length)
    await log.append({ kind: 'log', event: 'spool-ingested', time: new Date(now()).toISOString(), file, records: spooled.records.length, skipped: spooled.skipped })
    await unlink(join(dir, claimed))
    files += 1
    records += spooled.records.length
    skipped += spooled.skipped
  }
  return { files, records, skipped }
}
