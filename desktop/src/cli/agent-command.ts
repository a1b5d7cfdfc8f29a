/**
 * desktop/src/cli/agent-command.ts — `mcp-warden agent`: the per-user agent, headless. The desktop app runs the
 * same code; a proxy that finds no agent starts this verb detached.
 */
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type AuditLogEvent, type ExitCode } from '@mcp-warden/core'
import { defaultAuditDir, defaultAuditSpoolDir } from '../agent/audit/audit-paths.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import { isAgentAlreadyRunning } from '../agent/server/agent-lock.js'
import { loadDeviceSigningKey } from '../agent/audit/device-signing-key.js'
import { openSession } from '../agent/open-session.js'
import { openCentralPolicy } from '../agent/policy/open-central-policy.js'
import { loadOrgSettings } from '../settings/load-org-settings.js'
import { runAgent } from '../agent/run-agent.js'
import type { AgentSession } from '../agent/session/agent-session.js'
import type { CliIo } from './io.js'
import { createLogger, isLogLevel, LOG_LEVELS, type LogLevel } from './logger.js'
import { VERSION } from './main.js'

export const AGENT_HELP = `Usage: mcp-warden agent [--socket PATH] [--audit-dir DIR] [--audit-keep-files N] [--audit-keep-mb N] [--log-level LEVEL]

Runs the MCP Warden agent for this user: it holds the sign-in session and serves every mcp-warden proxy
of the user (tokens, usage limits, the audit log, the policy) over a socket only this user can open.
One agent per user: if one is already running, this command says so and exits with 0.

Options:
  --socket PATH       where to listen. Default: $XDG_RUNTIME_DIR/mcp-warden/agent.sock, else
                      ~/.local/state/mcp-warden/run/agent.sock (macOS: ~/Library/Application Support/
                      MCP Warden/run/agent.sock); on Windows the pipe \\\\.\\pipe\\mcp-warden-<user>
  --audit-dir DIR     the audit log's directory (hash-chained files audit-YYYYMMDD-NNN.jsonl, 64 MiB each
                      at most, a new one every UTC day). Default: mcp-warden/audit in $XDG_STATE_HOME
                      (~/.local/state; macOS: ~/Library/Application Support/MCP Warden/audit)
  --audit-keep-files N  keep at most N audit files, deleting the oldest. Default: all
  --audit-keep-mb N   keep at most N MiB of audit files, deleting the oldest. Default: all
                      With audit shipping (settings audit.url) a file is deleted only once shipped:
                      the log grows past these caps, with a warning, while the collector is behind
                      The usage-limit ledger, limits.jsonl, is kept beside the audit directory
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
  readonly auditDir: string | undefined
  readonly keepFiles: number | undefined
  readonly keepBytes: number | undefined
  readonly logLevel: LogLevel
}

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden agent --help\` for usage.`)
}

function parseAgentArgs(argv: readonly string[]): AgentArgs | 'help' {
  let values: {
    socket?: string | undefined
    'audit-dir'?: string | undefined
    'audit-keep-files'?: string | undefined
    'audit-keep-mb'?: string | undefined
    'log-level'?: string | undefined
    help?: boolean | undefined
  }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        socket: { type: 'string' },
        'audit-dir': { type: 'string' },
        'audit-keep-files': { type: 'string' },
        'audit-keep-mb': { type: 'string' },
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
  const keepFiles = positiveCount('--audit-keep-files', values['audit-keep-files'])
  const keepMb = positiveCount('--audit-keep-mb', values['audit-keep-mb'])
  return { socket: values.socket, auditDir: values['audit-dir'], keepFiles, keepBytes: keepMb === undefined ? undefined : keepMb * 1024 * 1024, logLevel }
}

function positiveCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^[1-9]\d{0,8}$/.test(value)) throw usage(`${flag} must be a whole number from 1, e.g. ${flag} 90.`)
  return Number(value)
}

/**
 * How often the chain's head is signed: 60 s, or `MCP_WARDEN_AUDIT_CHECKPOINT_SECONDS` (tests and demos; 1 to 86400).
 */
function checkpointIntervalMs(env: NodeJS.ProcessEnv): number {
  const value = env['MCP_WARDEN_AUDIT_CHECKPOINT_SECONDS']
  if (value === undefined) return 60_000
  if (!/^[1-9]\d{0,4}$/.test(value) || Number(value) > 86_400) throw usage('MCP_WARDEN_AUDIT_CHECKPOINT_SECONDS must be a whole number of seconds from 1 to 86400.')
  return Number(value) * 1000
}

/** What the log says about itself, for the person running the agent. */
function describeAuditEvent(event: AuditLogEvent): string {
  if (event.event === 'torn-line') {
    return `the audit log's line ${event.line} of ${event.file} was cut short (the agent stopped while writing it); a torn-line entry records it and the log goes on in a new file`
  }
  return `took ${event.records} audit record(s) that proxies kept while the agent was unreachable into the log from ${event.file}${event.skipped > 0 ? ` (${event.skipped} unreadable line(s) skipped)` : ''}`
}


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
  // The product's settings (central policy, shipping, the socket's directory); an injected session (tests) has none.
  const settings = options.createSession === undefined ? (await loadOrgSettings({ env: io.env })).settings : undefined
  const socketPath = parsed.socket ?? agentSocketFor(io.env, settings)
  // The product's session: the settings in force, the OS keychain and the organisation's IdP.
  const opened = options.createSession === undefined ? await openSession(io.env) : undefined
  const session = opened?.agentSession ?? (await (options.createSession as AgentSessionFactory)(io))
  const signal = io.stopSignal ?? new AbortController().signal
  const auditDir = parsed.auditDir ?? defaultAuditDir(io.env, process.platform)
  const policy = settings === undefined ? undefined : openCentralPolicy({ settings, session, cacheFile: join(dirname(auditDir), 'policy-cache.json'), log })
  // Without audit.url nothing is shipped; the token's audience is the collector's URL.
  const auditUrl = settings?.audit?.url
  const shipping =
    auditUrl === undefined
      ? undefined
      : {
          url: auditUrl,
          format: settings?.audit?.format,
          token: async () => (await session.upstreamToken(auditUrl)).token,
          onError: (error: unknown) => log.warn(`audit shipping to ${auditUrl}: ${error instanceof Error ? error.message : String(error)}`),
        }
  // With shipping, the chain's head is signed now and then with the device's key from the keychain (the anchor the
  // collector keeps); the key is made on first use.
  const secrets = opened?.secrets
  const checkpoints = shipping === undefined || secrets === undefined ? undefined : { key: () => loadDeviceSigningKey(secrets), intervalMs: checkpointIntervalMs(io.env) }
  try {
    const agent = await runAgent({
      socketPath,
      session,
      audit: {
        dir: auditDir,
        spoolDir: defaultAuditSpoolDir(io.env, process.platform),
        maxFiles: parsed.keepFiles,
        maxTotalBytes: parsed.keepBytes,
        onEvent: (event) => log.warn(describeAuditEvent(event)),
        onWarning: (message) => log.warn(message),
      },
      policy,
      shipping,
      checkpoints,
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
