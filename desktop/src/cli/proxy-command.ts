/**
 * desktop/src/cli/proxy-command.ts — `mcp-warden proxy [--config FILE] [--name NAME] -- COMMAND [ARGS...]`, or
 * `mcp-warden proxy --url URL [--config FILE] [--name NAME]` for a remote Streamable HTTP server.
 *
 * The data plane: speaks MCP over stdio to the host on one side and to the real server on the other (a child
 * process spawned without a shell, or HTTP with a bearer token whose audience is that server), and runs the
 * governance pipeline on every message in both directions. stdout carries only protocol frames. Exit codes: 0
 * when the host closes stdin, 1 when the server fails or exits on its own, 2 for usage or configuration errors.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { createStandardPipeline, EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { createBridge, createHostElicitation, NdjsonStreamTransport, type BridgeOptions, type HostElicitation } from '@mcp-warden/sdk'
import { loadProxyConfig } from '../config/proxy-config.js'
import { agentSources, headlessSources } from '../proxy/governance-sources.js'
import { loadPolicyFile } from '../proxy/policy-file.js'
import { createProxyApprover } from '../proxy/proxy-approver.js'
import type { CliIo } from './io.js'
import { createLogger, isLogLevel, LOG_LEVELS, type Logger } from './logger.js'
import { VERSION } from './main.js'
import { commandUpstream, urlUpstream, type Framing, type OpenUpstream, type Upstream } from './proxy-upstream.js'

export const PROXY_HELP = `Usage: mcp-warden proxy [options] -- COMMAND [ARGS...]
       mcp-warden proxy [options] --url URL

Runs the MCP server COMMAND, or connects to the Streamable HTTP MCP server at URL, behind MCP Warden: every
message between your MCP client (on this process's stdin/stdout) and the server passes identity, policy,
content safety, limits and audit.

Options:
  --url URL         a remote MCP server (Streamable HTTP; https, or http on 127.0.0.1/localhost) instead of
                    COMMAND. It receives an access token issued for it, as Authorization: Bearer
  --config FILE     proxy configuration (YAML or JSON). Default: $MCP_WARDEN_CONFIG, then
                    ~/.config/mcp-warden/proxy.yaml, then built in: the signed-in agent and your
                    organisation's central policy
  --name NAME       the server's name in policy rules and audit records. Default: COMMAND's base name, or
                    URL's host name
  --log-level LEVEL error | warn | info | debug (stderr only). Default: info
  -h, --help        show this help

With \`agent: {}\` in the configuration, identity, usage limits and audit come from your MCP Warden agent
(started if none runs; sign in with \`mcp-warden login\`), and a --url server gets an access token issued
for it by your identity provider. The policy is then your organisation's signed policy, kept current by the
agent (docs/policy-distribution.md); the configuration's policy file is enforced only when the settings name no
policy.url (development). Headless, without an agent, the identity token is read from the
variable named in the configuration (default MCP_WARDEN_TOKEN), and a --url server's token from
identity.upstreamTokenEnv (default MCP_WARDEN_UPSTREAM_TOKEN). Variables starting with MCP_WARDEN_ are never passed to the server. A server run as COMMAND receives the
verified identity on every request under params._meta["dev.mcpwarden/identity"].

Calls a policy rule marks "ask" wait for your answer: in your MCP client when it supports MCP elicitation,
otherwise (with the agent) in \`mcp-warden approvals list\`, answered with \`mcp-warden approvals allow|deny ID\`.

Examples (claude_desktop_config.json):
  "command": "/usr/local/bin/mcp-warden",
  "args": ["proxy", "--config", "/etc/mcp-warden/proxy.yaml", "--name", "files", "--",
           "npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/me/docs"]

  "args": ["proxy", "--config", "/etc/mcp-warden/proxy.yaml", "--name", "crm", "--url", "https://mcp.example.com/mcp"]
`

interface ProxyArgs {
  readonly config: string | undefined
  readonly name: string
  readonly upstream: Upstream
  readonly logLevel: (typeof LOG_LEVELS)[number]
}

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden proxy --help\` for usage.`)
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Parses the proxy's arguments; everything after `--` belongs to the server. */
export function parseProxyArgs(argv: readonly string[]): ProxyArgs | 'help' {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator)
  const server = separator === -1 ? [] : argv.slice(separator + 1)
  let values: {
    config?: string | undefined
    name?: string | undefined
    url?: string | undefined
    'log-level'?: string | undefined
    help?: boolean | undefined
  }
  try {
    ;({ values } = parseArgs({
      args: [...own],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        name: { type: 'string' },
        url: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (cause) {
    throw usage((cause as Error).message)
  }
  if (values.help === true) return 'help'
  const upstream = parseUpstream(values.url, separator === -1 ? undefined : server)
  const logLevel = values['log-level'] ?? 'info'
  if (!isLogLevel(logLevel)) throw usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`)
  if (values.name !== undefined && !NAME.test(values.name)) {
    throw usage('--name may hold letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit).')
  }
  return { config: values.config, name: values.name ?? defaultName(upstream), upstream, logLevel }
}

function parseUpstream(url: string | undefined, server: readonly string[] | undefined): Upstream {
  if (url !== undefined && server !== undefined) throw usage('Give either --url URL or `-- COMMAND`, not both.')
  if (url !== undefined) {
    if (!URL.canParse(url)) throw usage(`--url must be an absolute URL, such as https://mcp.example.com/mcp.`)
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw usage('--url must be an https URL (http only on 127.0.0.1 or localhost).')
    return { kind: 'url', url: parsed }
  }
  const [command, ...args] = server ?? []
  if (command === undefined || command === '') {
    throw usage('No server command given: put it after `--`, or pass --url URL for a remote Streamable HTTP server.')
  }
  return { kind: 'command', command, args }
}

/** COMMAND's base name without extension, or URL's host name, made into a valid name. */
function defaultName(upstream: Upstream): string {
  const raw = upstream.kind === 'command' ? basename(upstream.command).replace(/\.[^.]*$/, '') : upstream.url.hostname
  const name = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 64)
  return NAME.test(name) ? name : 'server'
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
  const localPolicy = config.policy === undefined ? undefined : { policy: await loadPolicyFile(config.policy.file), file: config.policy.file }
  const upstreamUrl = parsed.upstream.kind === 'url' ? parsed.upstream.url.href : undefined
  const sources =
    config.mode === 'agent'
      ? await agentSources({ config, env: io.env, log, server: { name: parsed.name, upstreamUrl }, version: VERSION })
      : headlessSources(config, io.env, log)
  // With the agent, its central signed policy when the settings name one (refreshed in the background).
  const policy = await sources.policy(localPolicy)
  const isStdio = parsed.upstream.kind === 'command'
  // Answers to MCP Warden's own questions to the host never reach the server; odd ones are only logged.
  const hostElicitation = createHostElicitation({ onDrop: (reason) => log.warn(reason) })
  const pipeline = createStandardPipeline({
    resolveToken: sources.resolveToken,
    verifier: sources.verifier,
    policy,
    limitStore: sources.limitStore,
    audit: sources.audit,
    findingHashKey: sources.findingHashKey,
    // A stdio server learns who calls only from the message (and, when listed in the settings' upstreams, gets a
    // token issued for it there too); an HTTP server learns it from its own bearer token.
    attachIdentity: !isStdio ? false : sources.identityMetaToken === undefined ? true : { token: sources.identityMetaToken },
    // The policy's serverAllowList is checked against what this proxy actually runs.
    upstream: parsed.upstream.kind === 'command' ? { command: [parsed.upstream.command, ...parsed.upstream.args] } : { url: parsed.upstream.url.href },
    // `effect: ask`: the host's elicitation, else the agent's approvals queue, else denied with how to approve.
    approve: createProxyApprover({ host: hostElicitation, agent: sources.approvals }),
    // Stage failures and audit write failures: the call was refused, so say why where support will look.
    onError: (error) => log.warn(`pipeline: ${describe(error)}`),
  })
  const session = { server: parsed.name, sessionId: randomUUID(), transport: isStdio ? ('stdio' as const) : ('http' as const) }
  let openUpstream: OpenUpstream
  if (parsed.upstream.kind === 'command') openUpstream = commandUpstream(parsed.upstream, io)
  else {
    try {
      openUpstream = urlUpstream(parsed.upstream.url, sources.upstreamToken, log)
    } catch (error) {
      if (!(error instanceof TypeError)) throw error
      throw usage(`--url ${error.message.replace(/^"url" /, '')}.`)
    }
  }
  try {
    return await runBridge({ io, log, governance: { pipeline, session }, hostElicitation, framing: config.framing, openUpstream })
  } finally {
    sources.close()
  }
}

interface BridgeRun {
  readonly io: CliIo
  readonly log: Logger
  readonly governance: BridgeOptions['governance']
  readonly hostElicitation: HostElicitation
  readonly framing: Framing
  readonly openUpstream: OpenUpstream
}

/** Host stdio ⇄ governed bridge ⇄ upstream, for both kinds of server; resolves with the exit code. */
async function runBridge({ io, log, governance, hostElicitation, framing, openUpstream }: BridgeRun): Promise<ExitCode> {
  const host = new NdjsonStreamTransport({
    input: io.stdin,
    output: io.stdout,
    ...framing,
    onFrameError: (error, id) => {
      log.warn(`refused a message from the client: ${error.code}`)
      bridge.rejectFrame('client', error, id)
    },
  })
  const upstream = openUpstream(framing, (error, id) => {
    log.warn(`refused a message from the server: ${error.code}`)
    bridge.rejectFrame('server', error, id)
  })
  const bridge = createBridge({
    client: host,
    server: upstream.transport,
    governance,
    hostElicitation,
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
  log.error(`${upstream.stopped()}; the proxy is exiting.`)
  return EXIT_CODE.RUNTIME
}

function describe(error: unknown): string {
  if (error instanceof WardenError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
