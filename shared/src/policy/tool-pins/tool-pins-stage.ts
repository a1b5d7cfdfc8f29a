/**
 * shared/src/policy/tool-pins/tool-pins-stage.ts — blocks tools whose definition is not the approved one.
 *
 * For a server named in the policy's `approvedTools` ("pinned"), every `tools/list` result page on its way to the
 * host is checked: a tool whose definition hash (`toolDefinitionHash`) differs from the approved one, or that is not
 * approved at all, is removed from the page, and the audit record of that page gets the reason
 * (`tool-changed:<name>`, `tool-unapproved:<name>`; `tool-malformed` for an entry without a string name). A
 * `tools/call` is then allowed only for a tool this session has seen in a list with the approved hash: a changed or unapproved tool is denied with ERR_TOOL_CHANGED, and so is a
 * tool never listed (its definition was never checked). `notifications/tools/list_changed` forgets what was seen
 * until the host lists again. The hashes are compared with the policy in force at each message, so an approval
 * takes effect without listing again.
 *
 * Tool descriptions that seem to instruct the model are flagged in the same record (`tool-instructions:<name>`);
 * that never blocks by itself.
 *
 * One stage per session: it remembers what its session listed. `createStandardPipeline` builds one per pipeline.
 */
import { WardenError } from '../../errors.js'
import { isJsonObject, isJsonRpcResultResponse } from '../../jsonrpc/message.js'
import type { JsonObject, JsonValue } from '../../jsonrpc/message.js'
import type { MessageContext, PolicyDecision, Stage, Verdict } from '../../pipeline/types.js'
import type { CompiledPolicy } from '../compiled-policy.js'
import { quote } from '../explain.js'
import { approvedToolsOf } from './approved-tools.js'
import { policySource } from './policy-source.js'
import { toolDefinitionHash } from './tool-definition-hash.js'
import { toolInstructionSignals } from './tool-instructions.js'

/** Options of `toolPinsStage`. */
export interface ToolPinsStageOptions {
  /** The policy, or a function returning the current one (called once per message). */
  readonly policy: CompiledPolicy | (() => CompiledPolicy)
}

/** Why a pinned tool is not usable. */
export type PinProblem = 'tool-changed' | 'tool-unapproved' | 'tool-unlisted'

const MAX_REASONS = 50

/**
 * Builds the tool-pinning stage. Put it after the policy stage.
 *
 * @example createPipeline({ stages: [identityStage(…), policyStage({ policy }), toolPinsStage({ policy }), …], audit })
 * @throws TypeError when `options.policy` is neither a policy from `parsePolicy` nor a function.
 */
export function toolPinsStage(options: ToolPinsStageOptions): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('toolPinsStage: options must be an object')
  const current = policySource(options.policy, 'toolPinsStage')
  /** Tool name → hash of the definition last listed in this session. */
  const seen = new Map<string, string>()
  return {
    name: 'tool-pins',
    process(context) {
      const policy = current()
      if (context.direction !== 'to-client') return checkCall(policy, seen, context)
      const operation = context.operation
      if (operation.kind === 'protocol' && operation.method === 'notifications/tools/list_changed') seen.clear()
      if (operation.kind === 'response' && operation.of?.kind === 'list' && operation.of.method === 'tools/list') {
        return checkList(policy, seen, context)
      }
      return { action: 'pass', context }
    },
  }
}

function checkCall(policy: CompiledPolicy, seen: ReadonlyMap<string, string>, context: MessageContext): Verdict {
  const operation = context.operation
  if (operation.kind !== 'tool' || operation.method !== 'tools/call') return { action: 'pass', context }
  const server = context.session.server
  const pins = approvedToolsOf(policy).get(server)
  if (pins === undefined) return { action: 'pass', context }
  // A malformed name (the policy stage denies those first) was never listed.
  const name = typeof operation.name === 'string' ? operation.name : String(operation.name)
  const listed = seen.get(name)
  const approved = pins.get(name)
  const problem: PinProblem | undefined =
    listed === undefined ? 'tool-unlisted' : approved === undefined ? 'tool-unapproved' : approved !== listed ? 'tool-changed' : undefined
  if (problem === undefined) return { action: 'pass', context }
  const message = explainPinProblem(problem, name, server)
  const error = new WardenError('ERR_TOOL_CHANGED', message, { stage: 'tool-pins', details: { reason: problem, revision: policy.revision } })
  return { action: 'deny', error, context: { ...context, decision: withReasons(context.decision, [problem], { effect: 'deny', revision: policy.revision, explanation: message }) } }
}

