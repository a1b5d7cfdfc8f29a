/**
 * desktop/src/agent/protocol/socket-path.ts — where the per-user agent listens. Both sides compute the same path
 * from the same environment, so a proxy finds the agent without being told (and never tells an MCP server).
 */
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'

/** Who the path is for; defaults to the current user. Injected in tests. */
export interface SocketUser {
  readonly uid: number
  readonly username: string
  readonly homedir: string
}

// sun_path holds 104 bytes on macOS and the BSDs, 108 on Linux, both including the terminating NUL.
const MAX_SUN_PATH: Readonly<Partial<Record<NodeJS.Platform, number>>> = { linux: 107, android: 107 }
const DEFAULT_MAX_SUN_PATH = 103

function currentUser(): SocketUser {
  const info = userInfo()
  return { uid: info.uid, username: info.username, homedir: info.homedir }
}

/** A pipe name keeps only characters Windows accepts everywhere in a name. */
function pipeSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_')
  return safe === '' ? 'user' : safe
}

/**
 * The agent's socket for this user and platform.
 *
 * - Linux, macOS: `$XDG_RUNTIME_DIR/mcp-warden/agent.sock` when `XDG_RUNTIME_DIR` is an absolute path; on Linux
 *   without it, `/run/user/<uid>/mcp-warden/agent.sock` when that directory exists (hosts launch servers, and so
 *   proxies, with a minimal environment that drops XDG_RUNTIME_DIR: the proxy must still find the agent the
 *   desktop session started); otherwise `~/.local/state/mcp-warden/run/agent.sock` (macOS: `~/Library/Application Support/MCP Warden/run/agent.sock`).
 *   A path longer than `sun_path` allows falls back to `/tmp/mcp-warden-<uid>/agent.sock`; the server checks that
 *   directory is the user's own and private before it listens.
 * - Windows: the named pipe `\\.\pipe\mcp-warden-<username>`.
 *
 * @example
 * agentSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux') // → '/run/user/1000/mcp-warden/agent.sock'
 */
export function agentSocketPath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  user: SocketUser = currentUser(),
  exists: (path: string) => boolean = existsSync,
): string {
  if (platform === 'win32') return `\\\\.\\pipe\\mcp-warden-${pipeSafe(user.username)}`
  const runtimeDir = env['XDG_RUNTIME_DIR']
  const systemdRuntimeDir = `/run/user/${user.uid}`
  let path: string
  if (runtimeDir !== undefined && runtimeDir.startsWith('/')) path = join(runtimeDir, 'mcp-warden', 'agent.sock')
  else if (platform === 'linux' && exists(systemdRuntimeDir)) path = join(systemdRuntimeDir, 'mcp-warden', 'agent.sock')
  else if (platform === 'darwin') path = join(user.homedir, 'Library', 'Application Support', 'MCP Warden', 'run', 'agent.sock')
  else path = join(user.homedir, '.local', 'state', 'mcp-warden', 'run', 'agent.sock')
  const limit = MAX_SUN_PATH[platform] ?? DEFAULT_MAX_SUN_PATH
  return Buffer.byteLength(path) <= limit ? path : `/tmp/mcp-warden-${user.uid}/agent.sock`
}

/**
 * The agent's socket when the organisation's settings may name its directory (`agent.socketDir`): there, else
 * {@link agentSocketPath}. Every side (agent, proxies, CLI) resolves it the same way.
 *
 * @example
 * agentSocketFor(process.env, loaded.settings)
 */
export function agentSocketFor(env: NodeJS.ProcessEnv, settings?: { readonly agent?: { readonly socketDir?: string | undefined } | undefined }): string {
  const dir = settings?.agent?.socketDir
  return dir !== undefined ? join(dir, 'agent.sock') : agentSocketPath(env, process.platform)
}

/** True for a Windows named pipe path, which has no directory, no mode and no stale file to remove. */
export function isNamedPipe(socketPath: string): boolean {
  return socketPath.startsWith('\\\\.\\pipe\\') || socketPath.startsWith('\\\\?\\pipe\\')
}
