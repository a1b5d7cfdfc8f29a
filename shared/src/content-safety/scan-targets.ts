/**
 * shared/src/content-safety/scan-targets.ts — which parts of a message content safety reads and rewrites.
 *
 * Only the parts that carry user or model content are scanned, never protocol fields (ids, method, `_meta`):
 *  - to-server `tools/call` and `prompts/get`: `params.arguments` (findings relative to the arguments: `/card`);
 *  - to-server `completion/complete` (MCP 2025-11-25 `CompleteRequestParams`): `params.argument.value` and
 *    `params.context.arguments` (findings relative to params: `/argument/value`, `/context/arguments/city`);
 *  - to-server `resources/*`: `params.uri` (finding path `/uri`);
 *  - to-server responses (the host's answer to a server's sampling, elicitation or roots request): `result`;
 *  - to-client responses, when the request's policy decision says `scanResults`: `result`.
 */
import { isJsonObject, type JsonRpcMessage } from '../jsonrpc/message.js'
import type { MessageContext, Operation } from '../pipeline/types.js'

/** One scanned part of a message. */
export interface ScanTarget {
  /** Property names from the message down to the scanned value. */
  readonly location: readonly string[]
  /** Prefix of the findings' JSON pointers (the scanned value's own pointer in the documented frame). */
  readonly base: string
  /** Member-name context for detectors: the completed argument's name. */
  readonly key?: string | undefined
}

const ARGUMENTS: readonly ScanTarget[] = [{ location: ['params', 'arguments'], base: '' }]
const URI: readonly ScanTarget[] = [{ location: ['params', 'uri'], base: '/uri' }]
const RESULT: readonly ScanTarget[] = [{ location: ['result'], base: '' }]

/**
 * Reads the value at a location; undefined when a step is missing or not an object (malformed params are not an
 * error here: whatever is not there cannot leak).
 *
 * @example
 * valueAt({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: { a: 1 } } }, ['params', 'arguments'])
 * // → { a: 1 }
 */
export function valueAt(message: JsonRpcMessage, location: readonly string[]): unknown {
  let current: unknown = message
  for (const name of location) {
    if (!isJsonObject(current) || !Object.hasOwn(current, name)) return undefined
    current = current[name]
  }
  return current
}

/**
 * Returns a copy of `message` with the value at `location` replaced; only the objects on that path are copied.
 *
 * @example
 * replaceAt(message, ['params', 'arguments'], { a: '[REDACTED:EMAIL]' })
 */
export function replaceAt(message: JsonRpcMessage, location: readonly string[], value: unknown): JsonRpcMessage {
  const chain: Record<string, unknown>[] = [message]
  for (const name of location.slice(0, -1)) chain.push((chain[chain.length - 1] as Record<string, unknown>)[name] as Record<string, unknown>)
  let updated = value
  for (let index = location.length - 1; index >= 0; index -= 1) {
    updated = { ...chain[index], [location[index] ?? '']: updated }
  }
  return updated as JsonRpcMessage
}

function completionTargets(message: JsonRpcMessage): ScanTarget[] {
  const name = valueAt(message, ['params', 'argument', 'name'])
  return [
    { location: ['params', 'argument', 'value'], base: '/argument/value', key: typeof name === 'string' ? name : undefined },
    { location: ['params', 'context', 'arguments'], base: '/context/arguments' },
  ]
}

function requestTargets(operation: Operation, message: JsonRpcMessage): readonly ScanTarget[] {
  switch (operation.kind) {
    case 'tool':
    case 'prompt':
      return ARGUMENTS
    case 'completion':
      return completionTargets(message)
    case 'resource':
      return URI
    case 'response':
      return RESULT
    default:
      return []
  }
}

/**
 * The parts of this message to scan (see the top of this file); empty when there is nothing to scan.
 *
 * @example
 * scanTargets(context) // → [{ location: ['params', 'arguments'], base: '' }] for a to-server tools/call
 */
export function scanTargets(context: MessageContext): readonly ScanTarget[] {
  if (context.direction === 'to-server') return requestTargets(context.operation, context.message)
  const scanResults = context.requestDecision?.obligations.scanResults === true
  return context.operation.kind === 'response' && scanResults ? RESULT : []
}