/**
 * The text a person sees when a pinned tool is refused; names the tool and server, never arguments.
 *
 * @example explainPinProblem('tool-changed', 'create_issue', 'github')
 */
export function explainPinProblem(problem: PinProblem, name: string, server: string): string {
  const tool = `tool ${quote(name)} on server ${quote(server)}`
  switch (problem) {
    case 'tool-changed':
      return `The server changed the definition of ${tool} since your administrator approved it, so MCP Warden blocks it. Ask your administrator to review and approve the new definition.`
    case 'tool-unapproved':
      return `The ${tool} is not on your organisation's list of approved tools, so MCP Warden blocks it. Ask your administrator to review and approve it.`
    case 'tool-unlisted':
      return `The ${tool} has not been listed in this session, so MCP Warden cannot check its definition. Refresh the tool list in your MCP client and try again.`
  }
}

function checkList(policy: CompiledPolicy, seen: Map<string, string>, context: MessageContext): Verdict {
  const message = context.message
  if (!isJsonRpcResultResponse(message) || !isJsonObject(message.result)) return { action: 'pass', context }
  const tools = message.result['tools']
  if (!Array.isArray(tools)) return { action: 'pass', context }
  const pins = approvedToolsOf(policy).get(context.session.server)
  const reasons: string[] = []
  const entries = tools.map((tool) => readEntry(tool, reasons))
  // A name listed twice with different definitions: which one the server runs is unknown, so neither is trusted.
  const hashesByName = new Map<string, Set<string | undefined>>()
  for (const entry of entries) if (entry !== undefined) hashesByName.set(entry.name, (hashesByName.get(entry.name) ?? new Set()).add(entry.hash))
  const kept: JsonValue[] = []
  tools.forEach((tool, index) => {
    const entry = entries[index]
    if (entry === undefined) {
      if (pins === undefined) kept.push(tool)
      else reasons.push('tool-malformed')
      return
    }
    const hash = (hashesByName.get(entry.name)?.size ?? 0) > 1 ? undefined : entry.hash
    if (hash === undefined) seen.delete(entry.name)
    else seen.set(entry.name, hash)
    if (pins === undefined) {
      kept.push(tool)
      return
    }
    const approved = pins.get(entry.name)
    if (hash !== undefined && approved === hash) kept.push(tool)
    else reasons.push(`${approved === undefined ? 'tool-unapproved' : 'tool-changed'}:${shortName(entry.name)}`)
  })
  if (reasons.length === 0) return { action: 'pass', context }
  const unique = [...new Set(reasons)]
  const bounded = unique.length > MAX_REASONS ? [...unique.slice(0, MAX_REASONS), `and ${unique.length - MAX_REASONS} more`] : unique
  const decision = withReasons(context.decision ?? context.requestDecision, bounded, undefined)
  if (kept.length === tools.length) return { action: 'pass', context: decision === undefined ? context : { ...context, decision } }
  const filtered = { ...message, result: { ...message.result, tools: kept } }
  const modifications = context.modifications.includes('filtered') ? context.modifications : [...context.modifications, 'filtered' as const]
  return { action: 'pass', context: { ...context, message: filtered, modifications, ...(decision === undefined ? {} : { decision }) } }
}

/** A listed tool's name and hash (undefined when it cannot be hashed), or undefined when it has no string name. */
function readEntry(tool: JsonValue, reasons: string[]): { readonly name: string; readonly hash: string | undefined } | undefined {
  if (!isJsonObject(tool) || typeof tool['name'] !== 'string') return undefined
  const name = tool['name']
  for (const signal of toolInstructionSignals(tool)) reasons.push(`tool-instructions:${signal}:${shortName(name)}`)
  return { name, hash: hashOf(tool) }
}

/** A definition JSON cannot canonicalise (it cannot come from a parsed message, but fail closed) has no hash. */
function hashOf(tool: JsonObject): string | undefined {
  try {
    return toolDefinitionHash(tool)
  } catch {
    return undefined
  }
}

function shortName(name: string): string {
  const points = [...name]
  return points.length > 64 ? `${points.slice(0, 64).join('')}…` : name
}

function withReasons(
  base: PolicyDecision | undefined,
  reasons: readonly string[],
  override: { readonly effect: 'deny'; readonly revision: string; readonly explanation: string } | undefined,
): PolicyDecision | undefined {
  if (base === undefined) return undefined
  return Object.freeze({ ...base, ...override, ruleIds: Object.freeze([...base.ruleIds, ...reasons]) })
}
