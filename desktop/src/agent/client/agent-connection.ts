/**
 * desktop/src/agent/client/agent-connection.ts — one socket to the agent: connect, say hello, correlate
 * responses with requests by id, and fail every request in flight when the socket goes away.
 */
import { connect, type Socket } from 'node:net'
import { WardenError, type Frame } from '@mcp-warden/core'
import { AGENT_METHODS, AGENT_PROTOCOL, type AgentMethod, type HelloParams, type HelloResult } from '../protocol/methods.js'
import { describeIssues } from '../protocol/issues.js'
import { createAgentFrameReader, encodeFrame, responseFrameSchema, type ResponseFrame } from '../protocol/frames.js'

export const START_HINT = 'Start the MCP Warden app or run `mcp-warden agent`.'

interface Pending {
  readonly method: AgentMethod
  resolve(result: unknown): void
  reject(error: unknown): void
}

export interface AgentConnection {
  readonly hello: HelloResult
  readonly closed: boolean
  /**
   * Sends a request with checked params; resolves with the checked result. Never times out by itself: when
   * `signal` aborts, the request is forgotten (a late answer is dropped) and rejects with the signal's reason.
   */
  request(method: AgentMethod, params: unknown, signal?: AbortSignal): Promise<unknown>
  close(): void
}

/** The reason in `details` of errors that mean "no agent answers here", which `ensureAgent` may retry. */
export const UNREACHABLE = 'unreachable'

export function unreachable(socketPath: string, cause: unknown): WardenError {
  const message = `The MCP Warden agent is not running (nothing answers on ${socketPath}). ${START_HINT}`
  return new WardenError('ERR_AGENT_UNAVAILABLE', message, { cause, details: { reason: UNREACHABLE } })
}

/**
 * An agent that closes the connection before answering `hello` is not serving yet (still starting, or losing the
 * race for the lock to another one): that is "unreachable", so `ensureAgent` keeps waiting instead of giving up.
 */
function wentAway(method: AgentMethod): WardenError {
  return new WardenError('ERR_AGENT_UNAVAILABLE', `The MCP Warden agent went away during ${method}. ${START_HINT} Then try again.`, {
    ...(method === 'hello' ? { details: { reason: UNREACHABLE } } : {}),
  })
}

function openSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', (error) => reject(unreachable(socketPath, error)))
  })
}

function settle(pending: Pending, frame: ResponseFrame): void {
  if (!frame.ok) {
    pending.reject(new WardenError(frame.error.code, frame.error.message))
    return
  }
  const result = AGENT_METHODS[pending.method].result.safeParse(frame.result)
  if (result.success) pending.resolve(result.data)
  else pending.reject(new WardenError('ERR_INTERNAL', `The MCP Warden agent sent an answer to ${pending.method} this client cannot read. Install the same MCP Warden version for the agent and the proxy.`))
}

/**
 * Connects and completes `hello`. Rejects with `ERR_AGENT_UNAVAILABLE` when nothing answers, or when the
 * protocol versions do not overlap (the message says which side to update).
 *
 * @example
 * const connection = await openAgentConnection(socketPath, { client, server }, 5000)
 */
export async function openAgentConnection(socketPath: string, hello: Omit<HelloParams, 'protocol'>, helloTimeoutMs: number): Promise<AgentConnection> {
  const socket = await openSocket(socketPath)
  // An agent that accepts but never answers hello would hold this connection, and every later request, forever.
  const helloTimer = setTimeout(() => socket.destroy(), helloTimeoutMs)
  const reader = createAgentFrameReader()
  const pending = new Map<number, Pending>()
  let nextId = 0
  let closed = false

  const fail = (error: WardenError): void => {
    for (const entry of pending.values()) entry.reject(error)
    pending.clear()
    socket.destroy()
  }
  const onFrames = (frames: Frame[]): void => {
    for (const frame of frames) {
      const parsed = frame.kind === 'message' ? responseFrameSchema.safeParse(frame.value) : undefined
      if (parsed === undefined || !parsed.success) {
        fail(new WardenError('ERR_AGENT_UNAVAILABLE', `The MCP Warden agent sent a line this client cannot read; the connection was closed. Install the same MCP Warden version for the agent and the proxy.`))
        return
      }
      const entry = parsed.data.id === null ? undefined : pending.get(parsed.data.id)
      if (entry === undefined || parsed.data.id === null) continue
      pending.delete(parsed.data.id)
      settle(entry, parsed.data)
    }
  }
  socket.on('data', (chunk: Buffer) => onFrames(reader.push(chunk)))
  socket.on('error', () => undefined)
  socket.on('close', () => {
    closed = true
    for (const entry of pending.values()) entry.reject(wentAway(entry.method))
    pending.clear()
  })

  const request = (method: AgentMethod, params: unknown, signal?: AbortSignal): Promise<unknown> => {
    const checked = AGENT_METHODS[method].params.safeParse(params)
    if (!checked.success) return Promise.reject(new TypeError(`agent ${method}: invalid params: ${describeIssues(checked.error)}`))
    if (closed) return Promise.reject(wentAway(method))
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const id = nextId++
    return new Promise((resolve, reject) => {
      const forget = (): void => {
        pending.delete(id)
        reject(signal?.reason)
      }
      const settled = (): void => signal?.removeEventListener('abort', forget)
      pending.set(id, {
        method,
        resolve: (value) => (settled(), resolve(value)),
        reject: (error) => (settled(), reject(error)),
      })
      signal?.addEventListener('abort', forget, { once: true })
      socket.write(encodeFrame({ v: 1, id, method, params: checked.data }))
    })
  }

  try {
    const result = (await request('hello', { ...hello, protocol: AGENT_PROTOCOL })) as HelloResult
    return {
      hello: result,
      get closed() {
        return closed
      },
      request,
      close: () => socket.destroy(),
    }
  } catch (error) {
    socket.destroy()
    throw error
  } finally {
    clearTimeout(helloTimer)
  }
}
