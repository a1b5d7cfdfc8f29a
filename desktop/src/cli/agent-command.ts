/**
 * desktop/src/cli/agent-command.ts — `mcp-warden agent`: the per-user agent, headless. The desktop app runs the
 * same code; a proxy that finds no agent starts this verb detached.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { agentSocketPath } from '../agent/protocol/socket-path.js'
import { isAgentAlreadyRunning } from '../agent/server/agent-lock.js'
import { openSession } from '../agent/open-session.js'
import { runAgent } from '../agent/run-agent.js'
import type { AgentSession } from '../agent/session/agent-session.js'
import type { CliIo } from './io.js'
import { createLogger, isLogLevel, LOG_LEVELS, type LogLevel } from './logger.js'
import { VERSION } from './main.js'

export const AGENT_HELP = `Usage: mcp-warden agent [--socket PATH] [--audit-file PATH] [--log-level LEVEL]

Runs the MCP Warden agent for this user: it holds the sign-in session and serves every mcp-warden proxy
of the user (tokens, usage limits, the audit log, the policy) over a socket only this user can open.
One agent per user: if one is already running, this command says so and exits with 0.

Options:
  --socket PATH       where to listen. Default: $XDG_RUNTIME_DIR/mcp-warden/agent.sock, else
                      ~/.local/state/mcp-warden/run/agent.sock (macOS: ~/Library/Application Support/
                      MCP Warden/run/agent.sock); on Windows the pipe \\\\.\\pipe\\mcp-warden-<user>
  --audit-file PATH   the audit log. Default: mcp-warden/audit.jsonl in $XDG_STATE_HOME (~/.local/state;
                      macOS: ~/Library/Application Support/MCP Warden/audit.jsonl)
  --log-level LEVEL   error | warn | info | debug (stderr only). Default: info
  -h, --help          show this help

Stop it with Ctrl-C or SIGTERM: it removes its socket and lock.
`

/** Builds the session the agent serves. The OIDC session (openid-client + keychain) plugs in here. */
export type AgentSessionFactory = (io: CliIo) => Promise<AgentSession>

export interface AgentCommandOptions {
  readonly createSession?: AgentSessionFactory | undefined
}

interface AgentArgs {
  readonly socket: string | undefined
  readonly auditFile: string | undefined
  readonly logLevel: LogLevel
}

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden agent --help\` for usage.`)
}

function parseAgentArgs(argv: readonly string[]): AgentArgs | 'help' {
  let values: { socket?: string | undefined; 'audit-file'?: string | undefined; 'log-level'?: string | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        socket: { type: 'string' },
        'audit-file': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (cause) {
    throw usage((cause as Error).message)
  }
  if (values.help === true) return 'help'
  const logLevel = values['log-level'] ?? 'info'
  if (!isLogLevel(logLevel)) throw usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`)
  return { socket: values.socket, auditFile: values['audit-file'], logLevel }
}

/** The user's audit log when `--audit-file` is not given. */
export function defaultAuditFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'MCP Warden', 'audit.jsonl')
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'MCP Warden', 'audit.jsonl')
  const state = env['XDG_STATE_HOME']
  return join(state !== undefined && state.startsWith('/') ? state : join(home, '.local', 'state'), 'mcp-warden', 'audit.jsonl')
}

/** The product's session: the settings in force, the OS keychain and the organisation's IdP. */
const productSession: AgentSessionFactory = async (io) => (await openSession(io.env)).agentSession

/**
 * Runs the agent until `io.stopSignal`; exits 0 at once if another agent of this user is running.
 *
 * @example
 * const code = await agentCommand(['--socket', '/tmp/warden/agent.sock'], io, { createSession: async () => session })
 */
export async function agentCommand(argv: readonly string[], io: CliIo, options: AgentCommandOptions = {}): Promise<ExitCode> {
  const parsed = parseAgentArgs(argv)
  if (parsed === 'help') {
    io.stdout.write(AGENT_HELP)
    return EXIT_CODE.OK
  }
  const log = createLogger(io.stderr, 'agent', parsed.logLevel)
  const socketPath = parsed.socket ?? agentSocketPath(io.env, process.platform)
  const session = await (options.createSession ?? productSession)(io)
  const signal = io.stopSignal ?? new AbortController().signal
  try {
    const agent = await runAgent({
      socketPath,
      session,
      auditFile: parsed.auditFile ?? defaultAuditFile(io.env, process.platform),
      version: VERSION,
      signal,
      onError: (error) => log.error(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`),
    })
    log.info(`listening on ${agent.socketPath}`)
    await agent.stopped
    log.info('stopped')
    return EXIT_CODE.OK
  } catch (error) {
    if (!isAgentAlreadyRunning(error)) throw error
    log.info((error as Error).message)
    return EXIT_CODE.OK
  }
}
