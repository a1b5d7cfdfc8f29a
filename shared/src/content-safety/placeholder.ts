/**
 * shared/src/content-safety/placeholder.ts — tells documentation placeholders from real secrets.
 *
 * Docs, READMEs and config templates are full of token-shaped strings that are not secrets: `ghp_xxxx…`,
 * `sk_live_XXXXXXXX…`, AWS's own `AKIAIOSFODNN7EXAMPLE`, Slack's `…/XXXXXXXXXXXXXXXXXXXXXXXX`. Blocking them would
 * teach people to ignore Warden. Forms such as `<token>` or `${VAR}` never match a secret pattern at all (their
 * characters are outside every token alphabet), so only the token-shaped ones need a rule here.
 *
 * The rules are chosen so that a real random body almost never trips them: a run of six `x` appears in a random
 * 150-character alphanumeric body with probability below 1e-6, and the long words below lower still.
 */

/** Placeholder words that may appear anywhere in a body (long enough never to occur by chance). */
const LONG_WORDS = /example|placeholder|redacted|sample|changeme/i
/** Short placeholder words, only as whole `-`/`_`-separated parts (`your-token-here`, `fake_key`). */
const SHORT_WORDS = /(?:^|[-_])(?:your|fake|dummy|insert|replace|token|key|here|secret)(?:[-_]|$)/i
const X_RUN = /x{6}/i
const SEPARATORS = /[-_]/g

/**
 * True when a secret's body (the part after its well-known prefix) is a placeholder: empty or one repeated
 * character once `-` and `_` are ignored (case-insensitive), six or more `x` in a row, a placeholder word, or
 * a short placeholder word between separators.
 *
 * @example
 * isPlaceholder('IOSFODNN7EXAMPLE') // → true (AKIAIOSFODNN7EXAMPLE)
 * isPlaceholder('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') // → true
 * isPlaceholder('R2c9Lq7ZkP0vT4mW8xY1bN6hJ3sD5fG7aQ2e') // → false
 */
export function isPlaceholder(body: string): boolean {
  const compact = body.replace(SEPARATORS, '').toLowerCase()
  const first = compact[0]
  if (first === undefined || compact === first.repeat(compact.length)) return true
  return X_RUN.test(body) || LONG_WORDS.test(body) || SHORT_WORDS.test(body)
}
