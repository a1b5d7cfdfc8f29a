/**
 * desktop/src/cli/main.ts — `mcp-warden VERB ...`: dispatch, help, and the one place errors become exit codes.
 */
import { EXIT_CODE, isWardenError, toExitCode, type ExitCode } from '@mcp-warden/core'
import type { CliIo } from './io.js'

export const VERSION = '0.1.0'

export const MAIN_HELP = `Usage: mcp-warden <command> [options]

Governance for Model Context Protocol tool calls: identity, policy, content safety, usage limits, audit.

Commands:
  proxy     run an MCP server behind MCP Warden (what your MCP client launches)
  login     sign in with your organisation's identity provider (--device or --browser)
  logout    sign out: revoke the session at the identity provider and clear the keychain
  status    who is signed in, until when; the agent, the settings and the policy in force
  approvals calls waiting in the agent for your approval (policy rules with "ask"): list, allow, deny
  agent     run this user's MCP Warden agent (session, limits, audit) without the app
  install   protect an MCP client's servers: rewrite its config to launch them through the proxy
  uninstall undo \`install\`: the client starts its servers directly again
  clients   list the MCP clients found here and which of their servers are protected
  audit     check the audit log's hash chain (verify) and read it (tail)
  policy    keygen, sign and verify the organisation's signed policy bundles
  scan      find PII and secrets in JSON Lines of tool arguments (prints what it finds)
  demo      see every concern at work against a local identity provider and a sample server
  dev-idp   run the development identity provider and write settings for it (try sign-in locally)

Run \`mcp-warden <command> --help\` for a command's options.
Options: -h, --help   --version
`

interface Command {
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>
  readonly help: () => Promise<string>
}

// Each verb is loaded only when used: the proxy, which hosts start once per server, must not pay for the demo's
// identity provider and MCP client (startup time, memory, garbage-collection work on the hot path).
const COMMANDS: Readonly<Record<string, Command>> = {
  proxy: {
    run: async (argv, io) => (await import('./proxy-command.js')).proxyCommand(argv, io),
    help: async () => (await import('./proxy-command.js')).PROXY_HELP,
  },
  login: {
    run: async (argv, io) => (await import('./login-command.js')).loginCommand(argv, io),
    help: async () => (await import('./login-command.js')).LOGIN_HELP,
  },
  logout: {
    run: async (argv, io) => (await import('./logout-command.js')).logoutCommand(argv, io),
    help: async () => (await import('./logout-command.js')).LOGOUT_HELP,
  },
  status: {
    run: async (argv, io) => (await import('./status-command.js')).statusCommand(argv, io),
    help: async () => (await import('./status-command.js')).STATUS_HELP,
  },
  approvals: {
    run: async (argv, io) => (await import('./approvals-command.js')).approvalsCommand(argv, io),
    help: async () => (await import('./approvals-command.js')).APPROVALS_HELP,
  },
  agent: {
    run: async (argv, io) => (await import('./agent-command.js')).agentCommand(argv, io),
    help: async () => (await import('./agent-command.js')).AGENT_HELP,
  },
  install: {
    run: async (argv, io) => (await import('./install-command.js')).installCommand(argv, io),
    help: async () => (await import('./install-command.js')).INSTALL_HELP,
  },
  uninstall: {
    run: async (argv, io) => (await import('./install-command.js')).uninstallCommand(argv, io),
    help: async () => (await import('./install-command.js')).UNINSTALL_HELP,
  },
  clients: {
    run: async (argv, io) => (await import('./clients-command.js')).clientsCommand(argv, io),
    help: async () => (await import('./clients-command.js')).CLIENTS_HELP,
  },
  audit: {
    run: async (argv, io) => (await import('./audit-command.js')).auditCommand(argv, io),
    help: async () => (await import('./audit-command.js')).AUDIT_HELP,
  },
  policy: {
    run: async (argv, io) => (await import('./policy-command.js')).policyCommand(argv, io),
    help: async () => (await import('./policy-command.js')).POLICY_HELP,
  },
  scan: {
    run: async (argv, io) => (await import('./scan-command.js')).scanCommand(argv, io),
    help: async () => (await import('./scan-command.js')).SCAN_HELP,
  },
  demo: {
    run: async (argv, io) => (await import('../demo/demo-command.js')).demoCommand(argv, io),
    help: async () => (await import('../demo/demo-command.js')).DEMO_HELP,
  },
  'dev-idp': {
    run: async (argv, io) => (await import('./dev-idp-command.js')).devIdpCommand(argv, io),
    help: async () => (await import('./dev-idp-command.js')).DEV_IDP_HELP,
  },
}

/**
 * Runs one CLI invocation and returns its exit code: 0 ok, 1 runtime failure, 2 usage or configuration error.
 *
 * @example
 * const code = await main(['proxy', '--config', 'proxy.yaml', '--', 'node', 'server.js'], io)
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [verb, ...rest] = argv
  if (verb === undefined || verb === '-h' || verb === '--help' || verb === 'help') {
    const topic = verb === 'help' ? rest[0] : undefined
    const command = topic === undefined ? undefined : COMMANDS[topic]
    ;(verb === undefined ? io.stderr : io.stdout).write(command === undefined ? MAIN_HELP : await command.help())
    return verb === undefined ? EXIT_CODE.USAGE : EXIT_CODE.OK
  }
  if (verb === '--version') {
    io.stdout.write(`${VERSION}\n`)
    return EXIT_CODE.OK
  }
  const command = COMMANDS[verb]
  if (command === undefined) {
    io.stderr.write(`mcp-warden: unknown command "${verb}". Run \`mcp-warden --help\` for the list.\n`)
    return EXIT_CODE.USAGE
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    const text = isWardenError(error) ? `${error.message} (${error.code})` : `unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`
    io.stderr.write(`mcp-warden ${verb}: ${text}\n`)
    return toExitCode(error)
  }
}
