/**
 * desktop/src/installers/undo-store.ts — what Warden keeps to undo a config change, in its state directory
 * (owner-only files: an entry's `env` can hold API keys): per client and config path, the file as it was before the
 * first install (restored byte for byte while nobody else changed it) and, per server entry, the original entry.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { ClientId } from './client-config.js'
import { sha256 } from './config-file.js'

const keptEntrySchema = z.object({
  /** The entry before Warden, as a value and as the exact source text in the file. */
  original: z.unknown(),
  originalSource: z.string(),
  /** The entry as Warden wrote it: an entry that no longer matches was edited by hand. */
  written: z.unknown(),
})

const undoRecordSchema = z.object({
  version: z.literal(1),
  client: z.string(),
  configPath: z.string(),
  /** The whole file before the first install (base64) and the hash of what Warden last wrote. */
  file: z.object({ original: z.string(), writtenSha256: z.string() }).optional(),
  /** Keyed by `entryKey` (scope + server name). */
  entries: z.record(z.string(), keptEntrySchema),
})

export type KeptEntry = z.output<typeof keptEntrySchema>
export type UndoRecord = z.output<typeof undoRecordSchema>

/** The key of one entry: the server name, prefixed by its project for project-scoped entries. */
export function entryKey(name: string, scope: string | undefined): string {
  return scope === undefined ? name : `${scope}\u0000${name}`
}

function recordPath(stateDir: string, client: ClientId, configPath: string): string {
  return join(stateDir, 'installers', `${client}-${sha256(configPath).slice(0, 16)}.json`)
}

/** The record for this client and config path; an unreadable or foreign record counts as none. */
export async function loadUndoRecord(stateDir: string, client: ClientId, configPath: string): Promise<UndoRecord | undefined> {
  let text: string
  try {
    text = await readFile(recordPath(stateDir, client, configPath), 'utf8')
  } catch {
    return undefined
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = undoRecordSchema.safeParse(raw)
  return parsed.success && parsed.data.client === client && parsed.data.configPath === configPath ? parsed.data : undefined
}

/** Writes (or, with no entries and no file, removes) the record, atomically and owner-only. */
export async function saveUndoRecord(stateDir: string, record: UndoRecord): Promise<void> {
  const path = recordPath(stateDir, record.client as ClientId, record.configPath)
  if (record.file === undefined && Object.keys(record.entries).length === 0) {
    await rm(path, { force: true })
    return
  }
  const dir = join(stateDir, 'installers')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
  await rename(temporary, path)
}

/** Where backups of configs go. */
export function backupDir(stateDir: string): string {
  return join(stateDir, 'installers', 'backups')
}
