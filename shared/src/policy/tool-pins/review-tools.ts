/**
 * shared/src/policy/tool-pins/review-tools.ts — what an administrator needs to approve a server's tools: each
 * tool's hash, whether the policy approves that definition, and the instruction signals found in it.
 */
import { isJsonObject } from '../../jsonrpc/message.js'
import type { JsonValue } from '../../jsonrpc/message.js'
import type { CompiledPolicy } from '../compiled-policy.js'
import { approvedToolsOf } from './approved-tools.js'
import { toolDefinitionHash } from './tool-definition-hash.js'
import { toolInstructionSignals } from './tool-instructions.js'

/**
 * `approved`: the pinned hash matches; `changed`: pinned with another hash; `unapproved`: the server is pinned
 * but the tool is not; `not-pinned`: the server has no `approvedTools` entry (its tools are not checked).
 */
export type ToolReviewStatus = 'approved' | 'changed' | 'unapproved' | 'not-pinned'

/** One reviewed tool. */
export interface ToolReview {
  readonly server: string
  readonly tool: string
  readonly sha256: string
  readonly status: ToolReviewStatus
  /** Labels of `INSTRUCTION_SIGNALS` found; empty when none. */
  readonly signals: readonly string[]
}

/**
 * Reviews the tools a server lists (a `tools/list` result's `tools` array).
 *
 * @example reviewTools(policy, 'github', listResult.tools).filter((r) => r.status !== 'approved')
 * @throws TypeError when `tools` is not an array of objects with a string `name`.
 */
export function reviewTools(policy: CompiledPolicy, server: string, tools: readonly JsonValue[]): ToolReview[] {
  if (!Array.isArray(tools)) throw new TypeError('reviewTools: tools must be an array')
  const pins = approvedToolsOf(policy).get(server)
  return tools.map((tool, index) => {
    if (!isJsonObject(tool) || typeof tool['name'] !== 'string') throw new TypeError(`reviewTools: tools[${index}] must be an object with a string "name"`)
    const name = tool['name']
    const sha256 = toolDefinitionHash(tool)
    const approved = pins?.get(name)
    const status: ToolReviewStatus = pins === undefined ? 'not-pinned' : approved === undefined ? 'unapproved' : approved === sha256 ? 'approved' : 'changed'
    return { server, tool: name, sha256, status, signals: toolInstructionSignals(tool) }
  })
}
