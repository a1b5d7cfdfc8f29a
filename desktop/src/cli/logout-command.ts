/**
 * desktop/src/cli/logout-command.ts — `mcp-warden logout`: revoke the refresh token at the identity provider when
 * it offers revocation, and remove the session from the keychain. Every proxy refuses calls from then on.
 * `mcp-warden logout --server NAME` does the same for one server that has its own authorization server.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { openSession } from '../agent/open-session.js'
import { forgetServerTokens } from '../agent/remote-auth/index.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'
import { serverUpstream } from './login-command.js'

export const LOGOUT_HELP = `Usage: mcp-warden logout [--server NAME]

Signs you out of MCP Warden: revokes your refresh token at the identity provider (when it offers
revocation) and removes the session from the OS keychain. Your MCP tools are refused until you sign in again.

Options:
  --server NAME  sign out of only the MCP server NAME that has its own authorization server (auth: server):
                 its refresh token is revoked there when it offers revocation, and its tokens are removed
  -h, --help     show this help
`

async function logoutOfServer(name: string, io: CliIo): Promise<ExitCode> {
  const opened = await openSession(io.env)
  const { url } = serverUpstream(opened, name)
  const { removed, revoked } = await forgetServerTokens(url, { secrets: opened.secrets })
  io.stdout.write(
    !removed
      ? `You were not signed in to ${name} on this computer.\n`
      : revoked
        ? `Signed out of ${name}. Its refresh token was revoked at its authorization server and removed from the keychain.\n`
        : `Signed out of ${name} on this computer: its tokens were removed from the keychain. Its authorization server could not be asked to revoke them (unreachable, or it offers no revocation).\n`,
  )
  await withRunningAgent(agentSocketFor(io.env, opened.loaded.settings), 'mcp-warden logout', (agent) => agent.reloadSession())
  return EXIT_CODE.OK
}

/**
 * @example
 * const code = await logoutCommand([], io)
 * const code = await logoutCommand(['--server', 'wiki'], io)
 */
export async function logoutCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values: { server?: string | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, options: { server: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden logout --help\` for usage.`)
  }
  if (values.help === true) {
    io.stdout.write(LOGOUT_HELP)
    return EXIT_CODE.OK
  }
  if (values.server !== undefined) return logoutOfServer(values.server, io)
  const { session, loaded } = await openSession(io.env)
  const { revoked } = await session.logout()
  io.stdout.write(
    revoked
      ? 'Signed out. Your refresh token was revoked at the identity provider and removed from the keychain.\n'
      : 'Signed out on this computer: the session was removed from the keychain. The identity provider could not be asked to revoke it (unreachable, or it offers no revocation).\n',
  )
  await withRunningAgent(agentSocketFor(io.env, loaded.settings), 'mcp-warden logout', (agent) => agent.reloadSession())
  return EXIT_CODE.OK
}
