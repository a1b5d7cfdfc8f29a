/**
 * sdk/src/bridge.ts — the message-level relay between two MCP Transports, with the governance pipeline on both
 * directions.
 *
 * It keeps every message as it arrived (ids, progress tokens, `_meta`, unknown fields) unless a stage changed
 * it, relays server→client requests (sampling, elicitation, roots) and their answers, handles JSON-RPC batches,
 * and assumes nothing about `initialize` (the 2026-07-28 revision is stateless). Messages are judged
 * concurrently but delivered in arrival order per direction, so a cancellation never overtakes its request.
 * Closing either side closes the other; requests still waiting when the server goes away are answered with
 * ERR_UPSTREAM_UNAVAILABLE.
 */
import {
  classifyMessage,
  isJsonRpcMessage,
  isJsonObject,
  readId,
  renderDenial,
  systemClock,
  toErrorResponse,
  WardenError,
  type Clock,
  type Direction,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type MessageContext,
  type Operation,
  type Pipeline,
  type PolicyDecision,
  type SessionInfo,
} from '@mcp-warden/core'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { isWardenRequestId, type HostElicitation } from './approvals/host-elicitation.js'

export interface Governance {
  readonly pipeline: Pipeline
  readonly session: SessionInfo
  readonly clock?: Clock
}

export interface BridgeOptions {
  /** Faces the host or the app's Client: Warden is the server to it. */
  readonly client: Transport
  /** Faces the MCP server. */
  readonly server: Transport
  /** Without it the bridge is a bare relay (the benchmark's baseline). */
  readonly governance?: Governance
  /**
   * Asks the person at the host to approve calls (see createHostElicitation): it sees the host's messages first
   * and takes out the answers to its own questions. The server may then not use ids with its prefix.
   */
  readonly hostElicitation?: HostElicitation | undefined
  /** Transport errors and messages that could not be relayed; never throws back into the bridge. */
  readonly onError?: (error: unknown, side: Side) => void
}

export type Side = 'client' | 'server'

export interface Bridge {
  start(): Promise<void>
  close(): Promise<void>
  /**
   * A frame from `from` could not be read (too large, too deep, not JSON). Whoever waits for an answer with that
   * id gets the error instead, so nothing is dropped silently: the sender of a bad request, or the requester
   * whose response was unreadable.
   */
  rejectFrame(from: Side, error: WardenError, id: JsonRpcId | null): void
  /** Resolves with the side that closed first, once both sides are closed. */
  readonly closed: Promise<Side>
}

interface Pending {
  readonly request: JsonRpcRequest
  readonly operation: Operation
  readonly decision: PolicyDecision | undefined
  readonly receivedAt: number
}

interface Delivery {
  readonly to: Side
  readonly message: JsonRpcMessage
  /** A request that was forwarded: remembered so its response can be classified. */
  readonly pending?: Pending
  /** A cancellation that was forwarded: the request it names will get no answer, so it is forgotten. */
  readonly forgets?: { readonly side: Side; readonly key: string }
}

const keyOf = (id: JsonRpcId): string => (typeof id === 'number' ? `n:${id}` : `s:${id}`)

/**
 * Relays between two transports.
 *
 * @example
 * const bridge = createBridge({ client: hostTransport, server: childTransport, governance: { pipeline, session } })
 * await bridge.start()
 * const closedBy = await bridge.closed
 */
