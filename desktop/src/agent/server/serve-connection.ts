/**
 * desktop/src/agent/server/serve-connection.ts — one client connection: read frames, check them, dispatch,
 * answer. Requests are handled concurrently; each gets exactly one response line with its id.
 */
import type { Socket } from 'node:net'
import { isWardenError, type Frame } from '@mcp-warden/core'
import { describeIssues } from '../protocol/issues.js'
import { AGENT_METHODS, isAgentMethod } from '../protocol/methods.js'
import { MAX_FRAME_BYTES, createAgentFrameReader, encodeFrame, errorFrame, requestFrameSchema, type RequestFrame, type ResponseFrame } from '../protocol/frames.js'
import type { ConnectionState, Handlers } from './handlers.js'

const INTERNAL_MESSAGE = 'The MCP Warden agent failed to answer (internal error). See the agent log; restarting the agent may help.'

function printable(method: string): string {
  return JSON.stringify(method.slice(0, 64))
}

async function dispatch(request: RequestFrame, state: ConnectionState, handlers: Handlers, onError: (error: unknown) => void): Promise<ResponseFrame> {
  const { id, method } = request
  if (!isAgentMethod(method)) {
    return errorFrame(id, 'ERR_INVALID_MESSAGE', `Unknown agent method ${printable(method)}. The client is newer than this MCP Warden agent: update the agent.`)
  }
  if ((method === 'hello') === (state.hello !== undefined)) {
    const message = method === 'hello' ? 'hello was already sent on this connection.' : `Send hello before ${method}.`
    return errorFrame(id, 'ERR_INVALID_MESSAGE', message)
  }
  const schemas = AGENT_METHODS[method]
  const params = schemas.params.safeParse(request.params)
  if (!params.success) return errorFrame(id, 'ERR_INVALID_MESSAGE', `Invalid params for ${method}: ${describeIssues(params.error)}`)
  try {
    const handler = handlers[method] as (params: unknown, state: ConnectionState) => Promise<unknown>
    const result = schemas.result.safeParse(await handler(params.data, state))
    if (!result.success) {
      onError(new Error(`the agent's answer to ${method} does not match its schema: ${describeIssues(result.error)}`))
      return errorFrame(id, 'ERR_INTERNAL', INTERNAL_MESSAGE)
    }
    return { v: 1, id, ok: true, result: result.data }
  } catch (error) {
    if (isWardenError(error)) return errorFrame(id, error.code, error.message)
    onError(error)
    return errorFrame(id, 'ERR_INTERNAL', INTERNAL_MESSAGE)
  }
}

function requestOf(frame: Frame & { kind: 'message' }): RequestFrame | ResponseFrame {
  const parsed = requestFrameSchema.safeParse(frame.value)
  if (parsed.success) return parsed.data
  const raw = frame.value as { id?: unknown } | null
  const id = typeof raw?.id === 'number' && Number.isInteger(raw.id) && raw.id >= 0 ? raw.id : null
  return errorFrame(id, 'ERR_INVALID_MESSAGE', `Not an agent request: ${describeIssues(parsed.error)}. Expected {"v":1,"id":<n>,"method":"…","params":{…}}.`)
}

/**
 * Serves `socket` until it closes.
 *
 * @example
 * server.on('connection', (socket) => serveConnection(socket, handlers, log))
 */
export function serveConnection(socket: Socket, handlers: Handlers, onError: (error: unknown) => void): void {
  const reader = createAgentFrameReader()
  const closed = new AbortController()
  const state: ConnectionState = { hello: undefined, closed: closed.signal }
  socket.on('close', () => closed.abort())
  const send = (frame: ResponseFrame): void => {
    if (socket.destroyed || !socket.writable) return
    const line = encodeFrame(frame)
    if (Buffer.byteLength(line) > MAX_FRAME_BYTES + 1) {
      onError(new Error(`the agent's answer (id ${frame.id}) is larger than ${MAX_FRAME_BYTES} bytes`))
      socket.write(encodeFrame(errorFrame(frame.id, 'ERR_INTERNAL', INTERNAL_MESSAGE)))
      return
    }
    socket.write(line)
  }
  const handle = (frames: Frame[]): void => {
    for (const frame of frames) {
      if (frame.kind === 'error') {
        const id = typeof frame.id === 'number' && Number.isInteger(frame.id) && frame.id >= 0 ? frame.id : null
        send(errorFrame(id, frame.error.code, frame.error.message))
        continue
      }
      const request = requestOf(frame)
      if ('ok' in request) send(request)
      else void dispatch(request, state, handlers, onError).then(send)
    }
  }
  socket.on('data', (chunk: Buffer) => handle(reader.push(chunk)))
  // Without allowHalfOpen the socket ends itself once the client has; a last line without '\n' still counts.
  socket.on('end', () => handle(reader.end()))
  socket.on('error', () => socket.destroy())
}
