/**
 * desktop/src/agent/client/agent-client.ts — what a proxy uses to talk to the per-user agent: typed methods,
 * a timeout per request, and a new connection on the next request after the agent went away.
 */
import { WardenError, type AuditRecord, type BudgetResult, type RateResult, type RateWindow } from '@mcp-warden/core'
import type { IssuedToken, SessionStatus } from '../session/agent-session.js'
import type { AgentMethod, AgentParams, AgentResult, HelloParams } from '../protocol/methods.js'
import type { ApprovalOutcome, ApprovalQuestion, PendingApproval, PolicySnapshot } from '../protocol/schemas.js'
import { START_HINT, openAgentConnection, type AgentConnection } from './agent-connection.js'

export interface ConnectAgentOptions {
  readonly socketPath: string
  /** Who is asking, for the agent's log: e.g. `{ name: 'mcp-warden proxy', version: '0.1.0' }`. */
  readonly client: HelloParams['client']
  /** The MCP server this connection serves; `upstreamUrl` is the only resource `upstreamToken` may ask for. */
  readonly server: HelloParams['server']
  /** Per request, connecting included. Default 5000 ms. */
  readonly timeoutMs?: number | undefined
}

/** A connection to the agent. Every method rejects with WardenError codes (the agent's, or ERR_AGENT_UNAVAILABLE). */
export interface AgentClient {
  /** The agent's version and the protocol chosen, from the last `hello`. */
  readonly agent: { readonly version: string; readonly protocol: number }
  sessionStatus(): Promise<SessionStatus>
  reloadSession(): Promise<SessionStatus>
  idToken(): Promise<IssuedToken>
  /** Only for the `server.upstreamUrl` given at connect; any other resource is refused by the agent. */
  upstreamToken(resource: string): Promise<IssuedToken>
  /** The agent times the bucket with its own monotonic clock. */
  consumeRate(key: string, spec: RateWindow, cost: number): Promise<RateResult>
  refundRate(key: string, spec: RateWindow, cost: number): Promise<void>
  chargeBudget(key: string, limit: number, periodKey: string, cost: number): Promise<BudgetResult>
  refundBudget(key: string, periodKey: string, cost: number): Promise<void>
  appendAudit(record: AuditRecord): Promise<void>
  /** The central policy the agent holds, or null when the settings name no policy URL (use the local file). */
  policySnapshot(): Promise<PolicySnapshot | null>
  /**
   * Queues `question` for a person and resolves with how it ended. Runs on a connection of its own, closed when
   * this resolves or `signal` aborts: the agent then withdraws the question, so none stays listed. Needs agent
   * protocol 2 (else ERR_AGENT_UNAVAILABLE saying to update the agent).
   */
  requestApproval(question: ApprovalQuestion, signal: AbortSignal): Promise<ApprovalOutcome>
  /** The approvals waiting for an answer, oldest first. Needs agent protocol 2. */
  listApprovals(): Promise<PendingApproval[]>
  /** Answers one pending approval. Needs agent protocol 2; an id that is not pending is an error. */
  answerApproval(id: string, answer: 'allow' | 'deny'): Promise<void>
  close(): void
}

const DEFAULT_TIMEOUT_MS = 5000

/** Only the bucket's shape travels: the limits stage passes the policy's whole rule (id, scope), which the agent's strict schema refuses. */
function windowOf(spec: RateWindow): RateWindow {
  return { capacity: spec.capacity, windowSeconds: spec.windowSeconds }
}

function checkOptions(options: ConnectAgentOptions): number {
  if (typeof options !== 'object' || options === null) throw new TypeError('connectAgent: options must be an object')
  if (typeof options.socketPath !== 'string' || options.socketPath === '') throw new TypeError('connectAgent: options.socketPath must be a non-empty string')
  if (typeof options.client?.name !== 'string' || typeof options.server?.name !== 'string') throw new TypeError('connectAgent: options.client and options.server need a name')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('connectAgent: options.timeoutMs must be a positive number')
  return timeoutMs
}

/** The approvals queue came with agent protocol 2. */
const APPROVALS_PROTOCOL = 2

function agentTooOld(protocol: number): WardenError {
  return new WardenError('ERR_AGENT_UNAVAILABLE', `The running MCP Warden agent speaks protocol ${protocol} and has no approvals queue (protocol ${APPROVALS_PROTOCOL}). Update MCP Warden, then restart the app or \`mcp-warden agent\`.`)
}

