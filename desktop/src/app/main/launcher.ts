/**
 * desktop/src/app/main/launcher.ts — how to run the `mcp-warden` CLI that ships inside the app: the app's own
 * executable in Node mode (ELECTRON_RUN_AS_NODE=1) on the launcher script in the app's directory (inside app.asar
 * when packaged). Client configs run the proxy through this, so no separate Node install is needed.
 */
import path from 'node:path'
import type { Launcher } from '../../installers/client-config.js'

export interface LauncherFacts {
  readonly platform: NodeJS.Platform
  /** Electron's `process.execPath`: the app's executable. */
  readonly execPath: string
  /** Electron's `app.getAppPath()`: desktop/ in development, …/resources/app.asar when packaged. */
  readonly appPath: string
  /** `%ComSpec%` on Windows (cmd.exe). */
  readonly comSpec?: string | undefined
}

/**
 * The command and leading arguments that start the CLI; a config appends `proxy …` to them. The environment variable
 * cannot travel in `Launcher` itself, so the command sets it: `env` on macOS and Linux, `cmd /d /c set …&&` on Windows.
 *
 * @example
 * cliLauncher({ platform: 'linux', execPath: '/opt/MCP Warden/mcp-warden', appPath: '/opt/MCP Warden/resources/app.asar' })
 * // { command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', '/opt/MCP Warden/mcp-warden', '/opt/MCP Warden/resources/app.asar/bin/mcp-warden.js'] }
 */
export function cliLauncher(facts: LauncherFacts): Launcher {
  const join = facts.platform === 'win32' ? path.win32.join : path.posix.join
  const script = join(facts.appPath, 'bin', 'mcp-warden.js')
  if (facts.platform === 'win32') {
    return { command: facts.comSpec ?? 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/c', 'set', 'ELECTRON_RUN_AS_NODE=1&&', facts.execPath, script] }
  }
  return { command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', facts.execPath, script] }
}
