/**
 * desktop/src/installers/plan-change.ts — install and uninstall as a plan: the new text of the config computed from
 * targeted edits, shown as a unified diff, and applied only if the file is still what was planned (backup first,
 * atomic write, undo record kept in Warden's state directory).
 */
import { isDeepStrictEqual } from 'node:util'
import { WardenError } from '@mcp-warden/core'
import type { ClientId, InstallerContext, PreparedPlan } from './client-config.js'
import { CLIENTS, type ClientDefinition } from './clients/index.js'
import { assertWritable, backUp, readConfigBytes, sha256, writeConfigAtomically } from './config-file.js'
import { formattingOf, replaceRanges, rewriteEntrySource, type TextRange } from './jsonc-text.js'
import { editedSinceInstall, scanConfig, type ScannedConfig, type ScannedEntry } from './scan-config.js'
import { isObject } from './clients/client-definition.js'
import { cannotProtect, deriveOriginal, parseProtected, protect, unprotect, type Entry } from './server-entry.js'
import { unifiedDiff } from './unified-diff.js'
import { backupDir, saveUndoRecord, type KeptEntry, type UndoRecord } from './undo-store.js'

interface Change {
  readonly after: Buffer
  readonly summary: string[]
  /** The undo record once applied. */
  readonly record: UndoRecord
  /** Entries changed (for the closing message). */
  readonly count: number
}

const entryLabel = (item: ScannedEntry): string => (item.scope === undefined ? item.name : `${item.name} (project ${item.scope})`)

interface EntryStep {
  readonly desired: Entry
  /** What to keep for undo; undefined when there is nothing to keep. */
  readonly kept: KeptEntry | undefined
  /** The summary line, when the entry changes. */
  readonly line: string | undefined
}

/** What installing does to one entry that can be protected. */
function installStep(context: InstallerContext, client: ClientDefinition, scan: ScannedConfig, item: ScannedEntry & { entry: Entry }): EntryStep {
  const current = parseProtected(item.entry)
  const desired = protect(item.entry, item.name, client, context.launcher)
  const changed = !isDeepStrictEqual(desired, item.entry)
  if (current === undefined) {
    const originalSource = scan.text.slice(item.range.offset, item.range.offset + item.range.length)
    return { desired, kept: { original: item.entry, originalSource, written: desired }, line: 'launched through mcp-warden proxy' }
  }
  const edited = editedSinceInstall(item)
  if (edited || (item.kept === undefined && changed)) {
    // Edited by hand (or protected without a record): what it stands for now is the new original.
    const template = item.kept !== undefined && isObject(item.kept.original) ? item.kept.original : undefined
    const original = deriveOriginal(item.entry, current, client, template)
    const keptSource = item.kept !== undefined && isDeepStrictEqual(original, item.kept.original) ? item.kept.originalSource : undefined
    const line = edited ? 'edited by hand since it was protected; protected again as it is now' : 'launcher updated'
    return { desired, kept: { original, originalSource: keptSource ?? JSON.stringify(original), written: desired }, line }
  }
  return { desired, kept: item.kept === undefined ? undefined : { ...item.kept, written: desired }, line: changed ? 'launcher updated' : undefined }
}

/** The byte-for-byte undo holds while the file is exactly what Warden wrote, or when nothing in it was protected yet. */
function fileUndo(scan: ScannedConfig, after: Buffer): UndoRecord['file'] {
  const untouchedSinceWrite = scan.record?.file !== undefined && scan.file?.sha256 === scan.record.file.writtenSha256
  const nothingProtectedYet = scan.entries.every((item) => item.entry === undefined || parseProtected(item.entry) === undefined)
  const original = untouchedSinceWrite ? scan.record?.file?.original : nothingProtectedYet ? scan.file?.bytes.toString('base64') : undefined
  return original === undefined ? undefined : { original, writtenSha256: sha256(after) }
}

function planInstall(context: InstallerContext, client: ClientDefinition, scan: ScannedConfig): Change {
  const formatting = formattingOf(scan.text)
  const replacements: (TextRange & { source: string })[] = []
  const summary: string[] = []
  const entries: Record<string, KeptEntry> = {}
  let count = 0
  for (const item of scan.entries) {
    if (item.entry === undefined) continue
    const reason = parseProtected(item.entry) === undefined ? cannotProtect(item.entry, client) : undefined
    if (reason !== undefined) {
      summary.push(`${entryLabel(item)}: ${reason}`)
      continue
    }
    const step = installStep(context, client, scan, { ...item, entry: item.entry })
    if (!isDeepStrictEqual(step.desired, item.entry)) {
      replacements.push({ ...item.range, source: rewriteEntrySource(scan.text, item.range, { current: item.entry, desired: step.desired }, formatting) })
    }
    if (step.kept !== undefined) entries[item.key] = step.kept
    if (step.line === undefined) continue
    summary.push(`${entryLabel(item)}: ${step.line}`)
    count++
  }
  const after = Buffer.from(scan.bom + replaceRanges(scan.text, replacements), 'utf8')
  const file = fileUndo(scan, after)
  const record: UndoRecord = { version: 1, client: client.id, configPath: scan.configPath, ...(file === undefined ? {} : { file }), entries }
  return { after, summary, record, count }
}

