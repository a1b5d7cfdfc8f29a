/**
 * shared/src/policy/filter-list-result.ts — removes from tools/list, prompts/list and resources/list results what
 * the user may not use (see `mayList`).
 *
 * The message is copied, never changed in place; every other field (nextCursor, _meta, unknown fields) is kept.
 * Entries without a string name (or uri) cannot be checked, so they are removed too. resources/templates/list is
 * not filtered: a URI template cannot be matched against resource patterns.
 */
import { isJsonObject, isJsonRpcResultResponse } from '../jsonrpc/message.js'
import type { JsonRpcMessage, JsonValue } from '../jsonrpc/message.js'
import type { Identity, Operation } from '../pipeline/types.js'
import type { CompiledPolicy, TargetKind } from './compiled-policy.js'
import { mayList } from './may-list.js'

interface ListShape {
  readonly kind: TargetKind
  /** The array in the result. */
  readonly field: string
  /** The entry field holding the name. */
  readonly key: string
}

// MCP 2025-11-25, server features: ListToolsResult.tools[].name, ListPromptsResult.prompts[].name,
// ListResourcesResult.resources[].uri.
const LISTS: Readonly<Record<string, ListShape>> = {
  'tools/list': { kind: 'tool', field: 'tools', key: 'name' },
  'prompts/list': { kind: 'prompt', field: 'prompts', key: 'name' },
  'resources/list': { kind: 'resource', field: 'resources', key: 'uri' },
}

/** Who is listing what, where. */
export interface ListFilterRequest {
  readonly policy: CompiledPolicy
  readonly identity: Identity | undefined
  readonly server: string
  /** The operation of the request this message answers. */
  readonly of: Operation | undefined
}

/**
 * The filtered copy of a list response, or undefined when nothing was removed or the message is not a list result.
 *
 * @example filterListResult({ policy, identity, server: 'fs', of: { kind: 'list', method: 'tools/list' } }, message)
 */
export function filterListResult(request: ListFilterRequest, message: JsonRpcMessage): JsonRpcMessage | undefined {
  const of = request.of
  if (of?.kind !== 'list' || !Object.hasOwn(LISTS, of.method)) return undefined
  const shape = LISTS[of.method]
  if (shape === undefined || !isJsonRpcResultResponse(message) || !isJsonObject(message.result)) return undefined
  const entries = message.result[shape.field]
  if (!Array.isArray(entries)) return undefined
  const kept = entries.filter((entry) => mayListEntry(request, shape, entry))
  if (kept.length === entries.length) return undefined
  return { ...message, result: { ...message.result, [shape.field]: kept } }
}

function mayListEntry(request: ListFilterRequest, shape: ListShape, entry: JsonValue): boolean {
  if (!isJsonObject(entry)) return false
  const name = entry[shape.key]
  return typeof name === 'string' && mayList(request.policy, request.identity, request.server, shape.kind, name)
}
