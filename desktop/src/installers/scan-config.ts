/**
 * desktop/src/installers/scan-config.ts — one client's config read and taken apart: its bytes, parsed tree, every
 * server entry with where it sits, and Warden's undo record for it.
 */
import type { JSONPath, Node } from 'jsonc-parser'
import { isDeepStrictEqual } from 'node:util'
import type { ConfiguredServer, InstallerContext } from './client-config.js'
import { isObject, type ClientDefinition } from './clients/client-definition.js'
import { readConfigBytes, type ConfigBytes } from './config-file.js'
import { parseConfig, rangeAt, type TextRange } from './jsonc-text.js'
import { cannotProtect, entryKind, parseProtected, type Entry } from './server-entry.js'
import { entryKey, loadUndoRecord, type KeptEntry, type UndoRecord } from './undo-store.js'

export interface ScannedEntry {
  readonly name: string
  readonly scope: string | undefined
  readonly key: string
  readonly path: JSONPath
  /** Where the entry's value sits in `text`. */
  readonly range: TextRange
  /** undefined when the value is not a JSON object. */
  readonly entry: Entry | undefined
  readonly kept: KeptEntry | undefined
}

export interface ScannedConfig {
  readonly configPath: string
  /** undefined when the file does not exist. */
  readonly file: ConfigBytes | undefined
  /** The file's text without a leading byte-order mark, which `bom` holds ('' when none) to be written back. */
  readonly text: string
  readonly bom: string
  readonly tree: Node | undefined
  readonly entries: readonly ScannedEntry[]
  readonly record: UndoRecord | undefined
}

/**
 * Reads and parses the client's config.
 *
 * @throws WardenError ERR_CLIENT_CONFIG when it cannot be read or is not valid JSON (with line and column).
 */
export async function scanConfig(context: InstallerContext, client: ClientDefinition): Promise<ScannedConfig> {
  const configPath = client.configPath(context)
  const [file, record] = await Promise.all([readConfigBytes(configPath), loadUndoRecord(context.stateDir, client.id, configPath)])
  if (file === undefined) return { configPath, file, text: '', bom: '', tree: undefined, entries: [], record }
  const decoded = file.bytes.toString('utf8')
  // Editors on Windows may start the file with a BOM, which JSON parsers reject; it is kept, not parsed.
  const bom = decoded.startsWith('\uFEFF') ? '\uFEFF' : ''
  const text = decoded.slice(bom.length)
  const { root, tree } = parseConfig(text, configPath)
  const entries: ScannedEntry[] = []
  for (const map of client.serverMaps(root)) {
    let servers: unknown = root
    for (const segment of map.path) servers = (servers as Record<string, unknown>)[segment]
    for (const [name, value] of Object.entries(servers as Record<string, unknown>)) {
      const key = entryKey(name, map.scope)
      const path = [...map.path, name]
      const range = rangeAt(tree, path) as TextRange
      entries.push({ name, scope: map.scope, key, path, range, entry: isObject(value) ? value : undefined, kept: record?.entries[key] })
    }
  }
  return { configPath, file, text, bom, tree, entries, record }
}

/** A protected entry whose kept copy no longer matches what Warden wrote: someone edited it. */
export function editedSinceInstall(item: ScannedEntry): boolean {
  return item.entry !== undefined && item.kept !== undefined && parseProtected(item.entry) !== undefined && !isDeepStrictEqual(item.entry, item.kept.written)
}

/** How the app and `mcp-warden clients` show one entry. */
export function describeEntry(item: ScannedEntry, client: ClientDefinition, record: UndoRecord | undefined): ConfiguredServer {
  const scope = item.scope === undefined ? {} : { scope: item.scope }
  if (item.entry === undefined) return { name: item.name, kind: 'stdio', protected: false, drift: false, note: 'is not a JSON object; left unchanged', ...scope }
  const current = parseProtected(item.entry)
  if (current !== undefined) return { name: item.name, kind: current.inner.kind, protected: true, drift: editedSinceInstall(item), ...scope }
  const note = cannotProtect(item.entry, client)
  const kind = entryKind(item.entry, client) === 'remote' ? 'remote' : 'stdio'
  // Unprotected in a file Warden protected before: added or restored by hand since.
  const drift = note === undefined && record !== undefined
  return { name: item.name, kind, protected: false, drift, ...(note === undefined ? {} : { note }), ...scope }
}
