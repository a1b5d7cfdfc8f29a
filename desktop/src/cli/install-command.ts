/**
 * desktop/src/cli/install-command.ts — `mcp-warden install|uninstall <client|all> [--dry-run] [--yes]`: shows the
 * change to each MCP host's config as a unified diff and applies it after a yes (the prompt on a terminal, or
 * --yes). Install also writes or repairs the launcher shim the protected entries run.
 */
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { EXIT_CODE, isWardenError, WardenError, type ExitCode } from '@mcp-warden/core'
import { CLIENT_IDS, type ClientId, type PreparedPlan } from '../installers/client-config.js'
import { clientInstallers, writeLauncherShim } from '../installers/index.js'
import { cliInstallerContext, type CliInstallerContext } from './installer-context.js'
import type { CliIo } from './io.js'

const CLIENT_LIST = `${CLIENT_IDS.join(', ')} or all`

export const INSTALL_HELP = `Usage: mcp-warden install <client|all> [--dry-run] [--yes]

Protects an MCP client's servers: every server entry in its config is rewritten to start through
\`mcp-warden proxy\` (remote servers through \`proxy --url\`), so each call passes identity, policy, content
safety, limits and audit. Shows the change as a diff first; comments and formatting of the file are kept,
a backup is taken, and \`mcp-warden uninstall\` undoes it.

Clients: ${CLIENT_LIST}

Options:
  --dry-run   show the diff only; change nothing
  -y, --yes   apply without asking (needed when there is no terminal to ask on)
  -h, --help  show this help
`

export const UNINSTALL_HELP = `Usage: mcp-warden uninstall <client|all> [--dry-run] [--yes]

Undoes \`mcp-warden install\`: protected entries start their servers directly again. A file nobody changed
since the install is restored byte for byte; otherwise only the entries are, keeping your other edits.

Clients: ${CLIENT_LIST}

Options:
  --dry-run   show the diff only; change nothing
  -y, --yes   apply without asking (needed when there is no terminal to ask on)
  -h, --help  show this help
`

type Action = 'install' | 'uninstall'

function usage(action: Action, message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden ${action} --help\` for usage.`)
}

interface Options {
  readonly clients: readonly ClientId[]
  readonly dryRun: boolean
  readonly yes: boolean
}

function parse(action: Action, argv: readonly string[]): Options | 'help' {
  let parsed: { values: { 'dry-run'?: boolean; yes?: boolean; help?: boolean }; positionals: string[] }
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (cause) {
    throw usage(action, (cause as Error).message)
  }
  if (parsed.values.help === true) return 'help'
  const [client, ...extra] = parsed.positionals
  if (client === undefined || extra.length > 0) throw usage(action, `Name one client: ${CLIENT_LIST}.`)
  if (client !== 'all' && !(CLIENT_IDS as readonly string[]).includes(client)) throw usage(action, `Unknown client "${client}": use ${CLIENT_LIST}.`)
  return { clients: client === 'all' ? CLIENT_IDS : [client as ClientId], dryRun: parsed.values['dry-run'] === true, yes: parsed.values.yes === true }
}

async function ask(stdin: Readable, stderr: NodeJS.WritableStream, question: string): Promise<boolean> {
  stderr.write(question)
  const lines = createInterface({ input: stdin, crlfDelay: Infinity })
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line)
    return false
  } finally {
    lines.close()
  }
}

function describe(error: unknown): string {
  if (isWardenError(error)) return error.message
  throw error
}

/** Plans every client and prints each plan; clients whose config cannot be read are reported on stderr. */
async function planAll(action: Action, options: Options, context: CliInstallerContext, io: CliIo): Promise<{ prepared: PreparedPlan[]; failed: boolean }> {
  let failed = false
  const prepared: PreparedPlan[] = []
  for (const client of options.clients) {
    try {
      const next = await clientInstallers.planChange(context, client, action)
      // With `all`, clients that are not installed are mentioned in one line and left out.
      if (options.clients.length > 1 && !existsSync(next.plan.configPath)) io.stdout.write(`${next.plan.summary.join(' ')}\n`)
      else prepared.push(next)
    } catch (error) {
      io.stderr.write(`mcp-warden ${action}: ${describe(error)}\n`)
      failed = true
    }
  }
  for (const { plan } of prepared) {
    io.stdout.write(`\n${plan.configPath}\n`)
    for (const line of plan.summary) io.stdout.write(`  - ${line}\n`)
    io.stdout.write(plan.diff === '' ? '  (no change to the file)\n' : plan.diff)
  }
  return { prepared, failed }
}

/** Whether to go on: --yes, or a yes at the prompt; without a terminal, the exit code to stop with. */
async function confirm(action: Action, options: Options, pending: number, io: CliIo): Promise<true | ExitCode> {
  if (pending === 0 || options.yes) return true
  if ((io.stdin as { isTTY?: boolean }).isTTY !== true) {
    const client = options.clients.length > 1 ? 'all' : options.clients[0]
    io.stderr.write(`\nNothing was changed: review the diff above, then run \`mcp-warden ${action} ${client} --yes\` to apply it.\n`)
    return EXIT_CODE.USAGE
  }
  if (await ask(io.stdin, io.stderr, `\nApply these changes to ${pending} file${pending === 1 ? '' : 's'}? [y/N] `)) return true
  io.stderr.write('Nothing was changed.\n')
  return EXIT_CODE.RUNTIME
}

async function changeCommand(action: Action, argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const options = parse(action, argv)
  if (options === 'help') {
    io.stdout.write(action === 'install' ? INSTALL_HELP : UNINSTALL_HELP)
    return EXIT_CODE.OK
  }
  const context = cliInstallerContext(io.env)
  const { prepared, failed: planFailed } = await planAll(action, options, context, io)
  let failed = planFailed
  if (options.dryRun) {
    io.stdout.write('\nDry run: nothing was changed.\n')
    return failed ? EXIT_CODE.RUNTIME : EXIT_CODE.OK
  }
  const go = await confirm(action, options, prepared.filter(({ plan }) => plan.diff !== '').length, io)
  if (go !== true) return go
  if (action === 'install') await writeLauncherShim(context, context.target)
  for (const { apply } of prepared) {
    try {
      io.stdout.write(`${await apply()}\n`)
    } catch (error) {
      io.stderr.write(`mcp-warden ${action}: ${describe(error)}\n`)
      failed = true
    }
  }
  return failed ? EXIT_CODE.RUNTIME : EXIT_CODE.OK
}

/**
 * @example
 * const code = await installCommand(['claude-desktop', '--yes'], io)
 */
export function installCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return changeCommand('install', argv, io)
}

/**
 * @example
 * const code = await uninstallCommand(['all', '--dry-run'], io)
 */
export function uninstallCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return changeCommand('uninstall', argv, io)
}
