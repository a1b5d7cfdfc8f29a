/**
 * desktop/src/cli/status-command.ts — `mcp-warden status [--json]`: who is signed in, until when, where the settings
 * come from, whether the agent runs, and where the policy comes from. Exit code 0 when signed in, 1 otherwise.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { openSession } from '../agent/open-session.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import type { SessionStatus } from '../agent/session/index.js'
import type { KeychainState } from '../agent/secrets/secret-store.js'
import type { SettingsSource } from '../settings/load-org-settings.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'
import { describeSettings } from './settings-notes.js'

export const STATUS_HELP = `Usage: mcp-warden status [--json]

Shows who is signed in to MCP Warden and until when, the keychain, the agent, where the settings and the
policy come from. Exit code 0 when signed in, 1 when not.

Options:
  --json      one JSON object, for scripts
  -h, --help  show this help
`

/** Everything `status` reports; `--json` prints it as is. Never holds a token. */
export interface StatusReport {
  readonly session: SessionStatus
  readonly keychain: KeychainState
  readonly settings: { readonly source: SettingsSource; readonly managed: boolean; readonly issuer: string; readonly notes: readonly string[] }
  readonly agent: { readonly running: false; readonly socket: string } | { readonly running: true; readonly socket: string; readonly version: string; readonly protocol: number }
  readonly policy: { readonly central: string | null }
}

function parse(argv: readonly string[]): { json: boolean } | 'help' {
  let values: { json?: boolean | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden status --help\` for usage.`)
  }
  return values.help === true ? 'help' : { json: values.json === true }
}

/** The agent's view when one runs (it owns the session), else the keychain's. */
async function collect(io: CliIo): Promise<StatusReport> {
  const { session, secrets, loaded } = await openSession(io.env)
  const socket = agentSocketFor(io.env, loaded.settings)
  const fromAgent = await withRunningAgent(socket, 'mcp-warden status', async (agent) => ({ status: await agent.sessionStatus(), info: agent.agent }))
  return {
    session: fromAgent?.status ?? (await session.status()),
    keychain: await secrets.state(),
    settings: { source: loaded.source, managed: loaded.managed, issuer: loaded.settings.identity.issuer, notes: describeSettings(loaded) },
    agent: fromAgent === undefined ? { running: false, socket } : { running: true, socket, version: fromAgent.info.version, protocol: fromAgent.info.protocol },
    policy: { central: loaded.settings.policy?.url ?? null },
  }
}

function time(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

function sessionLine(session: SessionStatus): string {
  if (session.state === 'signed-in') {
    const who = session.user.email ?? session.user.subject
    return `signed in as ${who}; ID token valid until ${time(session.idTokenExpiresAt)}${session.refreshable ? ', renewed automatically' : ', sign in again after that'}`
  }
  if (session.state === 'keychain-unavailable') return `unknown: the keychain is ${session.keychain} (unlock it, or install a Secret Service such as gnome-keyring)`
  const why = { never: 'not signed in', 'logged-out': 'signed out', 'refresh-rejected': 'signed out: your identity provider ended the session' }[session.reason]
  return `${why}. Sign in with \`mcp-warden login\`.`
}

function render(report: StatusReport): string {
  const settings = report.settings.source === 'development-override'
    ? 'development override (MCP_WARDEN_DEV_SETTINGS)'
    : report.settings.managed ? `managed by your administrator (${report.settings.source})` : 'your own settings file (not managed)'
  const agent = report.agent.running
    ? `running (version ${report.agent.version}, protocol ${report.agent.protocol}) at ${report.agent.socket}`
    : `not running (a proxy starts it when needed; or run \`mcp-warden agent\`)`
  const lines = [
    `Session:   ${sessionLine(report.session)}`,
    `Provider:  ${report.settings.issuer}`,
    `Settings:  ${settings}`,
    `Keychain:  ${report.keychain}`,
    `Agent:     ${agent}`,
    `Policy:    ${report.policy.central === null ? "each proxy's policy file (no central policy configured)" : `central policy at ${report.policy.central}`}`,
    ...report.settings.notes.map((note) => `Warning:   ${note}`),
  ]
  return `${lines.join('\n')}\n`
}

/**
 * @example
 * const code = await statusCommand(['--json'], io)
 */
export async function statusCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parse(argv)
  if (parsed === 'help') {
    io.stdout.write(STATUS_HELP)
    return EXIT_CODE.OK
  }
  const report = await collect(io)
  io.stdout.write(parsed.json ? `${JSON.stringify(report)}\n` : render(report))
  return report.session.state === 'signed-in' ? EXIT_CODE.OK : EXIT_CODE.RUNTIME
}
