/**
 * desktop/src/settings/load-org-settings.ts — the settings in force: the administrator's (or, for development
 * only, the file named by MCP_WARDEN_DEV_SETTINGS), narrowed by the user's own file; or, on a personal install
 * with no administrator settings, the user's file as it is.
 */
import { WardenError } from '@mcp-warden/core'
import { narrowSettings, type SettingsWarning } from './narrow-settings.js'
import { parseOrgSettings, parseUserSettings, type OrgSettings } from './org-settings.js'
import { defaultUserSettingsPath, readAdminSettings, readSettingsFiles, type AdminSourceKind, type RunCommand } from './settings-sources.js'

/**
 * DEVELOPMENT ONLY: a settings file that replaces the administrator's (tests, the demo). `mcp-warden status` warns
 * when it is in force (`source: 'development-override'`).
 */
export const DEV_SETTINGS_VARIABLE = 'MCP_WARDEN_DEV_SETTINGS'

/** Where the settings in force came from. */
export type SettingsSource = 'development-override' | AdminSourceKind | 'user'

export interface LoadedOrgSettings {
  readonly settings: OrgSettings
  /** `true` when an administrator's settings (or the development override) are in force. */
  readonly managed: boolean
  readonly source: SettingsSource
  /** User values that were ignored because they would widen the administrator's settings. */
  readonly warnings: readonly SettingsWarning[]
}

export interface LoadOrgSettingsOptions {
  readonly env: NodeJS.ProcessEnv
  /** Defaults to `process.platform`; decides where the administrator's settings are read. */
  readonly platform?: NodeJS.Platform | undefined
  /** Files to read the administrator's settings from instead of the platform's source. */
  readonly adminPaths?: readonly string[] | undefined
  /** The user's file; defaults to `$XDG_CONFIG_HOME/mcp-warden/settings.yaml`. */
  readonly userPath?: string | undefined
  /** For tests of the macOS and Windows sources: runs `plutil` / `reg`. */
  readonly runCommand?: RunCommand | undefined
}

/**
 * Loads the settings in force. Rejects with ERR_CONFIG_INVALID, naming the file and the key, when a source is
 * malformed, has unknown keys or bad values, when a source cannot be read, or when there are no settings at all.
 *
 * @example
 * const { settings, managed, source, warnings } = await loadOrgSettings({ env: process.env })
 * if (source === 'development-override') io.stderr.write('warning: development settings are in force\n')
 */
export async function loadOrgSettings(options: LoadOrgSettingsOptions): Promise<LoadedOrgSettings> {
  const override = options.env[DEV_SETTINGS_VARIABLE]
  const admin =
    override !== undefined && override !== ''
      ? await readOverride(override)
      : await readAdminSettings({ platform: options.platform ?? process.platform, adminPaths: options.adminPaths, run: options.runCommand })

  const userPath = options.userPath ?? defaultUserSettingsPath(options.env)
  const user = await readSettingsFiles([userPath], 'user settings file')

  if (admin === undefined) {
    if (user === undefined) {
      throw new WardenError(
        'ERR_CONFIG_INVALID',
        `No MCP Warden settings were found. On a managed computer your administrator deploys them (see docs/settings.md); for a personal install, write ${userPath} with identity.issuer and identity.clientId.`,
      )
    }
    return { settings: parseOrgSettings(user.raw, user.where), managed: false, source: 'user', warnings: [] }
  }

  const adminSettings = parseOrgSettings(admin.raw, admin.where)
  if (user === undefined) return { settings: adminSettings, managed: true, source: admin.kind, warnings: [] }
  const { settings, warnings } = narrowSettings(adminSettings, parseUserSettings(user.raw, user.where))
  return { settings, managed: true, source: admin.kind, warnings }
}

async function readOverride(path: string): Promise<{ raw: unknown; where: string; kind: 'development-override' }> {
  const found = await readSettingsFiles([path], `development settings file (${DEV_SETTINGS_VARIABLE})`)
  if (found === undefined) {
    throw new WardenError('ERR_CONFIG_INVALID', `${DEV_SETTINGS_VARIABLE} names ${path}, which does not exist. Fix the path or unset the variable.`)
  }
  return { ...found, kind: 'development-override' }
}
