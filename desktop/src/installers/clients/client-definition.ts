/**
 * desktop/src/installers/clients/client-definition.ts — what the installers need to know about one MCP host: where
 * its config lives on each platform, where the server maps sit inside it, and the shape of its entries
 * (/work/shared/HOSTS.md is the source of these facts).
 */
import { posix, win32 } from 'node:path'
import type { JSONPath } from 'jsonc-parser'
import type { ClientId } from '../client-config.js'

/** The part of the installer context that decides paths. */
export interface PathContext {
  readonly platform: NodeJS.Platform
  readonly homeDir: string
  readonly env: NodeJS.ProcessEnv
}

/** One object of server entries inside a config, e.g. `mcpServers` or Claude Code's `projects[<path>].mcpServers`. */
export interface ServerMap {
  readonly path: JSONPath
  /** The project path for project-scoped maps. */
  readonly scope?: string
}

export interface ClientDefinition {
  readonly id: ClientId
  readonly label: string
  configPath(context: PathContext): string
  /** The server maps present in this parsed config (missing maps are left out). */
  serverMaps(root: Readonly<Record<string, unknown>>): ServerMap[]
  /** The key holding a remote entry's URL (`url`; Windsurf: `serverUrl`). */
  readonly urlKey: 'url' | 'serverUrl'
  /** `required`: every entry states its transport in `type` (VS Code); `optional`: kept when present. */
  readonly type: 'required' | 'optional' | 'none'
  /** Why remote entries are left alone in this client, when they are. */
  readonly remoteUnsupported?: string
  /** What the person does after a change for the host to read it again, e.g. "Quit and reopen Claude Desktop". */
  readonly restart: string
}

/** `path.join` of the config's own platform, so that Windows paths come out right wherever this runs. */
export function joinFor(platform: NodeJS.Platform, ...parts: string[]): string {
  return platform === 'win32' ? win32.join(...parts) : posix.join(...parts)
}

/** `%APPDATA%` (Roaming), or its usual place under the home directory when the variable is missing. */
export function appData(context: PathContext): string {
  return context.env['APPDATA'] ?? win32.join(context.homeDir, 'AppData', 'Roaming')
}

/** `$XDG_CONFIG_HOME` when absolute, else `~/.config`. */
export function xdgConfig(context: PathContext): string {
  const value = context.env['XDG_CONFIG_HOME']
  return value !== undefined && posix.isAbsolute(value) ? value : posix.join(context.homeDir, '.config')
}

/** The single top-level map `key`, when the config has it. */
export function topLevelMap(key: string) {
  return (root: Readonly<Record<string, unknown>>): ServerMap[] => (isObject(root[key]) ? [{ path: [key] }] : [])
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
