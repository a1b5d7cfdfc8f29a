/**
 * desktop/src/settings/settings-sources.ts — where settings are read from, per OS, as raw values with a name for
 * messages. Checking is org-settings.ts's job; merging is narrow-settings.ts's.
 *
 *  - Linux (and other Unix): `/etc/mcp-warden/settings.yaml` or `/etc/mcp-warden/settings.json` (not both).
 *  - macOS: the managed preferences profile `/Library/Managed Preferences/dev.mcpwarden.plist`, converted with
 *    `plutil -convert json -o - <file>` (untested here: no macOS in CI).
 *  - Windows: the JSON text in the REG_SZ value `Settings` of `HKLM\SOFTWARE\Policies\MCPWarden`, read with
 *    `reg query` (untested here: no Windows in CI).
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { WardenError } from '@mcp-warden/core'
import { parseSettingsText } from './org-settings.js'

/** Runs a program without a shell and resolves its stdout; rejects (with the stderr text in the message) on failure. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<string>

export type AdminSourceKind = 'admin-file' | 'managed-preferences' | 'registry'

/** Raw settings and where they came from (`where` starts a sentence: "The settings file /etc/…"). */
export interface RawSettings {
  readonly raw: unknown
  readonly where: string
}

export const LINUX_ADMIN_PATHS: readonly string[] = ['/etc/mcp-warden/settings.yaml', '/etc/mcp-warden/settings.json']
export const MACOS_MANAGED_PLIST = '/Library/Managed Preferences/dev.mcpwarden.plist'
export const WINDOWS_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\MCPWarden'

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolvePromise, reject) => {
    execFile(file, [...args], { encoding: 'utf8', timeout: 10_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) resolvePromise(stdout)
      else reject(new Error(`${file} failed: ${stderr.trim() || error.message}`, { cause: error }))
    })
  })

/** The file's text, or `undefined` when it does not exist; any other failure is an error (fail closed). */
async function readIfPresent(path: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new WardenError('ERR_CONFIG_INVALID', `Cannot read the ${what} ${path} (${code ?? 'error'}). Check that it is a file that you can read; settings are never skipped because they cannot be read.`, { cause })
  }
}

/**
 * Reads the first of `paths` that exists; two existing files are an error, so that no one edits the one that is
 * not used.
 *
 * @example
 * const admin = await readSettingsFiles(LINUX_ADMIN_PATHS, 'the settings file')
 */
export async function readSettingsFiles(paths: readonly string[], what: string): Promise<RawSettings | undefined> {
  const found: { path: string; text: string }[] = []
  for (const path of paths) {
    const text = await readIfPresent(path, what)
    if (text !== undefined) found.push({ path, text })
  }
  if (found.length > 1) {
    throw new WardenError('ERR_CONFIG_INVALID', `Both ${found.map((f) => f.path).join(' and ')} exist. Keep one of them: MCP Warden will not guess which is meant.`)
  }
  const [file] = found
  if (file === undefined) return undefined
  const where = `The ${what} ${file.path}`
  return { raw: parseSettingsText(file.text, where), where }
}

async function readManagedPreferences(run: RunCommand): Promise<RawSettings | undefined> {
  if ((await readIfPresent(MACOS_MANAGED_PLIST, 'managed preferences')) === undefined) return undefined
  const where = `The managed preferences ${MACOS_MANAGED_PLIST}`
  let json: string
  try {
    json = await run('plutil', ['-convert', 'json', '-o', '-', MACOS_MANAGED_PLIST])
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `${where} cannot be read as a property list (${(cause as Error).message}). Ask your administrator to check the profile.`, { cause })
  }
  return { raw: parseSettingsText(json, where, 'json'), where }
}

/** `reg query` prints `    Settings    REG_SZ    <text>`; a missing key or value is "unable to find". */
async function readRegistryPolicy(run: RunCommand): Promise<RawSettings | undefined> {
  const where = `The policy ${WINDOWS_POLICY_KEY} (value Settings)`
  let output: string
  try {
    output = await run('reg', ['query', WINDOWS_POLICY_KEY, '/v', 'Settings'])
  } catch (cause) {
    if (/unable to find/i.test((cause as Error).message)) return undefined
    throw new WardenError('ERR_CONFIG_INVALID', `${where} cannot be read (${(cause as Error).message}).`, { cause })
  }
  const match = /^\s*Settings\s+REG_(?:EXPAND_)?SZ\s+(.*)$/m.exec(output)
  if (match === null) throw new WardenError('ERR_CONFIG_INVALID', `${where} must be a string (REG_SZ) holding the settings as JSON.`)
  return { raw: parseSettingsText(match[1]!, where, 'json'), where }
}

/**
 * The administrator's settings for `platform`, or `undefined` when none are deployed. `adminPaths` replaces the
 * platform's source with files (tests; other Unix layouts).
 *
 * @example
 * const admin = await readAdminSettings({ platform: process.platform })
 */
export async function readAdminSettings(options: {
  platform: NodeJS.Platform
  adminPaths?: readonly string[] | undefined
  run?: RunCommand | undefined
}): Promise<(RawSettings & { kind: AdminSourceKind }) | undefined> {
  const run = options.run ?? runCommand
  let found: RawSettings | undefined
  let kind: AdminSourceKind = 'admin-file'
  if (options.adminPaths !== undefined) found = await readSettingsFiles(options.adminPaths, 'settings file')
  else if (options.platform === 'darwin') [found, kind] = [await readManagedPreferences(run), 'managed-preferences']
  else if (options.platform === 'win32') [found, kind] = [await readRegistryPolicy(run), 'registry']
  else found = await readSettingsFiles(LINUX_ADMIN_PATHS, 'settings file')
  return found === undefined ? undefined : { ...found, kind }
}

/** `$XDG_CONFIG_HOME/mcp-warden/settings.yaml`, else `~/.config/mcp-warden/settings.yaml` (every OS, for now). */
export function defaultUserSettingsPath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] ?? resolve(env['HOME'] ?? homedir(), '.config')
  return resolve(base, 'mcp-warden', 'settings.yaml')
}
