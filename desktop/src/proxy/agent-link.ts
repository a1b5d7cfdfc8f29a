/**
 * desktop/src/proxy/agent-link.ts — a proxy's link to the user's agent: an AgentClient that connects on first use
 * (starting an agent when none answers) and starts one again after the agent went away.
 *
 * A proxy never refuses to start because the agent is missing: the host would show a broken server. Calls that
 * need the agent fail closed with ERR_AGENT_UNAVAILABLE (what to do is in the message) and the next one tries again.
 */
import { isWardenError, WardenError } from '@mcp-warden/core'
import { ensureAgent, type AgentClient, type EnsureAgentOptions } from '../agent/client/index.js'
import { UNREACHABLE } from '../agent/client/agent-connection.js'

export interface AgentLinkOptions extends EnsureAgentOptions {
  /** After a failed start, calls fail at once with the same error for this long. Default 5000 ms. */
  readonly retryAfterMs?: number | undefined
  /** Monotonic milliseconds; injected by tests. */
  readonly now?: (() => number) | undefined
}

export interface AgentLink {
  /** Every method connects (or starts the agent) first; rejects with WardenError codes only. */
  readonly client: AgentClient
  close(): void
}

function isUnreachable(error: unknown): boolean {
  return isWardenError(error) && error.details?.['reason'] === UNREACHABLE
}

/**
 * @example
 * const link = createAgentLink({ socketPath, client, server, spawnAgent: () => spawnDetachedAgent(node, [cli, 'agent']) })
 * const { token } = await link.client.idToken()
 */
export function createAgentLink(options: AgentLinkOptions): AgentLink {
  const retryAfterMs = options.retryAfterMs ?? 5000
  if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) throw new TypeError('createAgentLink: options.retryAfterMs must be a number ≥ 0')
  const now = options.now ?? (() => performance.now())
  let current: AgentClient | undefined
  let starting: Promise<AgentClient> | undefined
  let failed: { readonly error: WardenError; readonly at: number } | undefined

  const connected = (): Promise<AgentClient> => {
    if (current !== undefined) return Promise.resolve(current)
    if (failed !== undefined && now() - failed.at < retryAfterMs) return Promise.reject(failed.error)
    starting ??= ensureAgent(options)
      .then((client) => {
        failed = undefined
        return (current = client)
      })
      .catch((error: unknown) => {
        const wardenError = isWardenError(error) ? error : new WardenError('ERR_AGENT_UNAVAILABLE', 'The MCP Warden agent could not be reached. Start the MCP Warden app or run `mcp-warden agent`.', { cause: error })
        failed = { error: wardenError, at: now() }
        throw wardenError
      })
      .finally(() => (starting = undefined))
    return starting
  }

  const use = async <T>(call: (client: AgentClient) => Promise<T>): Promise<T> => {
    const client = await connected()
    try {
      return await call(client)
    } catch (error) {
      // The agent is gone (killed, crashed): this call fails closed; the next one starts an agent again.
      if (isUnreachable(error) && current === client) {
        current = undefined
        client.close()
      }
      throw error
    }
  }

  const client: AgentClient = {
    get agent() {
      if (current === undefined) throw new TypeError('AgentLink: not connected yet; call a method first')
      return current.agent
    },
    sessionStatus: () => use((c) => c.sessionStatus()),
    reloadSession: () => use((c) => c.reloadSession()),
    idToken: () => use((c) => c.idToken()),
    upstreamToken: (resource) => use((c) => c.upstreamToken(resource)),
    consumeRate: (key, spec, cost) => use((c) => c.consumeRate(key, spec, cost)),
    refundRate: (key, spec, cost) => use((c) => c.refundRate(key, spec, cost)),
    chargeBudget: (key, limit, periodKey, cost) => use((c) => c.chargeBudget(key, limit, periodKey, cost)),
    refundBudget: (key, periodKey, cost) => use((c) => c.refundBudget(key, periodKey, cost)),
    appendAudit: (record) => use((c) => c.appendAudit(record)),
    policySnapshot: () => use((c) => c.policySnapshot()),
    requestApproval: (question, signal) => use((c) => c.requestApproval(question, signal)),
    listApprovals: () => use((c) => c.listApprovals()),
    answerApproval: (id, answer) => use((c) => c.answerApproval(id, answer)),
    close: () => current?.close(),
  }
  return {
    client,
    close: () => {
      current?.close()
      current = undefined
    },
  }
}
