/**
 * sdk/src/approvals/host-elicitation.ts — asks the person at the host to approve a call, through MCP elicitation
 * (`elicitation/create`, form mode; spec revisions 2025-06-18 and 2025-11-25).
 *
 * The bridge hands every message from the host to `fromClient` first. It notes whether the host's `initialize`
 * declared form elicitation, and it takes the host's answers to our own questions out of the stream: their ids
 * are strings `mcp-warden:<uuid>`, so they never collide with the server's requests to the host, and no answer with
 * that prefix ever reaches the server (an unexpected or malformed one is dropped and reported through `onDrop`).
 * Accept with `approve: true` allows; decline, cancel, an error or anything else denies. When the approval stage
 * stops waiting (timeout), the question is withdrawn with `notifications/cancelled`.
 */
import { randomUUID } from 'node:crypto'
import { isJsonObject, WardenError, type ApprovalAnswer, type ApprovalRequest, type JsonObject, type JsonRpcMessage } from '@mcp-warden/core'

/** The prefix of every request id MCP Warden itself sends to the host. */
export const WARDEN_ID_PREFIX = 'mcp-warden:'

export interface HostElicitationOptions {
  /** A host answer that was dropped (late, unknown or malformed); for the log. Never includes the answer's content. */
  readonly onDrop?: ((reason: string) => void) | undefined
  /** The unique part of each request id. Default: a random UUID. */
  readonly newId?: (() => string) | undefined
}

export interface HostElicitation {
  /** Whether the host declared form elicitation in its `initialize` request. */
  readonly supported: boolean
  /** Asks the host; resolves with the person's answer. Rejects when the host is not connected or goes away. */
  ask(request: ApprovalRequest): Promise<ApprovalAnswer>
  /**
   * For the bridge: sees a message from the host before anything else does. Returns true when the message was an
   * answer to one of our questions (taken out of the stream), false when it should be relayed as usual.
   */
  fromClient(message: unknown): boolean
  /** For the bridge: how to send to the host, or undefined once the host went away (questions waiting are denied). */
  attach(send: ((message: JsonRpcMessage) => void) | undefined): void
}

interface Waiting {
  readonly resolve: (answer: ApprovalAnswer) => void
  readonly reject: (error: unknown) => void
}

/** True for an id MCP Warden uses for its own requests to the host. */
export function isWardenRequestId(id: unknown): id is string {
  return typeof id === 'string' && id.startsWith(WARDEN_ID_PREFIX)
}

/**
 * @example
 * const elicitation = createHostElicitation({ onDrop: (reason) => log.warn(reason) })
 * const bridge = createBridge({ client, server, governance, hostElicitation: elicitation })
 * const pipeline = createStandardPipeline({ …, approve: (request) => elicitation.ask(request) })
 */
export function createHostElicitation(options: HostElicitationOptions = {}): HostElicitation {
  const onDrop = options.onDrop ?? (() => undefined)
  const newId = options.newId ?? randomUUID
  const waiting = new Map<string, Waiting>()
  let supported = false
  let send: ((message: JsonRpcMessage) => void) | undefined

  function answer(id: string, message: Record<string, unknown>): void {
    const entry = waiting.get(id)
    if (entry === undefined) {
      onDrop(`dropped an answer from the client to ${id}: MCP Warden is not waiting for it (it came too late, or twice)`)
      return
    }
    waiting.delete(id)
    const result = message['result']
    if (!('error' in message) && !isJsonObject(result)) onDrop(`the client's answer to ${id} is malformed; the call is denied`)
    const content = isJsonObject(result) ? result['content'] : undefined
    const approved = isJsonObject(result) && result['action'] === 'accept' && isJsonObject(content) && content['approve'] === true
    entry.resolve({ answer: approved ? 'allow' : 'deny', via: 'elicitation' })
  }

  return {
    get supported() {
      return supported
    },
    ask(request) {
      if (send === undefined) return Promise.reject(new WardenError('ERR_INTERNAL', 'The MCP client went away before MCP Warden could ask you to approve the call.'))
      if (request.signal.aborted) return Promise.resolve({ answer: 'deny', via: 'elicitation' })
      const id = `${WARDEN_ID_PREFIX}${newId()}`
      const sendNow = send
      return new Promise<ApprovalAnswer>((resolve, reject) => {
        const settle = (): void => request.signal.removeEventListener('abort', withdraw)
        const withdraw = (): void => {
          if (!waiting.delete(id)) return
          // The stage stopped waiting: MCP's cancellation tells the host to close the question (spec: cancellation).
          sendNow({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'MCP Warden stopped waiting for an approval.' } })
          resolve({ answer: 'deny', via: 'elicitation' })
        }
        waiting.set(id, { resolve: (value) => (settle(), resolve(value)), reject: (error) => (settle(), reject(error)) })
        request.signal.addEventListener('abort', withdraw, { once: true })
        sendNow({ jsonrpc: '2.0', id, method: 'elicitation/create', params: elicitationParams(request) })
      })
    },
    fromClient(message) {
      if (!isJsonObject(message)) return false
      if (message['method'] === 'initialize') {
        supported = declaresFormElicitation(message['params'])
        return false
      }
      if ('method' in message || !isWardenRequestId(message['id'])) return false
      answer(message['id'], message)
      return true
    },
    attach(sender) {
      send = sender
      if (sender !== undefined) return
      const error = new WardenError('ERR_INTERNAL', 'The MCP client went away before you answered the approval.')
      for (const entry of waiting.values()) entry.reject(error)
      waiting.clear()
    },
  }
}

/** `capabilities.elicitation` present, for form mode: `{}` (2025-06-18) or with `form` (2025-11-25; `url` alone is not enough). */
function declaresFormElicitation(params: unknown): boolean {
  const capabilities = isJsonObject(params) ? params['capabilities'] : undefined
  const elicitation = isJsonObject(capabilities) ? capabilities['elicitation'] : undefined
  if (!isJsonObject(elicitation)) return false
  return 'form' in elicitation || !('url' in elicitation)
}

const KIND: Readonly<Record<string, string>> = { 'tools/call': 'Tool', 'prompts/get': 'Prompt' }

/** The question: names only (server, tool, rule, argument names), never an argument's value. */
function elicitationParams(request: ApprovalRequest): JsonObject {
  const kind = KIND[request.method] ?? 'Resource'
  const message = [
    `MCP Warden: your organisation's policy asks you to approve this call.`,
    `Server: ${request.server}`,
    `${kind}: ${request.target}`,
    `Rule: ${request.ruleIds.join(', ')}`,
    `Arguments: ${request.argumentNames.length === 0 ? '(none)' : request.argumentNames.join(', ')}`,
    `Approve it? It is refused if you decline or do not answer within ${request.timeoutSeconds} s.`,
  ].join('\n')
  return {
    message,
    requestedSchema: {
      type: 'object',
      properties: {
        approve: { type: 'boolean', title: 'Allow this call', description: `Allow ${request.server}/${request.target} this once`, default: false },
      },
      required: ['approve'],
    },
  }
}
