/**
 * shared/src/content-safety/apply-text-edits.ts — replaces spans inside a JSON value, copy-on-write.
 *
 * Only the containers on the way to an edited string are copied; every other branch of the result is the very
 * object of the input, and the input is never mutated. Edits are grouped into a tree by their JSON pointers and
 * the tree is rebuilt bottom-up with explicit lists (no recursion), so an edit 10,000 levels deep is fine.
 *
 * A number can be edited too, as a whole: one edit spanning its decimal string (`String(n)`) replaces the number
 * with the rendered string. Part of a number cannot be replaced and leave a number, and dropping the edit would
 * leak the value, so the type changes (`4111111111111111` → `"[REDACTED:CREDIT_CARD]"`).
 */
import { parseJsonPointer } from './json-pointer.js'

/** One span to replace, addressed as scanJson addresses findings. */
export interface TextEdit {
  /**
   * JSON pointer of the string or number, or for `inKey` edits of the member whose name is edited. A number takes
   * one edit, from 0 to the length of its decimal string.
   */
  readonly path: string
  readonly inKey: boolean
  readonly start: number
  readonly end: number
}

/** Renders the replacement of one edit from the text it replaces. */
export type RenderEdit<E extends TextEdit> = (edit: E, replaced: string) => string

interface EditNode<E extends TextEdit> {
  readonly children: Map<string, EditNode<E>>
  /** Edits of this node's own string value. */
  readonly edits: E[]
  /** Edits of the names of this node's members, by original name. */
  readonly keyEdits: Map<string, E[]>
}

interface Visit<E extends TextEdit> {
  readonly node: EditNode<E>
  readonly original: unknown
  /** Index of the parent visit; -1 for the root. */
  readonly parent: number
  readonly token: string
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/

function newNode<E extends TextEdit>(): EditNode<E> {
  return { children: new Map(), edits: [], keyEdits: new Map() }
}

function buildTree<E extends TextEdit>(edits: readonly E[]): EditNode<E> {
  const root = newNode<E>()
  for (const edit of edits) {
    const tokens = parseJsonPointer(edit.path)
    const name = edit.inKey ? tokens.pop() : undefined
    if (edit.inKey && name === undefined) throw new TypeError('a member-name edit must point at a member, not at the whole value')
    let node = root
    for (const token of tokens) {
      const child = node.children.get(token) ?? newNode<E>()
      node.children.set(token, child)
      node = child
    }
    if (name === undefined) node.edits.push(edit)
    else node.keyEdits.set(name, [...(node.keyEdits.get(name) ?? []), edit])
  }
  return root
}

function childOf(container: unknown, token: string): unknown {
  if (Array.isArray(container) && ARRAY_INDEX.test(token) && Number(token) < container.length) return container[Number(token)]
  if (typeof container === 'object' && container !== null && !Array.isArray(container) && Object.hasOwn(container, token)) {
    return (container as Record<string, unknown>)[token]
  }
  throw new TypeError('an edit path does not lead to a value in the given JSON value')
}

function editString<E extends TextEdit>(text: string, edits: readonly E[], render: RenderEdit<E>): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  let result = ''
  let position = 0
  for (const edit of sorted) {
    const valid = Number.isInteger(edit.start) && Number.isInteger(edit.end) && edit.end <= text.length && edit.end > edit.start
    if (!valid || edit.start < position) throw new TypeError('edits must be non-empty, inside their string, and must not overlap')
    result += text.slice(position, edit.start) + render(edit, text.slice(edit.start, edit.end))
    position = edit.end
  }
  return result + text.slice(position)
}

/** Replaces a whole number by the rendering of its one edit. */
function editNumber<E extends TextEdit>(value: number, edits: readonly E[], render: RenderEdit<E>): string {
  const text = String(value)
  const [edit] = edits
  if (edits.length !== 1 || edit === undefined || edit.start !== 0 || edit.end !== text.length) {
    throw new TypeError('a number takes one edit, over its whole decimal string')
  }
  return render(edit, text)
}

