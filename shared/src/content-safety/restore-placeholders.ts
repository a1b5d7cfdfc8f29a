/**
 * shared/src/content-safety/restore-placeholders.ts — the way back of `tokenize`: placeholders in a result become
 * the values they stand for again, before the result reaches the host.
 *
 * Every string value and every object member name is searched, at any depth (an explicit stack, no recursion), for
 * placeholders of the vault (`[EMAIL_1]`); each one becomes its value as first seen. Strings that only look like
 * placeholders (`[EMAIL_99]` that the vault never handed out, `[NOTE_1]`) are left alone. The result is a copy that
 * shares every untouched branch with the input (applyTextEdits); the input is never mutated.
 */
import { applyTextEdits, type TextEdit } from './apply-text-edits.js'
import { formatJsonPointer } from './json-pointer.js'
import type { TokenVault } from './token-vault.js'

/**
 * A placeholder's shape: `[`, an entity type name (capitals and `_`), `_`, a number from 1. Linear time: a match
 * can start only at `[`, the type run `[A-Z_]*` cannot contain `[`, so the runs tried from all starts are disjoint,
 * and backtracking inside one run tries `_[1-9]` once per position; digits can follow only the run's last `_`.
 */
const PLACEHOLDER = /\[[A-Z][A-Z_]*_[1-9][0-9]*\]/g

interface Frame {
  readonly value: unknown
  readonly parent: Frame | undefined
  readonly token: string | undefined
  readonly isMember: boolean
}

interface RestoreEdit extends TextEdit {
  readonly original: string
}

function pathOf(frame: Frame): string {
  const tokens: string[] = []
  for (let current: Frame | undefined = frame; current?.token !== undefined; current = current.parent) tokens.push(current.token)
  return formatJsonPointer(tokens.reverse())
}

function collect(edits: RestoreEdit[], text: string, frame: Frame, inKey: boolean, vault: TokenVault): void {
  if (!text.includes('[')) return
  let path: string | undefined
  for (const match of text.matchAll(PLACEHOLDER)) {
    const original = vault.originalOf(match[0])
    if (original === undefined) continue
    path ??= pathOf(frame)
    edits.push({ path, inKey, start: match.index, end: match.index + match[0].length, original })
  }
}

/** Pushed under a container's children; popping it means the container's subtree is done. */
interface Exit {
  readonly exit: object
}

function pushChildren(stack: (Frame | Exit)[], frame: Frame, container: object, onPath: Set<object>): void {
  if (onPath.has(container)) throw new TypeError('the value refers to itself, so it is not JSON')
  onPath.add(container)
  stack.push({ exit: container })
  if (Array.isArray(container)) {
    for (let index = container.length - 1; index >= 0; index -= 1) {
      stack.push({ value: container[index], parent: frame, token: String(index), isMember: false })
    }
    return
  }
  const members = container as Record<string, unknown>
  for (const name of Object.keys(members)) stack.push({ value: members[name], parent: frame, token: name, isMember: true })
}

/**
 * Returns `value` with every placeholder of `vault` in its strings and member names replaced by the value it stands
 * for; `value` itself when there is none (an empty vault costs nothing). A restored member name that another member
 * of the object already has gets `#2`, `#3`, … appended (applyTextEdits). Throws TypeError for a value that
 * contains itself (not JSON).
 *
 * @example
 * const vault = createTokenVault()
 * vault.placeholderFor('EMAIL', 'ada@example.org')
 * restorePlaceholders({ sent: ['to [EMAIL_1]'], '[EMAIL_1]': 'ok' }, vault)
 * // → { sent: ['to ada@example.org'], 'ada@example.org': 'ok' }
 */
export function restorePlaceholders<T>(value: T, vault: TokenVault): T {
  if (vault.size === 0) return value
  const edits: RestoreEdit[] = []
  const onPath = new Set<object>()
  const stack: (Frame | Exit)[] = [{ value, parent: undefined, token: undefined, isMember: false }]
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if ('exit' in frame) {
      onPath.delete(frame.exit)
      continue
    }
    if (frame.isMember && frame.token !== undefined) collect(edits, frame.token, frame, true, vault)
    if (typeof frame.value === 'string') collect(edits, frame.value, frame, false, vault)
    else if (typeof frame.value === 'object' && frame.value !== null) pushChildren(stack, frame, frame.value, onPath)
  }
  return applyTextEdits(value, edits, (edit) => edit.original)
}
