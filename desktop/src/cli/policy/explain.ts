/**
 * desktop/src/cli/policy/explain.ts — `mcp-warden policy explain --user U --tool SERVER/TOOL --policy FILE`:
 * the decision on one tool call and the rules that made it, in the words the host would see on a deny.
 */
import { resolve } from 'node:path'
import { EXIT_CODE, evaluatePolicy, explainPinProblem, explainServerRefusal, type CompiledPolicy, type ExitCode, type JsonObject, type PolicyRule } from '@mcp-warden/core'
import { loadPolicyFile } from '../../proxy/policy-file.js'
import type { CliIo } from '../io.js'
import { parsePolicyArgs, usage } from './usage.js'

export const HELP = `Usage: mcp-warden policy explain --user U --tool SERVER/TOOL --policy FILE [options]

Prints the decision on one tool call and the rules that made it: the same explanation the person would see on a
denial and the audit record would hold (never argument values). Exit 0 when allowed, 1 when denied.

Options:
  --user U         the person: their subject or email (an email is taken as verified)
  --groups G1,G2   their groups
  --email E        their verified email, when --user is a subject
  --tool S/T       the configured server name and the tool name
  --args JSON      the call's arguments, a JSON object (default {})
  --policy FILE    the policy document (YAML or JSON)
  --json           print { decision, explanation, rules, pins } as JSON
  -h, --help       show this help
`

/** What `explain` reports. */
export interface Explanation {
  readonly decision: 'allow' | 'deny' | 'ask'
  readonly explanation: string
  readonly rules: readonly { readonly id: string; readonly effect: 'allow' | 'deny' | 'ask'; readonly description?: string | undefined }[]
  /** About approvedTools and serverAllowList, when they apply to the server. */
  readonly pins: string | undefined
}

/**
 * Runs `policy explain`.
 *
 * @example const code = await run(['--user', 'alice@example.com', '--groups', 'eng', '--tool', 'fs/read_file', '--policy', 'policy.yaml'], io)
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parsePolicyArgs('explain', argv, {
    user: { type: 'string' },
    groups: { type: 'string' },
    email: { type: 'string' },
    tool: { type: 'string' },
    args: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean' },
  })
  if (values.help === true) {
    io.stdout.write(HELP)
    return EXIT_CODE.OK
  }
  if (positionals.length > 0) throw usage('explain', `Unexpected argument ${JSON.stringify(positionals[0])}.`)
  if (values.user === undefined || values.tool === undefined || values.policy === undefined) throw usage('explain', 'Give --user, --tool and --policy.')
  const slash = values.tool.indexOf('/')
  if (slash <= 0 || slash === values.tool.length - 1) throw usage('explain', '--tool must be SERVER/TOOL, e.g. fs/read_file.')
  const server = values.tool.slice(0, slash)
  const tool = values.tool.slice(slash + 1)
  const args = parseArguments(values.args)
  const policy = await loadPolicyFile(resolve(io.cwd, values.policy))
  const email = values.email ?? (values.user.includes('@') ? values.user : undefined)
  const identity = {
    issuer: '(explain)',
    subject: values.user,
    ...(email === undefined ? {} : { email, emailVerified: true }),
    groups: values.groups === undefined ? [] : values.groups.split(',').map((group) => group.trim()).filter((group) => group !== ''),
    claims: {},
  }
  const result = explainCall(policy, identity, server, tool, args)
  if (values.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  else {
    io.stdout.write(`decision: ${result.decision}\n${result.explanation}\n`)
    for (const rule of result.rules) io.stdout.write(`rule ${rule.id} (${rule.effect})${rule.description === undefined ? '' : `: ${rule.description}`}\n`)
    if (result.pins !== undefined) io.stdout.write(`${result.pins}\n`)
  }
  return result.decision === 'allow' ? EXIT_CODE.OK : EXIT_CODE.RUNTIME
}

function parseArguments(text: string | undefined): JsonObject {
  if (text === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw usage('explain', `--args is not valid JSON: ${(cause as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage('explain', '--args must be a JSON object.')
  return value as JsonObject
}

function explainCall(policy: CompiledPolicy, identity: Parameters<typeof evaluatePolicy>[1]['identity'], server: string, tool: string, args: JsonObject): Explanation {
  const decision = evaluatePolicy(policy, { identity, server, operation: { kind: 'tool', method: 'tools/call', name: tool, arguments: args } })
  const byId = new Map<string, PolicyRule>(policy.document.rules.map((rule) => [rule.id, rule]))
  const rules = decision.ruleIds.flatMap((id) => {
    const rule = byId.get(id)
    return rule === undefined ? [] : [{ id, effect: rule.effect, ...(rule.description === undefined ? {} : { description: rule.description }) }]
  })
  const document = policy.document
  if (document.serverAllowList !== undefined && !document.serverAllowList.some((entry) => entry.name === server)) {
    const explanation = explainServerRefusal('server-not-listed', server, policy.revision)
    return { decision: 'deny', explanation, rules, pins: 'server allow-list: not listed (server-not-listed)' }
  }
  const pins = document.approvedTools?.filter((entry) => entry.server === server) ?? []
  if (pins.length === 0) return { decision: decision.effect, explanation: decision.explanation, rules, pins: undefined }
  const pin = pins.find((entry) => entry.tool === tool)
  if (pin === undefined) {
    // The policy stage runs first: a call its rules deny is explained by them; otherwise the pin refuses it.
    const explanation = decision.effect === 'deny' ? decision.explanation : explainPinProblem('tool-unapproved', tool, server)
    return { decision: 'deny', explanation, rules, pins: 'tool pins: not approved (tool-unapproved, ERR_TOOL_CHANGED)' }
  }
  const note = `tool pins: approved with sha256 ${pin.sha256}; a server listing another definition is blocked (tool-changed)`
  return { decision: decision.effect, explanation: decision.explanation, rules, pins: note }
}
