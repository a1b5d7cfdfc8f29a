/**
 * shared/src/policy/json-duplicate-keys.ts — finds repeated object keys in JSON text.
 *
 * RFC 8259 §4 only says names "SHOULD be unique", and JSON.parse keeps the last one silently. In a policy that is
 * a trap (a reviewer reads the first `effect`, the proxy enforces the second), so duplicates are errors. This
 * scanner runs on text JSON.parse has already accepted, so it only has to follow strings and nesting.
 */
import { formatPath } from './format-path.js'

interface Frame {
  /** Keys seen so far, for objects; undefined for arrays. */
  readonly keys: Set<string> | undefined
  readonly path: readonly (string | number)[]
  expectKey: boolean
  key: string
  index: number
}

/**
 * Lists every duplicate key as "<location>: duplicate key "<key>"". Empty when there are none.
 *
 * @example duplicateJsonKeys('{"a": 1, "a": 2}') // ['(document): duplicate key "a"']
 */
export function duplicateJsonKeys(text: string): string[] {
  const problems: string[] = []
  const stack: Frame[] = []
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]
    const top = stack[stack.length - 1]
    if (char === '"') {
      const end = endOfString(text, i)
      if (top?.keys !== undefined && top.expectKey) readKey(top, JSON.parse(text.slice(i, end + 1)) as string, problems)
      i = end
    } else if (char === '{' || char === '[') {
      stack.push({ keys: char === '{' ? new Set() : undefined, path: childPath(top), expectKey: true, key: '', index: 0 })
    } else if (char === '}' || char === ']') {
      stack.pop()
    } else if (char === ',' && top !== undefined) {
      if (top.keys === undefined) top.index += 1
      else top.expectKey = true
    }
  }
  return problems
}

function readKey(frame: Frame, key: string, problems: string[]): void {
  if (frame.keys?.has(key) === true) problems.push(`${formatPath(frame.path)}: duplicate key ${JSON.stringify(key)}`)
  frame.keys?.add(key)
  frame.key = key
  frame.expectKey = false
}

function childPath(parent: Frame | undefined): readonly (string | number)[] {
  if (parent === undefined) return []
  return [...parent.path, parent.keys === undefined ? parent.index : parent.key]
}

/** Index of the closing quote of the string opening at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i
}
