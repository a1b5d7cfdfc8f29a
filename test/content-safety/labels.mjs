// test/content-safety/labels.mjs — reads the corpus and turns labels into spans. Shared by build-corpus.mjs (its
// self-check) and score.mjs, so both read a label the same way.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Splits an RFC 6901 pointer into its tokens ('' is the whole value). */
export function parsePointer(pointer) {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`)
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/**
 * The text a pointer designates: the member name itself when `inKey`, else the string, or a number's decimal
 * string (the scanner reads a number as `String(n)`). Undefined when the pointer leads nowhere or to anything else.
 */
export function textAt(value, pointer, inKey = false) {
  const tokens = parsePointer(pointer)
  let current = value
  for (const [index, token] of tokens.entries()) {
    if (current === null || typeof current !== 'object') return undefined
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= current.length) return undefined
      current = current[Number(token)]
    } else {
      if (!Object.hasOwn(current, token)) return undefined
      if (inKey && index === tokens.length - 1) return token
      current = current[token]
    }
  }
  if (inKey) return undefined
  if (typeof current === 'string') return current
  if (typeof current === 'number') return String(current)
  return undefined
}

/**
 * Spans of a case's labels: { ...label, start, end, text } in label order, or { ...label, error } when the value is
 * not at its path. A label with `start` uses it; otherwise the k-th label with the same path, inKey and value takes
 * the k-th non-overlapping occurrence of that value, searching from the left.
 */
export function labelSpans(args, expect) {
  const nextFrom = new Map()
  return expect.map((label) => {
    const text = textAt(args, label.path, label.inKey === true)
    if (text === undefined) return { ...label, error: `no string or number at ${label.path}${label.inKey ? ' (member name)' : ''}` }
    if (typeof label.value !== 'string' || label.value.length === 0) return { ...label, error: 'empty value' }
    let start
    if (Number.isInteger(label.start)) {
      start = text.slice(label.start, label.start + label.value.length) === label.value ? label.start : -1
    } else {
      const key = `${label.inKey ? 'k' : 'v'}\u0000${label.path}\u0000${label.value}`
      start = text.indexOf(label.value, nextFrom.get(key) ?? 0)
      if (start >= 0) nextFrom.set(key, start + label.value.length)
    }
    if (start < 0) return { ...label, error: `value not found in ${label.path}` }
    return { ...label, start, end: start + label.value.length, text }
  })
}

/** Every case of every .jsonl file in `dir` (sorted by file name), with its file and line. */
export function loadCorpus(dir) {
  const cases = []
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    lines.forEach((line, index) => {
      if (line.trim() === '') return
      cases.push({ ...JSON.parse(line), file, line: index + 1 })
    })
  }
  return cases
}
