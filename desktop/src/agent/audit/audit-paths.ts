/**
 * desktop/src/agent/audit/audit-paths.ts — where the user's audit log and the proxies' audit spool live by default:
 * in the user's state directory, next to each other.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/** `mcp-warden` in $XDG_STATE_HOME (~/.local/state); macOS: ~/Library/Application Support/MCP Warden; Windows: %LOCALAPPDATA%\MCP Warden. */
export function stateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'MCP Warden')
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'MCP Warden')
  const state = env['XDG_STATE_HOME']
  return join(state !== undefined && state.startsWith('/') ? state : join(home, '.local', 'state'), 'mcp-warden')
}

/**
 * The directory of the user's audit log (the agent writes it) when `--audit-dir` is not given.
 *
 * @example
 * defaultAuditDir({}, 'linux', '/home/a') // '/home/a/.local/state/mcp-warden/audit'
 */
export function defaultAuditDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string = homedir()): string {
  return join(stateDir(env, platform, home), 'audit')
}

/**
 * Where proxies keep the outcome records they could not hand to the agent; the agent takes them in.
 *
 * @example
 * defaultAuditSpoolDir({}, 'linux', '/home/a') // '/home/a/.local/state/mcp-warden/audit-spool'
 */
export function defaultAuditSpoolDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string = homedir()): string {
  return join(stateDir(env, platform, home), 'audit-spool')
}