function planUninstall(client: ClientDefinition, scan: ScannedConfig): Change {
  const formatting = formattingOf(scan.text)
  const replacements: (TextRange & { source: string })[] = []
  const summary: string[] = []
  let count = 0
  for (const item of scan.entries) {
    if (item.entry === undefined) continue
    const original = unprotect(item.entry, client, item.kept)
    if (original === undefined) continue
    const exact = item.kept !== undefined && isDeepStrictEqual(item.entry, item.kept.written) && isDeepStrictEqual(original, item.kept.original)
    const source = exact ? (item.kept as KeptEntry).originalSource : rewriteEntrySource(scan.text, item.range, { current: item.entry, desired: original }, formatting)
    replacements.push({ ...item.range, source })
    summary.push(`${entryLabel(item)}: launched directly again${exact ? '' : ' (as edited since it was protected)'}`)
    count++
  }
  const record: UndoRecord = { version: 1, client: client.id, configPath: scan.configPath, entries: {} }
  const kept = scan.record?.file
  if (kept !== undefined && count > 0 && scan.file?.sha256 === kept.writtenSha256) {
    return { after: Buffer.from(kept.original, 'base64'), summary: [...summary, 'the file as it was before MCP Warden, byte for byte'], record, count }
  }
  return { after: Buffer.from(scan.bom + replaceRanges(scan.text, replacements), 'utf8'), summary, record, count }
}

/**
 * Plans protecting (or unprotecting) one client's servers. Reading only: nothing changes until `apply()`.
 *
 * @throws WardenError ERR_CLIENT_CONFIG when the config cannot be read or parsed (the message names line and column).
 * @example
 * const prepared = await planChange(context, 'cursor', 'install')
 * console.log(prepared.plan.diff)
 * console.log(await prepared.apply())
 */
export async function planChange(context: InstallerContext, clientId: ClientId, action: 'install' | 'uninstall'): Promise<PreparedPlan> {
  const client = CLIENTS[clientId]
  const scan = await scanConfig(context, client)
  const base = { client: clientId, action, configPath: scan.configPath }
  if (scan.file === undefined) {
    const message = `${client.label}: no config at ${scan.configPath}; nothing to change.`
    return { plan: { ...base, diff: '', summary: [message] }, apply: () => Promise.resolve(message) }
  }
  const planned = scan.file
  const change = action === 'install' ? planInstall(context, client, scan) : planUninstall(client, scan)
  const unchanged = change.after.equals(planned.bytes)
  const diff = unchanged ? '' : unifiedDiff(scan.configPath, scan.bom + scan.text, change.after.toString('utf8'))
  const plan = { ...base, diff, summary: change.summary }
  async function apply(): Promise<string> {
    const now = await readConfigBytes(scan.configPath)
    if (now?.sha256 !== planned.sha256) {
      throw new WardenError('ERR_CLIENT_CONFIG', `${scan.configPath} changed after the plan was made. MCP Warden changed nothing: look at the new plan and apply that.`, {
        details: { reason: 'changed' },
      })
    }
    if (unchanged) {
      // The file stays; only the undo record may move on (entries edited by hand are kept as they are now).
      if (!isDeepStrictEqual(change.record, scan.record)) await saveUndoRecord(context.stateDir, change.record)
      if (action === 'uninstall') return `${client.label}: nothing to restore.`
      return change.count === 0 ? `${client.label}: already protected; nothing to change.` : `${client.label}: ${change.count} server(s) edited by hand are protected as they are now.`
    }
    await assertWritable(scan.configPath)
    const backup = await backUp(planned.bytes, backupDir(context.stateDir), client.id, new Date())
    await writeConfigAtomically(scan.configPath, change.after)
    try {
      await saveUndoRecord(context.stateDir, change.record)
    } catch (cause) {
      throw new WardenError('ERR_CLIENT_CONFIG', `${scan.configPath} was changed, but MCP Warden could not keep its undo record in ${context.stateDir}. The previous file is at ${backup}.`, {
        cause,
        details: { reason: 'unwritable' },
      })
    }
    const servers = `${change.count} server${change.count === 1 ? '' : 's'}`
    return action === 'install'
      ? `${client.label}: protected ${servers} in ${scan.configPath}. ${client.restart} to use the protected servers.`
      : `${client.label}: restored ${servers} in ${scan.configPath}. ${client.restart} so that it starts them directly again.`
  }
  return { plan, apply }
}
