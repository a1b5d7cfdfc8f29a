/**
 * shared/src/canonical-json.ts — one text for one JSON value, after RFC 8785 (JCS): what tool-definition pins and the
 * audit log's hash chain hash.
 *
 * Object members are sorted by their names as UTF-16 code unit sequences (JCS §3.2.3; JavaScript's default sort
 * compares exactly that), with no whitespace; strings and numbers are written as ECMAScript `JSON.stringify` writes
 * them (JCS §3.2.2). Members whose value is `undefined` are left out (as `JSON.stringify` does: optional fields of a
 * typed record), `undefined` array items are `null`. Values JSON cannot hold (non-finite numbers, functions,
 * symbols, bigints) are refused rather than silently changed.
 */

/**
 * The canonical JSON text of a value.
 *
 * @example canonicalJson({ b: 1, a: [true, null], u: undefined }) === '{"a":[true,null],"b":1}'
 * @throws TypeError for values JSON cannot represent.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`)
}
