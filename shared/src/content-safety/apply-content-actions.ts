/**
 * shared/src/content-safety/apply-content-actions.ts — turns findings and a policy's actions into a safe value.
 *
 * Replacement formats (plain ASCII, so they survive any log, terminal or model; both name the type so the model
 * and the person reading can tell what was removed):
 *  - `redact` → `[REDACTED:EMAIL]`
 *  - `mask`   → `[MASKED:CREDIT_CARD:****1111]`: the last four letters or digits of the value (separators left
 *    out), for CREDIT_CARD, US_SSN, PHONE and IBAN only — the part people use to recognise their own account.
 *    For any other type there is nothing safe to keep, so `mask` falls back to `redact`, and the finding is
 *    reported with the action actually taken (`redact`).
 *  - `block`  → the value is left alone and its type is listed in `blocked` (the caller refuses the message);
 *  - `allow`  → the value is left alone; the finding is still reported, for the audit record.
 *  - `tokenize` → `[EMAIL_1]`: the placeholder the session's TokenVault gives the value (the same value, the same
 *    placeholder). Without a vault, or when the vault is full and the value is new, the value is redacted instead
 *    and the finding is reported as `redact`.
 * A finding in a member name renames the member (see applyTextEdits for names that collide). A finding in a
 * number (`{"card": 4111111111111111}`) covers the whole number, and `redact`/`mask` replace the number with the
 * marker *string*: `{"card": "[REDACTED:CREDIT_CARD]"}` (and `tokenize` by the placeholder string). The type change is the only safe choice: no number can
 * say "removed" (a 0 or a -1 reads as a real value to the server, and keeping digits keeps the value), and
 * leaving the number would let the value out.
 */
import { CONTENT_ACTIONS, type ContentAction, type EntityType } from './entities.js'
import type { Finding } from '../pipeline/types.js'
import { applyTextEdits } from './apply-text-edits.js'
import { formatJsonPointer, parseJsonPointer } from './json-pointer.js'
import type { ScanFinding } from './scan-json.js'
import type { TokenVault } from './token-vault.js'

/** Types whose last four characters `mask` keeps. */
const MASKABLE = new Set<EntityType>(['CREDIT_CARD', 'US_SSN', 'PHONE', 'IBAN'])
const ACTIONS = new Set<string>(CONTENT_ACTIONS)
const NOT_ALPHANUMERIC = /[^A-Za-z0-9]/g

/** Chooses the action for a type (from the policy's obligations, in the stage). */
export type ContentDecider = (type: EntityType) => ContentAction

/** What `applyContentActions` did. */
export interface ContentActionResult<T> {
  /** The value with redactions and masks applied; the input itself when nothing was replaced. */
  readonly value: T
  /** Types whose action is `block`, each once, in order of first finding. Non-empty → refuse the message. */
  readonly blocked: EntityType[]
  /** Every finding with the action taken, in the order given. */
  readonly applied: Finding[]
}

/** Options of `applyContentActions`. */
export interface ApplyContentActionsOptions {
  /** The session's placeholders, for `tokenize`; without one, `tokenize` redacts. */
  readonly vault?: TokenVault | undefined
}

interface ReplaceEdit extends ScanFinding {
  readonly action: 'redact' | 'mask' | 'tokenize'
  /** For `tokenize`: the value's placeholder. */
  readonly placeholder?: string | undefined
}

/** The action actually taken for a decided action: `mask` becomes `redact` for types that cannot be masked. */
function effectiveAction(type: EntityType, decided: unknown): ContentAction {
  if (typeof decided !== 'string' || !ACTIONS.has(decided)) {
    throw new TypeError(`decide() must return one of ${CONTENT_ACTIONS.join(', ')} (for ${type})`)
  }
  return decided === 'mask' && !MASKABLE.has(type) ? 'redact' : (decided as ContentAction)
}

function render(edit: ReplaceEdit, replaced: string): string {
  if (edit.action === 'tokenize' && edit.placeholder !== undefined) return edit.placeholder
  if (edit.action !== 'mask') return `[REDACTED:${edit.type}]`
  return `[MASKED:${edit.type}:****${replaced.replace(NOT_ALPHANUMERIC, '').slice(-4)}]`
}