export function createBridge(options: BridgeOptions): Bridge {
  const { client, server, governance, hostElicitation } = options
  const onError = options.onError ?? (() => {})
  const clock = governance?.clock ?? systemClock
  const transports: Record<Side, Transport> = { client, server }
  /** Requests from the client waiting for the server, and the reverse. */
  const waiting: Record<Side, Map<string, Pending>> = { client: new Map(), server: new Map() }
  const tails: Record<Direction, Promise<void>> = { 'to-server': Promise.resolve(), 'to-client': Promise.resolve() }
  let firstClosed: Side | undefined
  let resolveClosed!: (side: Side) => void
  const closed = new Promise<Side>((resolve) => (resolveClosed = resolve))
  let openSides = 2

  function send(to: Side, message: JsonRpcMessage | JsonRpcMessage[]): void {
    if (firstClosed !== undefined && to === firstClosed) return
    transports[to].send(message as JSONRPCMessage).catch((error: unknown) => onError(error, to))
  }

  function deliver(deliveries: readonly Delivery[], batch: boolean): void {
    const grouped: Record<Side, JsonRpcMessage[]> = { client: [], server: [] }
    for (const delivery of deliveries) {
      if (delivery.pending !== undefined) {
        // The request travels to `delivery.to`; its answer comes back from that side.
        waiting[delivery.to === 'server' ? 'client' : 'server'].set(keyOf(delivery.pending.request.id), delivery.pending)
      }
      // Here, not when judged: delivery is in arrival order, so the request it names is registered by now.
      if (delivery.forgets !== undefined) waiting[delivery.forgets.side].delete(delivery.forgets.key)
      if (batch) grouped[delivery.to].push(delivery.message)
      else send(delivery.to, delivery.message)
    }
    if (!batch) return
    for (const side of ['client', 'server'] as const) if (grouped[side].length > 0) send(side, grouped[side])
  }

  function takePending(direction: Direction, message: JsonRpcMessage): Pending | undefined {
    if ('method' in message || !('id' in message) || message.id === null) return undefined
    // A response travelling to the server answers a request the server sent, and vice versa.
    const map = waiting[direction === 'to-server' ? 'server' : 'client']
    const key = keyOf(message.id)
    const pending = map.get(key)
    if (pending !== undefined) map.delete(key)
    return pending
  }

  /** What a `notifications/cancelled` makes the bridge forget once it is delivered. */
  function cancelled(direction: Direction, message: JsonRpcMessage): Delivery['forgets'] {
    if (!('method' in message) || message.method !== 'notifications/cancelled' || !isJsonObject(message.params)) return undefined
    const requestId = message.params['requestId']
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return undefined
    return { side: direction === 'to-server' ? 'client' : 'server', key: keyOf(requestId) }
  }

  async function judge(direction: Direction, raw: unknown): Promise<Delivery[]> {
    const from: Side = direction === 'to-server' ? 'client' : 'server'
    const to: Side = direction === 'to-server' ? 'server' : 'client'
    if (direction === 'to-server' && hostElicitation?.fromClient(raw) === true) return []
    if (!isJsonRpcMessage(raw)) return invalid(from, raw)
    if (direction === 'to-client' && hostElicitation !== undefined && 'method' in raw && 'id' in raw && isWardenRequestId(raw.id)) return reservedId(raw.id)
    if (governance === undefined) return [{ to, message: raw }]
    const pending = takePending(direction, raw)
    const isResponse = !('method' in raw)
    const operation: Operation = isResponse ? { kind: 'response', of: pending?.operation } : classifyMessage(raw, direction)
    const context: MessageContext = {
      direction,
      message: raw,
      operation,
      request: pending?.request,
      requestDecision: pending?.decision,
      requestReceivedAt: pending?.receivedAt,
      session: governance.session,
      findings: [],
      modifications: [],
      receivedAt: clock.now(),
    }
    const outcome = await governance.pipeline.process(context)
    if (outcome.action === 'deny') {
      const denial = renderDenial(outcome.context, outcome.error, outcome.auditId)
      return denial.to === 'none' || denial.message === undefined ? [] : [{ to: denial.to, message: denial.message }]
    }
    const message = outcome.context.message
    if (!isResponse && 'id' in message) {
      const request = message as JsonRpcRequest
      // The operation as forwarded: after redaction, so the result's record never holds what was removed.
      const forwarded: Pending = { request, operation: outcome.context.operation, decision: outcome.context.decision, receivedAt: context.receivedAt }
      return [{ to, message, pending: forwarded }]
    }
    const forgets = cancelled(direction, message)
    return [forgets === undefined ? { to, message } : { to, message, forgets }]
  }

  function invalid(from: Side, raw: unknown): Delivery[] {
    const id = readId(raw)
    const error = new WardenError(
      'ERR_INVALID_MESSAGE',
      'MCP Warden received a message that is not valid JSON-RPC 2.0, so it was not forwarded.',
      { stage: 'framing' },
    )
    onError(error, from)
    // JSON-RPC 2.0 §5: an invalid request is answered (id null when it cannot be read); a broken response is not.
    const looksLikeResponse = isJsonObject(raw) && !('method' in raw) && ('result' in raw || 'error' in raw)
    return looksLikeResponse ? [] : [{ to: from, message: toErrorResponse(id, error) }]
  }

  /** The host's answer would be taken for one of MCP Warden's own questions: the server must pick another id. */
  function reservedId(id: JsonRpcId): Delivery[] {
    const error = new WardenError('ERR_INVALID_MESSAGE', 'Request ids starting with "mcp-warden:" are reserved for MCP Warden; send this request with another id.', { stage: 'proxy' })
    onError(error, 'server')
    return [{ to: 'server', message: toErrorResponse(id, error) }]
  }

  async function judgeAll(direction: Direction, raw: unknown): Promise<{ deliveries: Delivery[]; batch: boolean }> {
    if (!Array.isArray(raw)) return { deliveries: await judge(direction, raw), batch: false }
    if (raw.length === 0) return { deliveries: invalid(direction === 'to-server' ? 'client' : 'server', raw), batch: false }
    const parts = await Promise.all(raw.map((item) => judge(direction, item)))
    return { deliveries: parts.flat(), batch: true }
  }

  function receive(direction: Direction, raw: unknown): void {
    const work = judgeAll(direction, raw)
    tails[direction] = tails[direction]
      .then(() => work)
      .then(({ deliveries, batch }) => deliver(deliveries, batch))
      .catch((error: unknown) => onError(error, direction === 'to-server' ? 'client' : 'server'))
  }

  function answerWaiting(): void {
    const error = new WardenError(
      'ERR_UPSTREAM_UNAVAILABLE',
      'The MCP server stopped before it answered. Check the server\'s log; your MCP client may restart it.',
      { stage: 'proxy' },
    )
    for (const pending of waiting.client.values()) {
      send('client', toErrorResponse(pending.request.id, error, { asToolResult: pending.operation.kind === 'tool' }))
    }
    waiting.client.clear()
  }

  let othersClose: Promise<void> = Promise.resolve()

  function onSideClosed(side: Side): void {
    if (side === 'client') hostElicitation?.attach(undefined)
    if (firstClosed === undefined) {
      firstClosed = side
      const other: Side = side === 'client' ? 'server' : 'client'
      // Let everything already judged reach the other side before it is closed.
      othersClose = Promise.all([tails['to-server'], tails['to-client']]).then(async () => {
        if (side === 'server') answerWaiting()
        await transports[other].close().catch((error: unknown) => onError(error, other))
      })
    }
    openSides -= 1
    if (openSides === 0) void othersClose.then(() => resolveClosed(firstClosed ?? side))
  }

  for (const side of ['client', 'server'] as const) {
    const direction: Direction = side === 'client' ? 'to-server' : 'to-client'
    let sideClosed = false
    transports[side].onmessage = (message) => receive(direction, message)
    transports[side].onerror = (error) => onError(error, side)
    transports[side].onclose = () => {
      if (sideClosed) return
      sideClosed = true
      onSideClosed(side)
    }
  }

  function rejectFrame(from: Side, error: WardenError, id: JsonRpcId | null): void {
    const other: Side = from === 'client' ? 'server' : 'client'
    const waitingForAnswer = id === null ? undefined : waiting[other].get(keyOf(id))
    if (id !== null && waitingForAnswer !== undefined) {
      // `from` was answering a request of `other`'s: tell `other` its answer was lost.
      waiting[other].delete(keyOf(id))
      const asToolResult = waitingForAnswer.operation.kind === 'tool'
      tails[from === 'client' ? 'to-server' : 'to-client'] = tails[from === 'client' ? 'to-server' : 'to-client'].then(() =>
        send(other, toErrorResponse(id, error, { asToolResult })),
      )
      return
    }
    // A bad request (or one whose id could not be read): its sender gets the error, as JSON-RPC 2.0 §5 asks.
    if (from === 'client' || id !== null) send(from, toErrorResponse(id, error))
  }

  return {
    closed,
    rejectFrame,
    async start() {
      hostElicitation?.attach((message) => send('client', message))
      await server.start()
      await client.start()
    },
    async close() {
      await client.close()
      await closed
    },
  }
}