/** Gives a renamed member a name no other member of the object has: `name`, else `name#2`, `name#3`, … */
function uniqueName(name: string, used: Set<string>): string {
  let candidate = name
  for (let suffix = 2; used.has(candidate); suffix += 1) candidate = `${name}#${suffix}`
  used.add(candidate)
  return candidate
}

function rebuildObject<E extends TextEdit>(
  original: Record<string, unknown>,
  changes: ReadonlyMap<string, unknown>,
  keyEdits: ReadonlyMap<string, E[]>,
  render: RenderEdit<E>,
): Record<string, unknown> {
  const names = Object.keys(original)
  for (const name of keyEdits.keys()) childOf(original, name)
  // Untouched members keep their names; renamed ones take what is left, in member order.
  const used = new Set(names.filter((name) => !keyEdits.has(name)))
  const entries = names.map((name): [string, unknown] => {
    const edits = keyEdits.get(name)
    const value = changes.has(name) ? changes.get(name) : original[name]
    return [edits === undefined ? name : uniqueName(editString(name, edits, render), used), value]
  })
  // fromEntries defines own properties, so a member named "__proto__" stays a member.
  return Object.fromEntries(entries)
}

function rebuild<E extends TextEdit>(original: unknown, node: EditNode<E>, changes: ReadonlyMap<string, unknown>, render: RenderEdit<E>): unknown {
  if (node.edits.length > 0) {
    if (typeof original === 'number' && node.keyEdits.size === 0) return editNumber(original, node.edits, render)
    if (typeof original !== 'string' || node.keyEdits.size > 0) {
      throw new TypeError('an edit path leads to a value that is not a string or a number')
    }
    return editString(original, node.edits, render)
  }
  if (Array.isArray(original)) {
    if (changes.size === 0) return original
    const copy = [...original]
    for (const [token, value] of changes) copy[Number(token)] = value
    return copy
  }
  if (typeof original === 'object' && original !== null) {
    if (changes.size === 0 && node.keyEdits.size === 0) return original
    return rebuildObject(original as Record<string, unknown>, changes, node.keyEdits, render)
  }
  if (node.keyEdits.size > 0) throw new TypeError('a member-name edit leads to a value that is not an object')
  return original
}

/**
 * Returns `value` with every edit's span replaced by `render(edit, replacedText)`, copying only what changes
 * (no edits → `value` itself). An edited number becomes the rendered string. Renamed members keep their place; a
 * renamed member whose new name is taken gets `#2`, `#3`, … appended. Throws TypeError when an edit does not fit
 * the value (wrong path, bad or overlapping spans, an edit of part of a number).
 *
 * @example
 * applyTextEdits({ a: ['x secret y'] }, [{ path: '/a/0', inKey: false, start: 2, end: 8 }], () => '***')
 * // → { a: ['x *** y'] }
 */
export function applyTextEdits<T, E extends TextEdit>(value: T, edits: readonly E[], render: RenderEdit<E>): T {
  if (edits.length === 0) return value
  const visits: Visit<E>[] = []
  const pending: Visit<E>[] = [{ node: buildTree(edits), original: value, parent: -1, token: '' }]
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const index = visits.push(visit) - 1
    for (const [token, node] of visit.node.children) {
      pending.push({ node, original: childOf(visit.original, token), parent: index, token })
    }
  }
  // Children come after their parent in `visits`, so walking it backwards rebuilds every child first.
  const changes = visits.map(() => new Map<string, unknown>())
  let result: unknown = value
  for (let index = visits.length - 1; index >= 0; index -= 1) {
    const visit = visits[index] as Visit<E>
    result = rebuild(visit.original, visit.node, changes[index] as Map<string, unknown>, render)
    if (visit.parent >= 0 && result !== visit.original) changes[visit.parent]?.set(visit.token, result)
  }
  return result as T
}
