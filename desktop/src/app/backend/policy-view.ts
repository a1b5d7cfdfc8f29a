/**
 * desktop/src/app/backend/policy-view.ts — the policy in force as people read it: the brief (source, revision, age,
 * staleness) for the status screen, and each rule as who / what / conditions / effect for the policy screen,
 * parsed with the policy language itself (so the view shows what the proxies enforce).
 */
import { parsePolicy, type PolicyRule } from '@mcp-warden/core'
import type { PolicySnapshot } from '../../agent/protocol/schemas.js'
import type { AppStatus, PolicyView } from '../contract/ipc-contract.js'

type Brief = NonNullable<AppStatus['policy']>
type ReadableRule = PolicyView['rules'][number]
type Condition = NonNullable<PolicyRule['when']>[string]
type Subjects = PolicyRule['subjects']

/** The agent's snapshot in brief; `null` (no central policy in the settings) is the local source: each proxy's file. */
export function policyBrief(snapshot: PolicySnapshot | null): Brief {
  if (snapshot === null) return { source: 'local', revision: null, checkedAt: null, expiresAt: null, stale: false }
  return {
    source: 'central',
    revision: snapshot.revision,
    checkedAt: snapshot.checkedAt === null ? null : snapshot.checkedAt * 1000,
    expiresAt: snapshot.expiresAt === null ? null : snapshot.expiresAt * 1000,
    stale: snapshot.stale,
    ...(snapshot.reason === undefined ? {} : { reason: snapshot.reason }),
  }
}

function list(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} and ${values.at(-1) as string}`
}

function describeSubjects(subjects: Subjects): string {
  if (subjects.anyone === true) return 'Anyone signed in'
  const parts = [
    subjects.users === undefined ? undefined : `users ${list(subjects.users)}`,
    subjects.emails === undefined ? undefined : `${list(subjects.emails)}`,
    subjects.emailDomains === undefined ? undefined : `anyone at ${list(subjects.emailDomains)}`,
    subjects.groups === undefined ? undefined : `group${subjects.groups.length > 1 ? 's' : ''} ${list(subjects.groups)}`,
    subjects.claims === undefined ? undefined : Object.entries(subjects.claims).map(([claim, values]) => `${claim} is ${values.join(' or ')}`).join(', '),
  ].filter((part): part is string => part !== undefined)
  return parts.join('; ')
}

function describeTargets(rule: PolicyRule): string {
  const targets = [
    rule.tools === undefined ? undefined : `${rule.tools.includes('*') ? 'every tool' : `tool${rule.tools.length > 1 ? 's' : ''} ${list(rule.tools)}`}`,
    rule.prompts === undefined ? undefined : `${rule.prompts.includes('*') ? 'every prompt' : `prompt${rule.prompts.length > 1 ? 's' : ''} ${list(rule.prompts)}`}`,
    rule.resources === undefined ? undefined : `resources ${list(rule.resources)}`,
  ].filter((part): part is string => part !== undefined)
  const servers = rule.servers.includes('*') ? 'any server' : `${rule.servers.length > 1 ? 'servers' : 'server'} ${list(rule.servers)}`
  return `${list(targets)} on ${servers}`
}

function describeCondition(name: string, condition: Condition): string {
  if (condition.equals !== undefined) return `${name} is ${JSON.stringify(condition.equals)}`
  if (condition.oneOf !== undefined) return `${name} is one of ${condition.oneOf.map((value) => JSON.stringify(value)).join(', ')}`
  if (condition.pattern !== undefined) return `${name} matches /${condition.pattern}/`
  if (condition.range !== undefined) {
    const { min, max } = condition.range
    return min !== undefined && max !== undefined ? `${name} is between ${min} and ${max}` : min !== undefined ? `${name} is at least ${min}` : `${name} is at most ${String(max)}`
  }
  if (condition.prefix !== undefined) return `${name} starts with ${JSON.stringify(condition.prefix)}`
  if (condition.pathUnder !== undefined) return `${name} is a path under ${condition.pathUnder}`
  if (condition.noPii !== undefined) return `${name} contains no ${list(condition.noPii)}`
  return `${name} is not given`
}

/** One rule, readable. */
export function readableRule(rule: PolicyRule): ReadableRule {
  const conditions = Object.entries(rule.when ?? {}).map(([name, condition]) => describeCondition(name, condition))
  if (rule.effect === 'ask') conditions.push(`a person approves each call (within ${rule.askTimeoutSeconds ?? 120} s)`)
  return { id: rule.id, effect: rule.effect, who: describeSubjects(rule.subjects), what: describeTargets(rule), conditions }
}

/**
 * The policy screen's view of a snapshot: central with its rules, or the local source (each proxy's own file).
 *
 * @example
 * const view = policyView(await agent.policySnapshot(), settings.policy?.url ?? null)
 */
export function policyView(snapshot: PolicySnapshot | null, location: string | null): PolicyView {
  const brief = policyBrief(snapshot)
  if (snapshot?.policyText == null) return { brief, location: snapshot === null ? null : location, rules: [] }
  return { brief, location, rules: parsePolicy(snapshot.policyText).document.rules.map(readableRule) }
}
