/**
 * desktop/src/cli/clients-command.ts — `mcp-warden clients [--json]`: which MCP hosts have a config here, and for
 * each server entry whether it runs through Warden, was changed by hand since, or cannot be protected (and why).
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import type { ClientReport, ConfiguredServer } from '../installers/client-config.js'
import { clientInstallers } from '../installers/index.js'
import { cliInstallerContext } from './installer-context.js'
import type { CliIo } from './io.js'

export const CLIENTS_HELP = `Usage: mcp-warden clients [--json]

Lists the MCP clients MCP Warden can protect (Claude Desktop, Cursor, VS Code, Windsurf, Claude Code): where
each keeps its config, and for every server in it whether it runs through MCP Warden. Changes nothing.

Options:
  --json      print the report as JSON (the shape the desktop app uses)
  -h, --help  show this help
`

function serverLine(server: ConfiguredServer): string {
  const name = server.scope === undefined ? server.name : `${server.name} (project ${server.scope})`
  let state = server.protected ? 'protected' : 'not protected'
  if (server.drift) state += server.protected ? ', edited by hand since: install again to keep it protected' : ', added since the last install: install again to protect it'
  if (server.note !== undefined) state += ` (${server.note})`
  return `  ${name.padEnd(24)} ${server.kind.padEnd(7)} ${state}\n`
}

function report(client: ClientReport): string {
  let text = `${client.label}: ${client.state === 'found' ? client.configPath : client.state === 'absent' ? `no config (${client.configPath})` : `error: ${client.error ?? ''}`}\n`
  if (client.state === 'found' && client.servers.length === 0) text += '  (no servers)\n'
  for (const server of client.servers) text += serverLine(server)
  if (client.launcherMissing) text += `  The MCP Warden launcher these entries run is missing or out of date: run \`mcp-warden install ${client.client}\` to repair it.\n`
  return text
}

/**
 * @example
 * const code = await clientsCommand(['--json'], io)
 */
export async function clientsCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values: { json?: boolean; help?: boolean }
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden clients --help\` for usage.`)
  }
  if (values.help === true) {
    io.stdout.write(CLIENTS_HELP)
    return EXIT_CODE.OK
  }
  const reports = await clientInstallers.detectClients(cliInstallerContext(io.env))
  io.stdout.write(values.json === true ? `${JSON.stringify(reports, null, 2)}\n` : reports.map(report).join('\n'))
  return EXIT_CODE.OK
}
