/**
 * desktop/src/cli/settings-notes.ts — what the person should know about the settings in force, as short lines
 * for stderr (callers say "warning" their own way): a development override, user values that were ignored.
 */
import { DEV_SETTINGS_VARIABLE, type LoadedOrgSettings } from '../settings/load-org-settings.js'

/**
 * @example
 * for (const note of describeSettings(loaded)) io.stderr.write(`mcp-warden login: warning: ${note}\n`)
 */
export function describeSettings(loaded: LoadedOrgSettings): string[] {
  const notes: string[] = []
  if (loaded.source === 'development-override') {
    notes.push(`development settings from ${DEV_SETTINGS_VARIABLE} are in force, not your organisation's.`)
  }
  for (const warning of loaded.warnings) notes.push(`your setting ${warning.path} ${warning.message}.`)
  return notes
}
