/**
 * desktop/src/cli/logout-command.ts — `mcp-warden logout`: revoke the refresh token at the identity provider when
 * it offers revocation, and remove the session from the keychain. Every proxy refuses calls from then on.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { openSession } from '../agent/open-session.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'

export const LOGOUT_HELP = `Usage: mcp-warden logout

Signs you out of MCP Warden: revokes your refresh token at the identity provider (when it offers
revocation) and removes the session from the OS keychain. Your MCP tools are refused until you sign in again.

Options:
  -h, --help  show this help
`

/**
 * @example
 * const code = await logoutCommand([], io)
 */
export async function logoutCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values: { help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, options: { help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden logout --help\` for usage.`)
  }
  if (values.help === true) {
    io.stdout.write(LOGOUT_HELP)
    return EXIT_CODE.OK
  }
  const { session } = await openSession(io.env)
  const { revoked } = await session.logout()
  io.stdout.write(
    revoked
      ? 'Signed out. Your refresh token was revoked at the identity provider and removed from the keychain.\n'
      : 'Signed out on this computer: the session was removed from the keychain. The identity provider could not be asked to revoke it (unreachable, or it offers no revocation).\n',
  )
  await withRunningAgent(io.env, 'mcp-warden logout', (agent) => agent.reloadSession())
  return EXIT_CODE.OK
}
