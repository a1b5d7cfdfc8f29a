/**
 * shared/src/policy/explain.ts — the one-sentence explanations of policy decisions.
 *
 * They name the revision, rule ids, the server and a tool or prompt name, never argument values. Resource URIs are
 * not named either: a URI can carry a token or personal data in its path or query. Names are quoted with
 * JSON.stringify (control characters escaped) and shortened, so a hostile name cannot forge or flood the text.
 */

/** What a decision was about, for the sentence. */
export interface ExplainTarget {
  readonly kind: 'tool' | 'prompt' | 'resource' | 'completion'
  readonly name: string
  readonly server: string
}

const MAX_NAME_LENGTH = 64

/**
 * Quotes a name for an explanation: escaped, at most 64 code points.
 *
 * @example quote('read_file') === '"read_file"'
 */
export function quote(name: string): string {
  if (name.length <= MAX_NAME_LENGTH) return JSON.stringify(name)
  const points = [...name]
  return JSON.stringify(points.length > MAX_NAME_LENGTH ? `${points.slice(0, MAX_NAME_LENGTH).join('')}…` : name)
}

/** "tool "x" on server "s"", or "this resource on server "s"". */
export function describeTarget(target: ExplainTarget): string {
  const on = `on server ${quote(target.server)}`
  switch (target.kind) {
    case 'tool':
      return `tool ${quote(target.name)} ${on}`
    case 'prompt':
      return `prompt ${quote(target.name)} ${on}`
    case 'resource':
      return `this resource ${on}`
    case 'completion':
      return `completions for this prompt or resource ${on}`
  }
}

/** Explanation of an allow by a rule. */
export function explainAllow(ruleId: string, revision: string): string {
  return `Allowed by rule ${quote(ruleId)} of policy revision ${quote(revision)}.`
}

/** Explanation of a deny by one or more deny rules. */
export function explainDeniedByRules(ruleIds: readonly string[], revision: string, target: ExplainTarget): string {
  const rules = ruleIds.length === 1 ? `Rule ${quote(ruleIds[0] ?? '')}` : `Rules ${ruleIds.map(quote).join(', ')}`
  const verb = ruleIds.length === 1 ? 'denies' : 'deny'
  return `${rules} of policy revision ${quote(revision)} ${verb} ${describeTarget(target)}.`
}

/** Explanation of a default deny: no allow rule matched. */
export function explainNoRule(revision: string, target: ExplainTarget, why: 'no-identity' | 'no-rule' | 'arguments'): string {
  const what = describeTarget(target)
  const policy = `policy revision ${quote(revision)}`
  if (why === 'no-identity') return `No identity is attached to this request, so no rule of ${policy} allows ${what}.`
  if (why === 'arguments') return `Under ${policy} you may use ${what} only with other arguments.`
  return `No rule of ${policy} allows you to use ${what}.`
}

/** Explanation of a denied resource URI with "." or ".." segments. */
export function explainDotSegments(revision: string, server: string): string {
  return (
    `Policy revision ${quote(revision)} does not allow resource addresses with "." or ".." path segments ` +
    `on server ${quote(server)}; ask for the resource by its direct address.`
  )
}

/** Explanation of a denied method that the proxy could not classify. */
export function explainUnknownMethod(method: string, revision: string): string {
  return `Method ${quote(method)} is not a known MCP method and policy revision ${quote(revision)} does not list it in allowMethods.`
}

/** Explanation of a denied operation whose name was not a string (a malformed request). */
export function explainMalformed(revision: string): string {
  return `The request does not name its target properly, so policy revision ${quote(revision)} denies it.`
}
