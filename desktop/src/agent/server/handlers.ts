/**
 * desktop/src/agent/server/handlers.ts — what the agent does for each method, once params are checked.
 */
import { WardenError, type AuditSink, type Clock, type LimitStore } from '@mcp-warden/core'
import type { ApprovalQueue } from '../approvals/approval-queue.js'
import type { AgentSession } from '../session/agent-session.js'
import { AGENT_PROTOCOL, type AgentMethod, type AgentParams, type AgentResult, type HelloParams } from '../protocol/methods.js'
import { negotiateProtocol } from '../protocol/negotiate.js'
import type { PolicySnapshot } from '../protocol/schemas.js'

/** What the agent knows about one connection: what it declared in `hello`. */
export interface ConnectionState {
  hello: HelloParams | undefined
  /** Aborted when the connection closes: long requests (approvals) withdraw then. */
  readonly closed: AbortSignal
}

export interface HandlerContext {
  readonly session: AgentSession
  readonly limitStore: LimitStore
  readonly audit: AuditSink
  /** The central policy in force (the agent's CentralPolicySource), or null: proxies use their policy file. */
  readonly policySnapshot: () => PolicySnapshot | null | Promise<PolicySnapshot | null>
  readonly approvals: ApprovalQueue
  readonly version: string
  /** The agent's own monotonic clock: the callers' clocks are other processes' and do not compare. */
  readonly clock: Clock
}

type Handler<M extends AgentMethod> = (params: AgentParams<M>, state: ConnectionState) => Promise<AgentResult<M>>
export type Handlers = { readonly [M in AgentMethod]: Handler<M> }

function sameUrl(a: string, b: string): boolean {
  return new URL(a).href === new URL(b).href
}

/**
 * @example
 * const handlers = createHandlers({ session, limitStore, audit, policySnapshot: () => null, approvals: createApprovalQueue(), version, clock: systemClock })
 */
export function createHandlers(context: HandlerContext): Handlers {
  const { session, limitStore, audit, clock } = context
  return {
    hello: async (params, state) => {
      const protocol = negotiateProtocol(params.protocol, AGENT_PROTOCOL)
      state.hello = params
      return { protocol, agent: { version: context.version } }
    },
    'session.status': () => session.status(),
    'session.reload': () => session.reload(),
    'identity.token': () => session.idToken(),
    'upstream.token': async ({ resource }, state) => {
      const declared = state.hello?.server.upstreamUrl
      if (declared === undefined || !sameUrl(declared, resource)) {
        const which = declared === undefined ? 'declared no upstream URL' : 'declared another upstream URL'
        throw new WardenError('ERR_POLICY_DENIED', `The MCP Warden agent refused an upstream token: this connection ${which} in hello, and the agent gives a connection tokens only for the upstream it declared. Check the proxy's upstream configuration.`)
      }
      return session.upstreamToken(resource)
    },
    'limits.consumeRate': async ({ key, spec, cost }) => {
      const result = await limitStore.consumeRate(key, spec, cost, clock.monotonic())
      return { ...result, retryAfterMs: Number.isFinite(result.retryAfterMs) ? result.retryAfterMs : null }
    },
    'limits.refundRate': async ({ key, spec, cost }) => {
      await limitStore.refundRate(key, spec, cost, clock.monotonic())
      return null
    },
    'limits.chargeBudget': ({ key, limit, periodKey, cost }) => limitStore.chargeBudget(key, limit, periodKey, cost),
    'limits.refundBudget': async ({ key, periodKey, cost }) => {
      await limitStore.refundBudget(key, periodKey, cost)
      return null
    },
    'audit.append': async ({ record }) => {
      await audit.append(record)
      return null
    },
    'policy.snapshot': async () => ({ snapshot: (await context.policySnapshot()) ?? null }),
    'approvals.request': ({ question }, state) => context.approvals.request(question, state.closed),
    'approvals.list': async () => ({ pending: context.approvals.list() }),
    'approvals.answer': async ({ id, answer }) => {
      context.approvals.answer(id, answer)
      return null
    },
  }
}
