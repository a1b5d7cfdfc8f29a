/**
 * desktop/src/installers/server-entry.ts — one server entry of a host config: what kind it is, whether it already
 * runs through `mcp-warden proxy`, and the entry that protects it or undoes the protection (pure functions on
 * parsed JSON values; the file edits are elsewhere).
 *
 * A protected entry is recognised by its shape, not by a marker field: its command line holds an `mcp-warden`
 * launcher followed by `proxy`, flags, and `-- COMMAND ARGS…` or `--url URL`. So a second install is a no-op and an
 * uninstall works even when Warden's undo records are gone.
 */
import { isDeepStrictEqual } from 'node:util'
import { isObject, type ClientDefinition } from './clients/client-definition.js'
import type { Launcher } from './client-config.js'

export type Entry = Readonly<Record<string, unknown>>

/** What a protected entry runs behind the proxy. */
export type Inner = { readonly kind: 'stdio'; readonly command: string; readonly args: readonly string[] } | { readonly kind: 'remote'; readonly url: string }

export interface ProtectedEntry {
  readonly launcher: { readonly command: string; readonly args: readonly string[] }
  /** The proxy's own flags (`--name NAME`, `--config FILE`, …), kept as written. */
  readonly flags: readonly string[]
  readonly inner: Inner
}

const VALUE_FLAGS = new Set(['--name', '--config', '--log-level'])
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined
}

const isWardenPath = (value: string): boolean => /^mcp-warden(\.js|\.cmd|\.exe)?$/i.test(value.split(/[\\/]/).pop() ?? '')

/** The entry's proxy command line, when it runs through `mcp-warden proxy`. */
export function parseProtected(entry: Entry): ProtectedEntry | undefined {
  const command = entry['command']
  const args = stringArray(entry['args'] ?? [])
  if (typeof command !== 'string' || args === undefined) return undefined
  for (let at = args.indexOf('proxy'); at !== -1; at = args.indexOf('proxy', at + 1)) {
    if (![command, ...args.slice(0, at)].some(isWardenPath)) continue
    const flags: string[] = []
    const rest = args.slice(at + 1)
    for (let i = 0; i < rest.length; i++) {
      const token = rest[i] as string
      if (token === '--') {
        const [inner, ...innerArgs] = rest.slice(i + 1)
        if (inner === undefined) return undefined
        return { launcher: { command, args: args.slice(0, at) }, flags, inner: { kind: 'stdio', command: inner, args: innerArgs } }
      }
      if (token === '--url' && rest[i + 1] !== undefined) {
        flags.push(...rest.slice(i + 2))
        return { launcher: { command, args: args.slice(0, at) }, flags, inner: { kind: 'remote', url: rest[i + 1] as string } }
      }
      flags.push(token)
      if (VALUE_FLAGS.has(token) && rest[i + 1] !== undefined) flags.push(rest[++i] as string)
    }
  }
  return undefined
}

/** The proxy's `--name` for a config entry: policy rules and audit records name the server by it. */
function proxyName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 64)
  return NAME.test(cleaned) ? cleaned : 'server'
}

export type EntryKind = 'stdio' | 'remote' | 'unknown'

/** stdio when it has a command; remote when it has a URL under the client's key (or `url`). */
export function entryKind(entry: Entry, client: ClientDefinition): EntryKind {
  if (typeof entry['command'] === 'string') return 'stdio'
  if (typeof entry[client.urlKey] === 'string' || typeof entry['url'] === 'string') return 'remote'
  return 'unknown'
}

function remoteUrl(entry: Entry, client: ClientDefinition): string {
  return (typeof entry[client.urlKey] === 'string' ? entry[client.urlKey] : entry['url']) as string
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** Why this unprotected entry cannot be protected, or undefined when it can. */
export function cannotProtect(entry: Entry, client: ClientDefinition): string | undefined {
  const kind = entryKind(entry, client)
  if (kind === 'unknown') return 'has neither a command nor a URL; left unchanged'
  if (kind === 'stdio') return stringArray(entry['args'] ?? []) === undefined ? '"args" is not a list of strings; left unchanged' : undefined
  if (client.remoteUnsupported !== undefined) return client.remoteUnsupported
  const headers = entry['headers']
  if (isObject(headers) && Object.keys(headers).length > 0) {
    return 'sends its own HTTP headers, which the proxy would not pass on (it sends the token your identity provider issues for the server); left unchanged'
  }
  const url = remoteUrl(entry, client)
  if (!URL.canParse(url)) return 'its URL is not an absolute URL; left unchanged'
  const parsed = new URL(url)
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) return undefined
  return 'the proxy connects only over https (http on 127.0.0.1 or localhost); left unchanged'
}

