/**
 * desktop/src/agent/server/private-directory.ts — the directory that holds the agent's socket and lock.
 *
 * Connecting to a Unix socket needs write permission on the socket file, and reaching it needs search permission
 * on its directory; a 0700 directory owned by the user is what keeps other users out (Linux checks the socket's
 * mode too, the BSDs and macOS do not). So the directory is checked, not only created: one made by someone else
 * in a shared place such as /tmp, or with group/other bits, is refused.
 */
import { lstatSync, mkdirSync } from 'node:fs'
import { WardenError } from '@mcp-warden/core'

/**
 * Creates `dir` (mode 0700) if missing, then checks it is a real directory, owned by this user, with no group or
 * other permission bits. Throws `ERR_CONFIG_INVALID` with the fix otherwise.
 *
 * @example
 * ensurePrivateDirectory('/run/user/1000/mcp-warden')
 */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stat = lstatSync(dir)
  const uid = process.getuid?.()
  if (!stat.isDirectory()) {
    throw new WardenError('ERR_CONFIG_INVALID', `The MCP Warden agent directory ${dir} is not a directory (a symbolic link or a file is refused). Remove it and start the agent again.`)
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new WardenError('ERR_CONFIG_INVALID', `The MCP Warden agent directory ${dir} belongs to another user (uid ${stat.uid}). Remove it, or set --socket to a path in a directory of your own.`)
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0')
    throw new WardenError('ERR_CONFIG_INVALID', `The MCP Warden agent directory ${dir} is open to other users (mode ${mode}). Run \`chmod 700 ${dir}\` and start the agent again.`)
  }
}