/** Runs `work` with a signal that aborts after `timeoutMs` with the "did not answer" error. */
function withTimeout<T>(timeoutMs: number, method: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const timeout = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }))
  const timer = setTimeout(() => controller.abort(new WardenError('ERR_AGENT_UNAVAILABLE', `The MCP Warden agent did not answer ${method} within ${timeoutMs} ms. ${START_HINT} If it is running, restart it.`)), timeoutMs)
  return Promise.race([work(controller.signal), timeout]).finally(() => clearTimeout(timer))
}

/**
 * Connects to the agent and says hello. Rejects with `ERR_AGENT_UNAVAILABLE` when no agent answers or the
 * versions do not fit. Later requests reconnect by themselves if the agent went away in between.
 *
 * @example
 * const agent = await connectAgent({ socketPath, client: { name: 'mcp-warden proxy', version }, server: { name: 'files' } })
 * const { token } = await agent.idToken()
 */
export async function connectAgent(options: ConnectAgentOptions): Promise<AgentClient> {
  const timeoutMs = checkOptions(options)
  const hello = { client: options.client, server: options.server }
  let current: AgentConnection | undefined
  let connecting: Promise<AgentConnection> | undefined

  const connection = (): Promise<AgentConnection> => {
    if (current !== undefined && !current.closed) return Promise.resolve(current)
    connecting ??= openAgentConnection(options.socketPath, hello, timeoutMs)
      .then((opened) => (current = opened))
      .finally(() => (connecting = undefined))
    return connecting
  }
  const call = <M extends AgentMethod>(method: M, params: AgentParams<M>): Promise<AgentResult<M>> =>
    withTimeout(timeoutMs, method, async (signal) => (await connection()).request(method, params, signal) as Promise<AgentResult<M>>)

  await withTimeout(timeoutMs, 'hello', connection)
  const protocol2 = async (): Promise<void> => {
    const { protocol } = (await connection()).hello
    if (protocol < APPROVALS_PROTOCOL) throw agentTooOld(protocol)
  }
  const ack = (): void => undefined
  return {
    get agent() {
      const result = (current as AgentConnection).hello
      return { version: result.agent.version, protocol: result.protocol }
    },
    sessionStatus: () => call('session.status', {}),
    reloadSession: () => call('session.reload', {}),
    idToken: () => call('identity.token', {}),
    upstreamToken: (resource) => call('upstream.token', { resource }),
    consumeRate: async (key, spec, cost) => {
      const result = await call('limits.consumeRate', { key, spec: windowOf(spec), cost })
      return { ...result, retryAfterMs: result.retryAfterMs ?? Number.POSITIVE_INFINITY }
    },
    refundRate: (key, spec, cost) => call('limits.refundRate', { key, spec: windowOf(spec), cost }).then(ack),
    chargeBudget: (key, limit, periodKey, cost) => call('limits.chargeBudget', { key, limit, periodKey, cost }),
    refundBudget: (key, periodKey, cost) => call('limits.refundBudget', { key, periodKey, cost }).then(ack),
    appendAudit: (record) => call('audit.append', { record }).then(ack),
    policySnapshot: async () => (await call('policy.snapshot', {})).snapshot,
    requestApproval: async (question, signal) => {
      const own = await withTimeout(timeoutMs, 'hello', () => openAgentConnection(options.socketPath, hello, timeoutMs))
      try {
        if (own.hello.protocol < APPROVALS_PROTOCOL) throw agentTooOld(own.hello.protocol)
        // The agent answers `timeout` once the question's time has passed: wait a little longer than that.
        const limitMs = question.timeoutSeconds * 1000 + timeoutMs
        const result = await withTimeout(limitMs, 'approvals.request', (timedOut) => own.request('approvals.request', { question }, AbortSignal.any([signal, timedOut])))
        return result as AgentResult<'approvals.request'>
      } finally {
        own.close()
      }
    },
    listApprovals: async () => {
      await protocol2()
      return (await call('approvals.list', {})).pending
    },
    answerApproval: async (id, answer) => {
      await protocol2()
      await call('approvals.answer', { id, answer })
    },
    close: () => current?.close(),
  }
}
