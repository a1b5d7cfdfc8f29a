/**
 * shared/src/policy/lint-policy.ts — warnings about a valid policy: rules that can never apply, and rules that
 * reach everyone and everything.
 *
 * The checks are conservative: a warning is given only when it is certain from the document alone.
 * - A rule whose `servers` match no name of `serverAllowList` never applies (those servers are blocked anyway).
 * - An allow rule naming, by exact name, a tool of a server pinned in `approvedTools` that is not approved there
 *   never lets that tool be used.
 * - An allow rule entirely covered by a deny rule without `when` (deny overrides allow, whatever the order) never
 *   allows anything. "Covered" means: the deny rule's subjects are `anyone` or include every subject selector of
 *   the allow rule, and for servers and each kind of target, every pattern of the allow rule is matched by one of
 *   the deny rule's patterns (read as text: `read_*` covers `read_file*`).
 * - A rule for `anyone` on every server (`*`) and every tool, prompt or resource (`*`) is reported: an allow rule
 *   gives everything to everyone, a deny rule makes every allow rule of that kind dead.
 * - An `approvedTools` entry for a server not in `serverAllowList` is never used.
 */
import type { CompiledPolicy } from './compiled-policy.js'
import { compileGlob } from './glob.js'
import type { PolicyRule, PolicySubjects } from './policy-schema.js'

/** One warning, with where it is in the document (`rules[2].servers`). */
export interface PolicyWarning {
  readonly path: string
  readonly message: string
}

const KINDS = [
  ['tools', 'tool'],
  ['prompts', 'prompt'],
  ['resources', 'resource'],
] as const
const SUBJECT_KEYS = ['users', 'emails', 'emailDomains', 'groups'] as const

/**
 * The warnings of a policy, in document order.
 *
 * @example for (const w of lintPolicy(parsePolicy(text))) console.log(`${w.path}: ${w.message}`)
 */
export function lintPolicy(policy: CompiledPolicy): PolicyWarning[] {
  const document = policy.document
  const warnings: PolicyWarning[] = []
  const allowed = document.serverAllowList?.map((entry) => entry.name)
  const pins = new Map<string, Set<string>>()
  for (const entry of document.approvedTools ?? []) pins.set(entry.server, (pins.get(entry.server) ?? new Set()).add(entry.tool))
  document.rules.forEach((rule, index) => {
    const at = `rules[${index}]`
    if (allowed !== undefined && !rule.servers.some((pattern) => allowed.some((name) => compileGlob(pattern).matches(name)))) {
      warnings.push({ path: `${at}.servers`, message: `rule "${rule.id}" can never apply: its servers match no name in serverAllowList` })
    }
    if (rule.effect === 'allow') warnings.push(...unapprovedTools(rule, at, pins))
    for (const [key, kind] of KINDS) {
      if (rule.subjects.anyone === true && rule.servers.includes('*') && rule[key]?.includes('*') === true) {
        const what = rule.effect === 'allow' ? `lets everyone use every ${kind} on every server` : `denies every ${kind} on every server to everyone, so no rule can allow a ${kind}`
        warnings.push({ path: `${at}.${key}`, message: `rule "${rule.id}" ${what}` })
      }
    }
    if (rule.effect === 'allow') {
      const denier = document.rules.findIndex((other) => other.effect === 'deny' && other.when === undefined && other.arguments === undefined && covers(other, rule))
      const deny = document.rules[denier]
      if (deny !== undefined) {
        warnings.push({ path: at, message: `rule "${rule.id}" can never allow anything: deny rule "${deny.id}" (rules[${denier}]) covers all of it, and deny overrides allow` })
      }
    }
  })
  document.approvedTools?.forEach((entry, index) => {
    if (allowed !== undefined && !allowed.includes(entry.server)) {
      warnings.push({ path: `approvedTools[${index}].server`, message: `server "${entry.server}" is not in serverAllowList, so this approval is never used` })
    }
  })
  return warnings
}

function unapprovedTools(rule: PolicyRule, at: string, pins: ReadonlyMap<string, ReadonlySet<string>>): PolicyWarning[] {
  const warnings: PolicyWarning[] = []
  for (const server of rule.servers) {
    const approved = pins.get(server)
    if (approved === undefined) continue
    rule.tools?.forEach((tool, index) => {
      if (compileGlob(tool).literal !== undefined && !approved.has(tool)) {
        warnings.push({ path: `${at}.tools[${index}]`, message: `tool "${tool}" is not in approvedTools for pinned server "${server}", so it can never be used there` })
      }
    })
  }
  return warnings
}

/** Whether every call `inner` applies to is also one `outer` applies to (conditions of `inner` aside). */
function covers(outer: PolicyRule, inner: PolicyRule): boolean {
  if (!subjectsCover(outer.subjects, inner.subjects) || !patternsCover(outer.servers, inner.servers)) return false
  for (const [key] of KINDS) {
    const patterns = inner[key]
    if (patterns !== undefined && !patternsCover(outer[key], patterns)) return false
  }
  return true
}

function subjectsCover(outer: PolicySubjects, inner: PolicySubjects): boolean {
  if (outer.anyone === true) return true
  if (inner.anyone === true) return false
  for (const key of SUBJECT_KEYS) {
    const values = inner[key]
    if (values !== undefined && !values.every((value) => outer[key]?.includes(value) === true)) return false
  }
  for (const [claim, values] of Object.entries(inner.claims ?? {})) {
    if (!values.every((value) => outer.claims?.[claim]?.includes(value) === true)) return false
  }
  return true
}

/**
 * Every pattern of `inner` is matched, as text, by a pattern of `outer`. Sound because a `*` of `inner` can only be
 * absorbed by a `*` of `outer`, which absorbs whatever replaces it; a `?` of `outer` could take a `*` of `inner` for
 * one character, so that pair is compared only when `inner` has no wildcard.
 */
function patternsCover(outer: readonly string[] | undefined, inner: readonly string[]): boolean {
  if (outer === undefined) return false
  return inner.every((pattern) =>
    outer.some((candidate) => candidate === pattern || ((!candidate.includes('?') || !/[*?]/.test(pattern)) && compileGlob(candidate).matches(pattern))),
  )
}
