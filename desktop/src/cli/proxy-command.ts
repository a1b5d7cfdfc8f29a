/**
 * desktop/src/cli/proxy-command.ts — `mcp-warden proxy [--config FILE] [--name NAME] -- COMMAND [ARGS...]`.
 *
 * The data plane: speaks MCP over stdio to the host on one side and to the real server (a child process,
 * spawned without a shell) on the other, and runs the governance pipeline on every message in both directions.
 * stdout carries only protocol frames. Exit codes: 0 when the host closes stdin, 1 when the server fails or
 * exits on its own, 2 for usage or configuration errors.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createFileAuditSink,
  createMemoryLimitStore,
  createStandardPipeline,
  createTokenVerifier,
  EXIT_CODE,
  WardenError,
  type ExitCode,
} from '@mcp-warden/core'
import { createBridge, filterServerEnvironment, NdjsonStreamTransport, StdioChildTransport } from '@mcp-warden/sdk'
import { loadProxyConfig } from '../config/proxy-config.js'
import { loadPolicyFile } from '../proxy/policy-file.js'
import type { CliIo } from './io.js'
import { createLogger, isLogLevel, LOG_LEVELS, type Logger } from './logger.js'

export const PROXY_HELP = `Usage: mcp-warden proxy [options] -- COMMAND [ARGS...]

Runs the MCP server COMMAND behind MCP Warden: every message between your MCP client (on this
process's stdin/stdout) and the server passes identity, policy, content safety, limits and audit.

Options:
  --config FILE     proxy configuration (YAML or JSON). Default: $MCP_WARDEN_CONFIG, then
                    ~/.config/mcp-warden/proxy.yaml
  --name NAME       the server's name in policy rules and audit records. Default: COMMAND's base name
  --log-level LEVEL error | warn | info | debug (stderr only). Default: info
  -h, --help        show this help

The identity token is read from the variable named in the configuration (default MCP_WARDEN_TOKEN).
Variables starting with MCP_WARDEN_ are never passed to the server.

Example (claude_desktop_config.json):
  "command": "/usr/local/bin/mcp-warden",
  "args": ["proxy", "--config", "/etc/mcp-warden/proxy.yaml", "--name", "files", "--",
           "npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/me/docs"]
`

interface ProxyArgs {
  readonly config: string | undefined
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly logLevel: (typeof LOG_LEVELS)[number]
}

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden proxy --help\` for usage.`)
}

/** Parses the proxy's arguments; everything after `--` belongs to the server. */
export function parseProxyArgs(argv: readonly string[]): ProxyArgs | 'help' {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator)
  const server = separator === -1 ? [] : argv.slice(separator + 1)
  let values: { config?: string | undefined; name?: string | undefined; 'log-level'?: string | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({
      args: [...own],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        name: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (cause) {
    throw usage((cause as Error).message)
  }
  if (values.help === true) return 'help'
  const [command, ...args] = server
  if (command === undefined || command === '') throw usage('No server command given: put it after `--`.')
  const logLevel = values['log-level'] ?? 'info'
  if (!isLogLevel(logLevel)) throw usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`)
  if (values.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.name)) {
    throw usage('--name may hold letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit).')
  }
  return { config: values.config, name: values.name ?? basename(command).replace(/\.[^.]*$/, ''), command, args, logLevel }
}

/**
 * Runs the proxy until either side closes.
 *
 * @example
 * const code = await proxyCommand(['--config', 'proxy.yaml', '--', 'node', 'server.js'], io)
 */
export async function proxyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parseProxyArgs(argv)
  if (parsed === 'help') {
    io.stdout.write(PROXY_HELP)
    return EXIT_CODE.OK
  }
  const log = createLogger(io.stderr, 'proxy', parsed.logLevel)
  const config = await loadProxyConfig({ flag: parsed.config, env: io.env, cwd: io.cwd })
  const policy = await loadPolicyFile(config.policy.file)
  const audit = createFileAuditSink(config.audit.file)
  const token = io.env[config.identity.tokenEnv]
  if (token === undefined || token === '') {
    log.warn(`${config.identity.tokenEnv} is not set: every call will be refused until you sign in (mcp-warden login).`)
  }
  const pipeline = createStandardPipeline({
    resolveToken: () => token,
    verifier: createTokenVerifier({
      issuer: config.identity.issuer,
      audience: config.identity.audience,
      clockToleranceSeconds: config.identity.clockToleranceSeconds,
    }),
    policy,
    limitStore: createMemoryLimitStore(),
    audit,
    // Stage failures and audit write failures: the call was refused, so say why where support will look.
    onError: (error) => log.warn(`pipeline: ${describe(error)}`),
  })
  const session = { server: parsed.name, sessionId: randomUUID(), transport: 'stdio' as const }
  return runBridge(parsed, io, log, { pipeline, session }, config.framing)
}

async function runBridge(
  parsed: ProxyArgs,
  io: CliIo,
  log: Logger,
  governance: Parameters<typeof createBridge>[0]['governance'],
  framing: { maxMessageBytes?: number | undefined; maxDepth?: number | undefined } | undefined,
): Promise<ExitCode> {
  const host = new NdjsonStreamTransport({
    input: io.stdin,
    output: io.stdout,
    ...framing,
    onFrameError: (error, id) => {
      log.warn(`refused a message from the client: ${error.code}`)
      bridge.rejectFrame('client', error, id)
    },
  })
  const child = new StdioChildTransport({
    command: parsed.command,
    args: [...parsed.args],
    env: filterServerEnvironment(io.env),
    cwd: io.cwd,
    stderr: 'inherit',
    ...framing,
    onFrameError: (error, id) => {
      log.warn(`refused a message from the server: ${error.code}`)
      bridge.rejectFrame('server', error, id)
    },
  })
  let serverExit = ''
  child.onexit = (code, signal) => {
    serverExit = signal !== null ? `signal ${signal}` : `code ${code}`
  }
  const bridge = createBridge({
    client: host,
    server: child,
    governance,
    onError: (error, side) => log.warn(`${side === 'server' ? 'server' : 'client'} side: ${describe(error)}`),
  })
  io.stopSignal?.addEventListener('abort', () => void bridge.close(), { once: true })
  try {
    await bridge.start()
  } catch (error) {
    log.error(describe(error))
    await bridge.close().catch(() => {})
    return EXIT_CODE.RUNTIME
  }
  const closedBy = await bridge.closed
  if (closedBy === 'client') return EXIT_CODE.OK
  log.error(`the MCP server "${parsed.command}" stopped (${serverExit || 'closed its output'}); the proxy is exiting.`)
  return EXIT_CODE.RUNTIME
}

function describe(error: unknown): string {
  if (error instanceof WardenError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
