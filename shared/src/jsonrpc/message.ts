/**
 * shared/src/jsonrpc/message.ts — the JSON-RPC 2.0 model and its guards.
 *
 * Messages are kept as the plain objects they arrived as, so unknown fields survive a relay untouched.
 * Guards only narrow; they never copy or normalise.
 */

export type JsonRpcId = string | number

export type JsonObject = { [key: string]: JsonValue }
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject

export interface JsonRpcRequest {
  readonly jsonrpc: '2.0'
  readonly id: JsonRpcId
  readonly method: string
  readonly params?: JsonObject | JsonValue[]
  readonly [extra: string]: unknown
}

export interface JsonRpcNotification {
  readonly jsonrpc: '2.0'
  readonly method: string
  readonly params?: JsonObject | JsonValue[]
  readonly [extra: string]: unknown
}

export interface JsonRpcResultResponse {
  readonly jsonrpc: '2.0'
  readonly id: JsonRpcId
  readonly result: JsonValue
  readonly [extra: string]: unknown
}

export interface JsonRpcErrorObject {
  readonly code: number
  readonly message: string
  readonly data?: JsonValue
}

export interface JsonRpcErrorResponse {
  readonly jsonrpc: '2.0'
  /** null when the id of the offending message could not be read (JSON-RPC 2.0 §5). */
  readonly id: JsonRpcId | null
  readonly error: JsonRpcErrorObject
  readonly [extra: string]: unknown
}

export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

/** `params` is absent, or an object or array (JSON-RPC 2.0 §4.2). An `undefined` property is absent: in-memory
 * transports hand over objects that never went through JSON, and JSON.stringify drops such a property. */
function hasValidParams(value: Record<string, unknown>): boolean {
  const params = value['params']
  return params === undefined || (typeof params === 'object' && params !== null)
}

export function isJsonRpcRequest(value: unknown): value is JsonRpcRequest {
  return (
    isJsonObject(value) &&
    value['jsonrpc'] === '2.0' &&
    typeof value['method'] === 'string' &&
    isId(value['id']) &&
    hasValidParams(value)
  )
}

export function isJsonRpcNotification(value: unknown): value is JsonRpcNotification {
  return (
    isJsonObject(value) &&
    value['jsonrpc'] === '2.0' &&
    typeof value['method'] === 'string' &&
    !('id' in value) &&
    hasValidParams(value)
  )
}

export function isJsonRpcResultResponse(value: unknown): value is JsonRpcResultResponse {
  return isJsonObject(value) && value['jsonrpc'] === '2.0' && isId(value['id']) && 'result' in value && !('method' in value)
}

export function isJsonRpcErrorResponse(value: unknown): value is JsonRpcErrorResponse {
  if (!isJsonObject(value) || value['jsonrpc'] !== '2.0' || !('error' in value) || 'method' in value) return false
  const error = value['error']
  return (
    (isId(value['id']) || value['id'] === null) &&
    isJsonObject(error) &&
    typeof error['code'] === 'number' &&
    typeof error['message'] === 'string'
  )
}

export function isJsonRpcResponse(value: unknown): value is JsonRpcResponse {
  return isJsonRpcResultResponse(value) || isJsonRpcErrorResponse(value)
}

export function isJsonRpcMessage(value: unknown): value is JsonRpcMessage {
  return isJsonRpcRequest(value) || isJsonRpcNotification(value) || isJsonRpcResponse(value)
}

/** Reads the id of something that looked like a request, for an error reply; null when there is none usable. */
export function readId(value: unknown): JsonRpcId | null {
  if (!isJsonObject(value)) return null
  const id = value['id']
  return isId(id) ? id : null
}

export function errorResponse(id: JsonRpcId | null, error: JsonRpcErrorObject): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error }
}
