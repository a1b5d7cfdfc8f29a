/**
 * shared/src/pipeline/classify.ts — what a message asks for, decided once per message.
 *
 * The MCP method lists follow the 2025-11-25 schema (and the 2026-07-28 stateless revision, which keeps these
 * methods and adds no new client→server ones that carry tool effects). A method that is not listed here is
 * `unknown`, and the policy denies it unless the administrator allows that method by name.
 */
import { isJsonObject, type JsonObject, type JsonRpcMessage } from '../jsonrpc/message.js'
import type { Direction, Operation } from './types.js'

/** Methods every session needs; they carry no tool effect, so the policy allows them by default. */
const PROTOCOL_METHODS = new Set([
  'initialize',
  'ping',
  'logging/setLevel',
  'server/discover',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/result',
])
const LIST_METHODS = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'])
const RESOURCE_METHODS = new Set(['resources/read', 'resources/subscribe', 'resources/unsubscribe'])
/** Requests a server may send to the client. */
const CLIENT_FEATURE_METHODS = new Set(['sampling/createMessage', 'elicitation/create', 'roots/list'])

const EMPTY: JsonObject = Object.freeze({}) as JsonObject

function argumentsOf(params: JsonObject, key: string): JsonObject {
  const value = params[key]
  return isJsonObject(value) ? value : EMPTY
}

function classifyClientRequest(method: string, params: JsonObject | undefined): Operation {
  if (PROTOCOL_METHODS.has(method)) return { kind: 'protocol', method }
  if (LIST_METHODS.has(method)) return { kind: 'list', method }
  if (params === undefined) return { kind: 'unknown', method }
  if (method === 'tools/call' && typeof params['name'] === 'string') {
    return { kind: 'tool', method, name: params['name'], arguments: argumentsOf(params, 'arguments') }
  }
  if (method === 'prompts/get' && typeof params['name'] === 'string') {
    return { kind: 'prompt', method, name: params['name'], arguments: argumentsOf(params, 'arguments') }
  }
  if (RESOURCE_METHODS.has(method) && typeof params['uri'] === 'string') {
    return { kind: 'resource', method, uri: params['uri'] }
  }
  if (method === 'completion/complete') return classifyCompletion(method, params)
  // A known method with malformed params stays `unknown`: the policy denies it (fail closed).
  return { kind: 'unknown', method }
}

/** `completion/complete` names a prompt (`ref/prompt`) or a resource template (`ref/resource`). */
function classifyCompletion(method: string, params: JsonObject): Operation {
  const ref = params['ref']
  const context = params['context']
  const args = isJsonObject(context) ? argumentsOf(context, 'arguments') : EMPTY
  if (isJsonObject(ref) && ref['type'] === 'ref/prompt' && typeof ref['name'] === 'string') {
    return { kind: 'completion', method, ref: `prompt:${ref['name']}`, arguments: args }
  }
  if (isJsonObject(ref) && ref['type'] === 'ref/resource' && typeof ref['uri'] === 'string') {
    return { kind: 'completion', method, ref: `resource:${ref['uri']}`, arguments: args }
  }
  return { kind: 'unknown', method }
}

/**
 * Classifies a request or notification. Responses are classified by the caller, which knows the request they
 * answer: `{ kind: 'response', of }`.
 *
 * @example
 * classifyMessage({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }, 'to-server')
 * // → { kind: 'tool', method: 'tools/call', name: 'echo', arguments: {} }
 */
export function classifyMessage(message: JsonRpcMessage, direction: Direction): Operation {
  if (!('method' in message) || typeof message.method !== 'string') return { kind: 'response', of: undefined }
  const method = message.method
  const params = isJsonObject(message.params) ? message.params : undefined
  const isRequest = 'id' in message
  if (!isRequest) {
    return method.startsWith('notifications/') ? { kind: 'protocol', method } : { kind: 'unknown', method }
  }
  if (direction === 'to-client') {
    if (CLIENT_FEATURE_METHODS.has(method)) return { kind: 'client-feature', method }
    return method === 'ping' ? { kind: 'protocol', method } : { kind: 'unknown', method }
  }
  return classifyClientRequest(method, params)
}

/**
 * A URI as the audit keeps it: scheme, host and path only. Query strings, fragments and userinfo are where
 * URIs carry tokens and personal values (`?token=…`, `user:pass@`), and a record never holds those.
 */
function auditableUri(uri: string): string {
  const cut = uri.search(/[?#]/)
  const bare = cut === -1 ? uri : uri.slice(0, cut)
  return bare.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1')
}

/** What the audit records as an operation's target: tool or prompt name, resource URI or completion ref, the
 * URIs without query, fragment or userinfo. */
export function operationTarget(operation: Operation): string | undefined {
  switch (operation.kind) {
    case 'tool':
    case 'prompt':
      return operation.name
    case 'resource':
      return auditableUri(operation.uri)
    case 'completion':
      return operation.ref.startsWith('resource:') ? `resource:${auditableUri(operation.ref.slice('resource:'.length))}` : operation.ref
    case 'response':
      return operation.of === undefined ? undefined : operationTarget(operation.of)
    default:
      return undefined
  }
}

/** The method an operation stands for, for records. */
export function operationMethod(operation: Operation): string {
  if (operation.kind === 'response') return operation.of === undefined ? 'response' : operationMethod(operation.of)
  return operation.method
}
