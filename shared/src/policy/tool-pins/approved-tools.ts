/**
 * shared/src/policy/tool-pins/approved-tools.ts — the `approvedTools` of a policy, by server and tool.
 *
 * Built once per loaded policy (cached beside it), so a policy refresh that approves a new hash takes effect on
 * the next message.
 */
import type { CompiledPolicy } from '../compiled-policy.js'

/** Approved hashes: server name → tool name → sha256. A server absent here is not pinned. */
export type ApprovedTools = ReadonlyMap<string, ReadonlyMap<string, string>>

const cache = new WeakMap<CompiledPolicy, ApprovedTools>()

/**
 * The approved tools of a policy.
 *
 * @example approvedToolsOf(policy).get('github')?.get('create_issue') // 'a3f2…'
 */
export function approvedToolsOf(policy: CompiledPolicy): ApprovedTools {
  let approved = cache.get(policy)
  if (approved === undefined) {
    const byServer = new Map<string, Map<string, string>>()
    for (const entry of policy.document.approvedTools ?? []) {
      let tools = byServer.get(entry.server)
      if (tools === undefined) byServer.set(entry.server, (tools = new Map()))
      tools.set(entry.tool, entry.sha256)
    }
    approved = byServer
    cache.set(policy, approved)
  }
  return approved
}
