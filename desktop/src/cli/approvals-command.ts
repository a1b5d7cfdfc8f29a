/**
 * desktop/src/cli/approvals-command.ts — `mcp-warden approvals list [--json]`, `approvals allow ID`,
 * `approvals deny ID`: the calls a policy rule marks `effect: ask` that wait in the running agent's queue (queued
 * by proxies whose MCP client cannot ask the person itself), and the person's answer to one of them.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import type { AgentClient } from '../agent/client/index.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import type { PendingApproval } from '../agent/protocol/schemas.js'
import { loadOrgSettings } from '../settings/load-org-settings.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'

export const APPROVALS_HELP = `Usage: mcp-warden approvals list [--json]
       mcp-warden approvals allow ID
       mcp-warden approvals deny ID

Calls your organisation's policy lets through only with your approval (rules with "effect: ask") wait in your
MCP Warden agent when your MCP client cannot ask you itself (it does not support MCP elicitation). List them,
then allow or deny one by its ID. A call nobody answers is refused when its rule's time runs out.

Commands:
  list        the calls waiting, oldest first: ID, server and tool, rule, argument names, a preview of the
              arguments (every personal data or secret found in them masked), and the time left
  allow ID    let that call through, once
  deny ID     refuse that call

Options:
  --json      (list) one JSON object, for scripts
  -h, --help  show this help
`

type Parsed = { readonly verb: 'list'; readonly json: boolean } | { readonly verb: 'allow' | 'deny'; readonly id: string } | 'help'

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden approvals --help\` for usage.`)
}

function parse(argv: readonly string[]): Parsed {
  let values: { json?: boolean | undefined; help?: boolean | undefined }
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw usage((cause as Error).message)
  }
  if (values.help === true) return 'help'
  const [verb, id, ...extra] = positionals
  if (verb === 'list') {
    if (id !== undefined) throw usage('`approvals list` takes no arguments.')
    return { verb, json: values.json === true }
  }
  if (verb !== 'allow' && verb !== 'deny') throw usage(verb === undefined ? 'Say what to do: list, allow ID or deny ID.' : `Unknown approvals command "${verb}": use list, allow or deny.`)
  if (values.json === true) throw usage('--json applies to `approvals list` only.')
  if (id === undefined || id === '' || id.length > 128 || extra.length > 0) throw usage(`Give one approval ID: \`mcp-warden approvals ${verb} ID\` (the IDs are in \`mcp-warden approvals list\`).`)
  return { verb, id }
}

/** The running agent's queue; never starts an agent (a new one would hold no approvals). */
async function withAgent<T>(io: CliIo, use: (agent: AgentClient) => Promise<T>): Promise<T> {
  const loaded = await loadOrgSettings({ env: io.env })
  const socket = agentSocketFor(io.env, loaded.settings)
  const result = await withRunningAgent(socket, 'mcp-warden approvals', async (agent) => ({ value: await use(agent) }))
  if (result !== undefined) return result.value
  throw new WardenError(
    'ERR_AGENT_UNAVAILABLE',
    `No MCP Warden agent is running (nothing answers on ${socket}), so no call is waiting for approval. Calls wait there only while the proxy that asks runs with the agent; start the MCP Warden app or run \`mcp-warden agent\`.`,
  )
}

/** Names and previews come from MCP peers: control and bidi characters are shown escaped, never sent to the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function render(pending: readonly PendingApproval[], now: number): string {
  if (pending.length === 0) return 'No calls are waiting for your approval.\n'
  const blocks = pending.map(({ id, question, expiresAt }) => {
    const left = Math.max(0, Math.round((expiresAt - now) / 1000))
    const lines = [
      `${id}  ${question.server}/${question.target}  (rule ${question.ruleIds.join(', ')}; ${left} s left)`,
      `  arguments: ${question.argumentNames.length === 0 ? '(none)' : question.argumentNames.join(', ')}`,
      ...(question.argumentsPreview === undefined ? [] : [`  preview:   ${question.argumentsPreview}`]),
    ]
    return lines.map(printable).join('\n')
  })
  return `${blocks.join('\n')}\nAnswer with \`mcp-warden approvals allow ID\` or \`mcp-warden approvals deny ID\`.\n`
}

/**
 * @example
 * const code = await approvalsCommand(['allow', '3f0c…'], io)
 */
export async function approvalsCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parse(argv)
  if (parsed === 'help') {
    io.stdout.write(APPROVALS_HELP)
    return EXIT_CODE.OK
  }
  if (parsed.verb === 'list') {
    const pending = await withAgent(io, (agent) => agent.listApprovals())
    io.stdout.write(parsed.json ? `${JSON.stringify({ pending })}\n` : render(pending, Date.now()))
    return EXIT_CODE.OK
  }
  const { verb, id } = parsed
  await withAgent(io, (agent) => agent.answerApproval(id, verb))
  io.stdout.write(verb === 'allow' ? `Allowed ${id}: the call goes through.\n` : `Denied ${id}: the call is refused.\n`)
  return EXIT_CODE.OK
}
