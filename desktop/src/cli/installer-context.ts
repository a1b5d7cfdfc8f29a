/**
 * desktop/src/cli/installer-context.ts — the installers' context for this CLI process, and the launcher target
 * that runs this very CLI (plain Node, or the packaged app's executable as Node when the CLI runs inside it).
 */
import { homedir } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { InstallerContext } from '../installers/client-config.js'
import { defaultInstallerContext, type LauncherTarget } from '../installers/index.js'

/** `desktop/bin/mcp-warden.js`, next to the built `dist/`. */
const CLI_SCRIPT = fileURLToPath(new URL('../../bin/mcp-warden.js', import.meta.url))

export interface CliInstallerContext extends InstallerContext {
  /** What the shim runs: this CLI. */
  readonly target: LauncherTarget
}

/** The context for `env` (HOME/USERPROFILE decide the home directory, so tests never touch the real one). */
export function cliInstallerContext(env: NodeJS.ProcessEnv): CliInstallerContext {
  const platform = process.platform
  const homeDir = (platform === 'win32' ? env['USERPROFILE'] : env['HOME']) ?? homedir()
  return {
    ...defaultInstallerContext({ platform, homeDir, env }),
    target: { executable: process.execPath, script: CLI_SCRIPT, electronRunAsNode: process.versions['electron'] !== undefined },
  }
}
