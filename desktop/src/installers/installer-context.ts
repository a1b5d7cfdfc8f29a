/**
 * desktop/src/installers/installer-context.ts — the context the CLI and the app both use, so that what one installs
 * the other can report and undo: Warden's state directory (the same as the audit log's) and the launcher shim.
 */
import { stateDir } from '../agent/audit/audit-paths.js'
import type { InstallerContext } from './client-config.js'
import type { PathContext } from './clients/client-definition.js'
import { shimLauncher } from './launcher-shim.js'

/**
 * @example
 * const context = defaultInstallerContext({ platform: process.platform, homeDir: os.homedir(), env: process.env })
 */
export function defaultInstallerContext(paths: PathContext): InstallerContext {
  return { ...paths, stateDir: stateDir(paths.env, paths.platform, paths.homeDir), launcher: shimLauncher(paths) }
}
