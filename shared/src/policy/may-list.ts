/**
 * shared/src/policy/may-list.ts — whether a tool, prompt or resource belongs in a user's list.
 *
 * Lists (tools/list, prompts/list, resources/list) show what a user could use at all: an allow rule counts whatever
 * its `when` conditions (the user may call the tool with some arguments), and a deny rule removes the entry only
 * when it has no conditions (a conditional deny still leaves some calls allowed). Calls are decided again, with
 * their arguments, by `evaluatePolicy`.
 */
import type { Identity } from '../pipeline/types.js'
import { internalsOf } from './compiled-policy.js'
import type { CompiledPolicy, TargetKind } from './compiled-policy.js'
import { hasDotSegments } from './dot-segments.js'
import { normalizeName } from './glob.js'
import { emptyMatch, matchRules } from './match-rules.js'

const KINDS: ReadonlySet<string> = new Set<TargetKind>(['tool', 'prompt', 'resource'])

/**
 * True when some allow rule could permit `name` (a tool or prompt name, or a resource URI) for this identity on
 * this server, and no unconditional deny rule forbids it. A missing identity may list nothing.
 *
 * @example tools.filter((tool) => mayList(policy, identity, 'fs', 'tool', tool.name))
 */
export function mayList(
  policy: CompiledPolicy,
  identity: Identity | undefined,
  server: string,
  kind: TargetKind,
  name: string,
): boolean {
  const inner = internalsOf(policy, 'mayList')
  if (!KINDS.has(kind)) throw new TypeError('mayList: kind must be "tool", "prompt" or "resource"')
  if (identity === undefined || typeof name !== 'string') return false
  if (kind === 'resource' && hasDotSegments(name)) return false
  const result = emptyMatch()
  matchRules(inner.rules, { identity, server, kind, name: normalizeName(name), listing: true, arguments: undefined }, result)
  return (result.allow !== undefined || result.ask !== undefined) && result.denies === undefined
}
