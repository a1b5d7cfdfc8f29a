/**
 * shared/src/policy/tool-pins/tool-definition-hash.ts — the fingerprint an administrator approves.
 *
 * SHA-256, as 64 lower-case hex digits, of the UTF-8 bytes of the canonical JSON (`canonicalJson`, RFC 8785 key
 * order) of an object holding the tool's `name`, `title`, `description`, `inputSchema`, `outputSchema` and
 * `annotations` (MCP 2025-11-25 `Tool`), each only when the tool has it. Everything else (`_meta`, `icons`,
 * `execution`, unknown fields) is left out: it does not tell the model what the tool does.
 */
import { createHash } from 'node:crypto'
import type { JsonObject } from '../../jsonrpc/message.js'
import { canonicalJson } from '../../canonical-json.js'

/** The members of a tool definition that are hashed, in the order the MCP schema lists them. */
export const HASHED_TOOL_MEMBERS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const

/**
 * The SHA-256 hex digest of a tool's definition.
 *
 * @example toolDefinitionHash({ name: 'echo', inputSchema: { type: 'object' } }) // '3f1c…' (64 hex digits)
 * @throws TypeError when `tool` is not an object.
 */
export function toolDefinitionHash(tool: JsonObject): string {
  if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) throw new TypeError('toolDefinitionHash: tool must be an object')
  const definition: JsonObject = {}
  for (const member of HASHED_TOOL_MEMBERS) {
    const value = tool[member]
    if (Object.hasOwn(tool, member) && value !== undefined) definition[member] = value
  }
  return createHash('sha256').update(canonicalJson(definition), 'utf8').digest('hex')
}
