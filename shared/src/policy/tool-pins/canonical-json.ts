/**
 * shared/src/policy/tool-pins/canonical-json.ts — one text for one JSON value, after RFC 8785 (JCS).
 *
 * Object members are sorted by their names as UTF-16 code unit sequences (JCS §3.2.3; JavaScript's default sort
 * compares exactly that), with no whitespace; strings and numbers are written as ECMAScript `JSON.stringify` writes
 * them (JCS §3.2.2). Values JSON cannot hold (non-finite numbers, undefined, functions) are refused.
 */
import type { JsonValue } from '../../jsonrpc/message.js'

/**
 * The canonical JSON text of a value.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 * @throws TypeError for values JSON cannot represent.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`)
}
