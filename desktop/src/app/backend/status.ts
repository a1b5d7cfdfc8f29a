/**
 * desktop/src/app/backend/status.ts — `app:status`: the agent (running or down, and what to do), who is signed in,
 * the policy in brief, today's calls and blocks, and how many approvals wait. Never throws for a missing agent or
 * settings: the screens show those states.
 */
import { isWardenError } from '@mcp-warden/core'
import type { AppStatus } from '../contract/ipc-contract.js'
import type { AgentLink } from './agent-link.js'
import { todayTotals } from './audit-handlers.js'
import type { AuditIndex } from './audit-index.js'
import { policyBrief } from './policy-view.js'

/** What the status screen says when no agent answers: why it matters and what to do. */
export const AGENT_DOWN =
  'The MCP Warden agent is not running, so your protected servers refuse every call. Quit and reopen MCP Warden, or run `mcp-warden agent` in a terminal.'

function downMessage(error: unknown): string {
  if (!isWardenError(error) || error.code === 'ERR_AGENT_UNAVAILABLE') return AGENT_DOWN
  return error.message
}

/**
 * @example
 * const status = await appStatus(agent, index)
 */
export async function appStatus(agent: AgentLink, index: AuditIndex): Promise<AppStatus> {
  const today = await todayTotals(index).catch(() => ({ calls: 0, blocked: 0 }))
  try {
    return await agent.use(async (client) => {
      const [session, snapshot, pending] = await Promise.all([
        client.sessionStatus(),
        client.policySnapshot(),
        client.agent.protocol >= 2 ? client.listApprovals() : Promise.resolve([]),
      ])
      return { agent: { state: 'running', version: client.agent.version }, session, policy: policyBrief(snapshot), today, pendingApprovals: pending.length }
    })
  } catch (error) {
    return { agent: { state: 'down', message: downMessage(error) }, session: null, policy: null, today, pendingApprovals: 0 }
  }
}