/** The command line of a protected entry. */
function proxyArgs(launcher: Launcher, flags: readonly string[], inner: Inner): string[] {
  const target = inner.kind === 'stdio' ? ['--', inner.command, ...inner.args] : ['--url', inner.url]
  return [...launcher.args, 'proxy', ...flags, ...target]
}

function withEnv(entry: Record<string, unknown>, launcher: Launcher): void {
  if (launcher.env === undefined || Object.keys(launcher.env).length === 0) return
  entry['env'] = { ...(isObject(entry['env']) ? entry['env'] : {}), ...launcher.env }
}

/**
 * The protected form of an entry: unprotected entries launch the proxy in front of themselves; protected ones get
 * the current launcher (a repair when it moved) and keep their flags. Other fields (`cwd`, `disabled`, …) stay.
 */
export function protect(entry: Entry, name: string, client: ClientDefinition, launcher: Launcher): Entry {
  const current = parseProtected(entry)
  const next: Record<string, unknown> = { ...entry }
  if (current !== undefined) {
    next['command'] = launcher.command
    next['args'] = proxyArgs(launcher, current.flags, current.inner)
    withEnv(next, launcher)
    return next
  }
  const flags = ['--name', proxyName(name)]
  if (entryKind(entry, client) === 'stdio') {
    next['command'] = launcher.command
    next['args'] = proxyArgs(launcher, flags, { kind: 'stdio', command: entry['command'] as string, args: stringArray(entry['args'] ?? []) ?? [] })
  } else {
    const url = remoteUrl(entry, client)
    for (const key of ['url', 'serverUrl', 'headers']) delete next[key]
    if (client.type === 'required' || (client.type === 'optional' && 'type' in entry)) next['type'] = 'stdio'
    next['command'] = launcher.command
    next['args'] = proxyArgs(launcher, flags, { kind: 'remote', url })
  }
  withEnv(next, launcher)
  return next
}

/** What the entry was before Warden: the kept original when the entry is still as Warden wrote it, else derived. */
export function unprotect(entry: Entry, client: ClientDefinition, kept: { original: unknown; written: unknown } | undefined): Entry | undefined {
  const current = parseProtected(entry)
  if (current === undefined) return undefined
  if (kept !== undefined && isDeepStrictEqual(entry, kept.written) && isObject(kept.original)) return kept.original
  return deriveOriginal(entry, current, client, kept !== undefined && isObject(kept.original) ? kept.original : undefined)
}

/**
 * The entry a protected one stands for, from its own command line: the inner command and arguments (or URL), the
 * entry's other fields, and its env without the launcher's variables. `template` (the kept original) supplies the
 * shape of a remote entry and whether `args`/`env` were there at all.
 */
export function deriveOriginal(entry: Entry, current: ProtectedEntry, client: ClientDefinition, template: Entry | undefined): Entry {
  const next: Record<string, unknown> = { ...entry }
  delete next['command']
  delete next['args']
  const env = isObject(entry['env']) ? { ...entry['env'] } : undefined
  if (env !== undefined) {
    delete env['ELECTRON_RUN_AS_NODE']
    if (Object.keys(env).length > 0 || (template !== undefined && 'env' in template)) next['env'] = env
    else delete next['env']
  }
  if (current.inner.kind === 'stdio') {
    next['command'] = current.inner.command
    if (current.inner.args.length > 0 || template === undefined || 'args' in template) next['args'] = [...current.inner.args]
    return next
  }
  const templateType = template?.['type']
  if (typeof templateType === 'string') next['type'] = templateType
  else if (client.type === 'required') next['type'] = 'http'
  else delete next['type']
  const urlKey = template !== undefined && typeof template['serverUrl'] === 'string' ? 'serverUrl' : template !== undefined && typeof template['url'] === 'string' ? 'url' : client.urlKey
  next[urlKey] = current.inner.url
  if (template !== undefined && isObject(template['headers'])) next['headers'] = template['headers']
  return next
}
