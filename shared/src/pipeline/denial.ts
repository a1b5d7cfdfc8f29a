/**
 * shared/src/pipeline/denial.ts — how a deny reaches the peers (the one place that renders errors on the wire).
 *
 * - a denied `tools/call` becomes a tool result `{ isError: true }` whose text says why and what to do next, so
 *   the model and the person can adapt; the code and audit id go under `_meta`;
 * - any other denied request gets a JSON-RPC error with the code's number, the same text, and
 *   `data: { code, stage, auditId }`;
 * - a denied response is replaced by such an answer to the request it was for;
 * - a denied notification is dropped (it cannot be answered) — it is still audited.
 */
import { JSON_RPC_CODE, toWireCode, type WardenError } from '../errors.js'
import type { JsonObject, JsonRpcId, JsonRpcMessage, JsonRpcResponse } from '../jsonrpc/message.js'
import type { MessageContext } from './types.js'

/** The vendor `_meta` key under which Warden puts its facts (MCP reserves reverse-DNS prefixed keys for this). */
export const META_KEY = 'dev.mcpwarden/denial'

const PARSE_ERROR = -32700

export interface Denial {
  /** Who gets the answer: the host/client, the MCP server, or nobody (a dropped notification). */
  readonly to: 'client' | 'server' | 'none'
  readonly message?: JsonRpcResponse
}

/** Renders a WardenError as the answer to request `id`; `asToolResult` for tools/call. */
export function toErrorResponse(
  id: JsonRpcId | null,
  error: WardenError,
  options: { readonly auditId?: string | undefined; readonly asToolResult?: boolean } = {},
): JsonRpcResponse {
  const code = toWireCode(error.code)
  const text = code === error.code ? error.message : 'MCP Warden hit an internal error and blocked this message.'
  const facts: JsonObject = { code }
  if (error.stage !== undefined) facts['stage'] = error.stage
  if (options.auditId !== undefined) facts['auditId'] = options.auditId
  if (options.asToolResult === true && id !== null) {
    return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: true, _meta: { [META_KEY]: facts } } }
  }
  // JSON-RPC 2.0 §5.1 gives unparseable input its own number.
  const number = error.details?.['reason'] === 'parse-error' ? PARSE_ERROR : JSON_RPC_CODE[code]
  return { jsonrpc: '2.0', id, error: { code: number, message: text, data: facts } }
}

function idOf(message: JsonRpcMessage): JsonRpcId | undefined {
  const id = (message as { id?: unknown }).id
  return typeof id === 'string' || typeof id === 'number' ? id : undefined
}

/**
 * Decides who is answered, and with what, when `context`'s message is denied.
 *
 * @example
 * const { to, message } = renderDenial(outcome.context, outcome.error, outcome.auditId)
 */
export function renderDenial(context: MessageContext, error: WardenError, auditId: string | undefined): Denial {
  const { message, direction, operation } = context
  const isResponse = operation.kind === 'response'
  const id = idOf(message)
  if (id === undefined) return { to: 'none' }
  if (!isResponse) {
    // A request: answer whoever sent it.
    const asToolResult = operation.kind === 'tool'
    return { to: direction === 'to-server' ? 'client' : 'server', message: toErrorResponse(id, error, { auditId, asToolResult }) }
  }
  // A response: answer, in its place, whoever is waiting for it.
  const asToolResult = operation.of?.kind === 'tool'
  return { to: direction === 'to-server' ? 'server' : 'client', message: toErrorResponse(id, error, { auditId, asToolResult }) }
}