/**
 * The text a finding covers: part of a string, of a member name, or a whole number's decimal string. `finding`
 * must come from `scanJson` over this same value; throws TypeError when it does not fit.
 */
export function findingText(value: unknown, finding: ScanFinding): string {
  const tokens = parseJsonPointer(finding.path)
  let current: unknown = value
  let text: string | undefined
  if (finding.inKey) text = tokens[tokens.length - 1]
  else {
    for (const token of tokens) {
      const container = current as Record<string, unknown>
      current = typeof current === 'object' && current !== null && Object.hasOwn(container, token) ? container[token] : undefined
    }
    text = typeof current === 'string' ? current : typeof current === 'number' ? String(current) : undefined
  }
  if (text === undefined || !(finding.end <= text.length && finding.end > finding.start && finding.start >= 0)) {
    throw new TypeError('a finding does not fit the value it was applied to')
  }
  return text.slice(finding.start, finding.end)
}

/**
 * Applies each finding's action to a copy of `value` (copy-on-write: only the containers on the way to a
 * replaced string are copied; the input is never mutated). `findings` must come from `scanJson` over this same
 * value. `tokenize` takes its placeholders from `options.vault` (see the top of this file for a missing or full
 * vault). Throws TypeError when `decide` returns something that is not a ContentAction, or a finding does not fit
 * the value; no error names a value.
 *
 * @example
 * applyContentActions({ to: 'ada@example.org' }, scanJson({ to: 'ada@example.org' }), () => 'redact')
 * // → { value: { to: '[REDACTED:EMAIL]' }, blocked: [],
 * //     applied: [{ type: 'EMAIL', path: '/to', start: 0, end: 15, action: 'redact' }] }
 */
export function applyContentActions<T>(
  value: T,
  findings: readonly ScanFinding[],
  decide: ContentDecider,
  options: ApplyContentActionsOptions = {},
): ContentActionResult<T> {
  if (typeof decide !== 'function') throw new TypeError('"decide" must be a function')
  const vault = options.vault
  const blocked = new Set<EntityType>()
  const applied: Finding[] = []
  const edits: ReplaceEdit[] = []
  for (const finding of findings) {
    let action = effectiveAction(finding.type, decide(finding.type))
    if (action === 'tokenize') {
      const placeholder = vault?.placeholderFor(finding.type, findingText(value, finding))
      if (placeholder === undefined) action = 'redact'
      else edits.push({ ...finding, action, placeholder })
    }
    applied.push({ type: finding.type, path: finding.path, start: finding.start, end: finding.end, action })
    if (action === 'block') blocked.add(finding.type)
    else if (action === 'redact' || action === 'mask') edits.push({ ...finding, action })
  }
  return { value: applyTextEdits(value, edits, render), blocked: [...blocked], applied: scrubPaths(applied, findings) }
}

/**
 * Finding paths go to the audit record, which never holds a detected value; but a path is made of member names,
 * and a member name can be the value (`{"ada@example.org": …}`). Every path token that is a detected member name
 * becomes `[REDACTED:TYPE]`, whatever the action taken.
 */
function scrubPaths(applied: Finding[], findings: readonly ScanFinding[]): Finding[] {
  const sensitiveMembers = findings.filter((finding) => finding.inKey).map((finding) => ({ tokens: parseJsonPointer(finding.path), type: finding.type }))
  if (sensitiveMembers.length === 0) return applied
  return applied.map((finding) => {
    const original = parseJsonPointer(finding.path)
    const tokens = [...original]
    let changed = false
    for (const member of sensitiveMembers) {
      if (member.tokens.length > original.length || !member.tokens.every((token, i) => token === original[i])) continue
      tokens[member.tokens.length - 1] = `[REDACTED:${member.type}]`
      changed = true
    }
    return changed ? { ...finding, path: formatJsonPointer(tokens) } : finding
  })
}
