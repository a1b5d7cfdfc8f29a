/**
 * desktop/src/agent/client/remote-stores.ts — the agent's limit ledger and audit writer behind the core's
 * `LimitStore` and `AuditSink` interfaces, so a proxy's stages use them unchanged.
 */
import { randomUUID } from 'node:crypto'
import { isWardenError, WardenError, type AuditSink, type LimitStore } from '@mcp-warden/core'
import { spoolAuditRecord } from '../audit/audit-spool.js'
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

/** Options of {@link createRemoteAuditSink}. */
export interface RemoteAuditSinkOptions {
  /**
   * Where outcome records go when the agent is unreachable (see desktop/src/agent/audit/audit-spool.ts), e.g.
   * `defaultAuditSpoolDir(env, process.platform)`. Without it, every failed append rejects.
   */
  readonly spoolDir?: string | undefined
}

/**
 * An `AuditSink` that hands records to the agent, the user's single audit writer. A rejected append (agent gone,
 * disk full there) rejects, so the pipeline fails closed as configured. One exception, with `spoolDir`: the
 * outcome (`result`) record of a call already forwarded, when the agent is unreachable (`ERR_AGENT_UNAVAILABLE`),
 * is written to this proxy's spool file and resolves; the agent takes it in later.
 *
 * @example
 * const pipeline = createStandardPipeline({ audit: createRemoteAuditSink(agent, { spoolDir }), … })
 */
export function createRemoteAuditSink(client: AgentClient, options: RemoteAuditSinkOptions = {}): AuditSink {
  if (typeof client?.appendAudit !== 'function') throw new TypeError('createRemoteAuditSink: client must be an AgentClient')
  const { spoolDir } = options
  if (spoolDir !== undefined && (typeof spoolDir !== 'string' || spoolDir === '')) throw new TypeError('createRemoteAuditSink: options.spoolDir must be a non-empty string')
  // One file per sink: spool files of several proxies never interleave.
  const spoolFile = `spool-${process.pid}-${randomUUID()}.jsonl`
  return {
    append: async (record) => {
      try {
        await client.appendAudit(record)
      } catch (error) {
        if (spoolDir === undefined || record.kind !== 'result' || !isWardenError(error) || error.code !== 'ERR_AGENT_UNAVAILABLE') throw error
        try {
          spoolAuditRecord(spoolDir, spoolFile, record)
        } catch (spoolError) {
          const message = `MCP Warden could not hand an outcome record to its agent (${error.message}) nor keep it in ${spoolDir}. Check that directory is writable.`
          throw new WardenError('ERR_AUDIT_UNAVAILABLE', message, { cause: spoolError })
        }
      }
    },
  }
}
