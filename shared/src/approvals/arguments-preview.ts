/**
 * shared/src/approvals/arguments-preview.ts — what a person sees of a call's arguments when asked to approve it:
 * the arguments' JSON with every content-safety finding masked, cut to a few KiB.
 *
 * Masking happens before the cut, so a cut can split a marker (`[MASKED:CRE…`) but never reveal a value.
 */
import { applyContentActions } from '../content-safety/apply-content-actions.js'
import { scanJson } from '../content-safety/scan-json.js'

/** The largest preview, in UTF-8 bytes (the agent protocol's `argumentsPreview` bound). */
export const ARGUMENTS_PREVIEW_MAX_BYTES = 8192
const ELLIPSIS = '…'

/**
 * The arguments as masked JSON, at most `maxBytes` UTF-8 bytes; a cut one ends with "…".
 *
 * @example
 * previewArguments({ to: 'ada@example.org', card: '4111 1111 1111 1111' })
 * // → '{"to":"[REDACTED:EMAIL]","card":"[MASKED:CREDIT_CARD:****1111]"}'
 */
export function previewArguments(args: unknown, maxBytes: number = ARGUMENTS_PREVIEW_MAX_BYTES): string {
  if (!Number.isInteger(maxBytes) || maxBytes < 8) throw new TypeError('previewArguments: maxBytes must be an integer ≥ 8')
  if (args === undefined) return '{}'
  const masked = applyContentActions(args, scanJson(args), () => 'mask').value
  const text = JSON.stringify(masked) ?? 'null'
  if (new TextEncoder().encode(text).length <= maxBytes) return text
  const budget = maxBytes - utf8Length(ELLIPSIS.codePointAt(0) as number)
  let used = 0
  let cut = ''
  // By code point, so a cut never splits a surrogate pair.
  for (const char of text) {
    const size = utf8Length(char.codePointAt(0) as number)
    if (used + size > budget) break
    used += size
    cut += char
  }
  return `${cut}${ELLIPSIS}`
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4
}
