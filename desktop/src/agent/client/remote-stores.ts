/**
 * desktop/src/agent/client/remote-stores.ts — the agent's limit ledger and audit writer behind the core's
 * `LimitStore` and `AuditSink` interfaces, so a proxy's stages use them unchanged.
 */
import type { AuditSink, LimitStore } from '@mcp-warden/core'
import type { AgentClient } from './agent-client.js'

/**
 * A `LimitStore` kept by the agent, shared by every proxy of the user. The `nowMs` callers pass is not sent: a
 * monotonic clock of one process means nothing to another, so the agent times buckets with its own.
 *
 * @example
 * const stage = limitsStage({ store: createRemoteLimitStore(agent), … })
 */
export function createRemoteLimitStore(client: AgentClient): LimitStore {
  if (typeof client?.consumeRate !== 'function') throw new TypeError('createRemoteLimitStore: client must be an AgentClient')
  return {
    consumeRate: (key, spec, cost) => client.consumeRate(key, spec, cost),
    refundRate: (key, spec, cost) => client.refundRate(key, spec, cost),
    chargeBudget: (key, limit, periodKey, cost) => client.chargeBudget(key, limit, periodKey, cost),
    refundBudget: (key, periodKey, cost) => client.refundBudget(key, periodKey, cost),
  }
}

/**
 * An `AuditSink` that hands records to the agent, the user's single audit writer. A rejected append (agent gone,
 * disk full there) rejects, so the pipeline fails closed as configured.
 *
 * @example
 * const pipeline = createStandardPipeline({ audit: createRemoteAuditSink(agent), … })
 */
export function createRemoteAuditSink(client: AgentClient): AuditSink {
  if (typeof client?.appendAudit !== 'function') throw new TypeError('createRemoteAuditSink: client must be an AgentClient')
  return { append: (record) => client.appendAudit(record) }
}
