/**
 * shared/src/policy/match-rules.ts — finds the rules that apply to one target, for evaluation and for listing.
 *
 * A rule applies when its subjects include the identity, one of its server patterns matches the server, one of its
 * patterns for the target kind matches the name and, for a call, all of its `when` conditions hold. Every applying
 * deny rule is collected (deny overrides allow); of the allow rules only the first in document order is kept, as
 * it supplies the obligations.
 *
 * Listing mode answers "could this user use it at all": allow rules count whatever their conditions, deny rules
 * count only when they have none.
 */
import type { JsonObject } from '../jsonrpc/message.js'
import type { Identity } from '../pipeline/types.js'
import type { ArgumentCondition, CompiledRule, SessionTransport, RuleEntry, RuleIndex, TargetBucket, TargetKind } from './compiled-policy.js'
import type { Glob } from './glob.js'

/** One lookup. `name` must already be normalised (see `normalizeName`). */
export interface MatchQuery {
  readonly identity: Identity
  readonly server: string
  readonly kind: TargetKind
  readonly name: string
  /** Listing mode: ignore the conditions of allow rules, and skip deny rules that have conditions. */
  readonly listing: boolean
  /** The call's arguments (ignored when listing). Anything but a plain object counts as no arguments. */
  readonly arguments: JsonObject | undefined
  /** The session's transport, for conditions that check paths on disk (stdio servers only). */
  readonly transport?: SessionTransport | undefined
}

/** Accumulated over one or more lookups (a completion looks up a prompt and a resource). */
export interface MatchResult {
  /** The first applying allow rule in document order. */
  allow: CompiledRule | undefined
  /** The first applying ask rule in document order (listing counts it as allowing). */
  ask: CompiledRule | undefined
  /** Applying deny rules, in document order once `finishMatch` has run. */
  denies: CompiledRule[] | undefined
  /** An allow rule matched all but its `when` conditions (for the explanation). */
  conditionsFailed: boolean
}

const NO_ARGUMENTS: JsonObject = Object.freeze({}) as JsonObject

/** A fresh, empty result. */
export function emptyMatch(): MatchResult {
  return { allow: undefined, ask: undefined, denies: undefined, conditionsFailed: false }
}

/**
 * Adds the rules applying to `query` to `result`.
 *
 * @example const result = emptyMatch(); matchRules(index, query, result); finishMatch(result)
 */
export function matchRules(index: RuleIndex, query: MatchQuery, result: MatchResult): void {
  const exact = index.byServer.get(query.server)?.[query.kind]
  if (exact !== undefined) scanBucket(exact, query, result)
  scanBucket(index.anyServer[query.kind], query, result)
}

/** Puts the collected deny rules in document order. */
export function finishMatch(result: MatchResult): MatchResult {
  if (result.denies !== undefined && result.denies.length > 1) result.denies.sort((a, b) => a.index - b.index)
  return result
}

function scanBucket(bucket: TargetBucket, query: MatchQuery, result: MatchResult): void {
  scan(bucket.exact.get(query.name), query, result)
  const name = query.name
  for (const length of bucket.headLengths) {
    if (length > name.length) break
    scan(bucket.byHead.get(length === name.length ? name : name.slice(0, length)), query, result)
  }
}

function scan(entries: readonly RuleEntry[] | undefined, query: MatchQuery, result: MatchResult): void {
  if (entries === undefined) return
  for (const entry of entries) {
    const rule = entry.rule
    if (rule.effect === 'allow' && result.allow !== undefined && result.allow.index <= rule.index) continue
    if (rule.effect === 'ask' && result.ask !== undefined && result.ask.index <= rule.index) continue
    if (entry.pattern !== undefined && !entry.pattern.matchesAfterHead(query.name)) continue
    if (entry.checkServer && !anyMatches(rule.servers, query.server)) continue
    if (!rule.matchesSubject(query.identity)) continue
    apply(rule, query, result)
  }
}

function apply(rule: CompiledRule, query: MatchQuery, result: MatchResult): void {
  const listing = query.listing
  if (listing && rule.effect === 'deny' && rule.conditions.length > 0) return
  if (!listing && !conditionsHold(rule.conditions, query.arguments, query.transport)) {
    if (rule.effect !== 'deny') result.conditionsFailed = true
    return
  }
  if (rule.effect === 'allow') {
    result.allow = rule
  } else if (rule.effect === 'ask') {
    result.ask = rule
  } else if (result.denies === undefined) {
    result.denies = [rule]
  } else if (!result.denies.includes(rule)) {
    result.denies.push(rule)
  }
}

function anyMatches(patterns: readonly Glob[], value: string): boolean {
  for (const pattern of patterns) if (pattern.matches(value)) return true
  return false
}

function conditionsHold(
  conditions: readonly ArgumentCondition[],
  given: JsonObject | undefined,
  transport: SessionTransport | undefined,
): boolean {
  if (conditions.length === 0) return true
  // Malformed arguments (not a plain object) count as none given: every condition but `absent` fails.
  const args = typeof given === 'object' && given !== null && !Array.isArray(given) ? given : NO_ARGUMENTS
  for (const condition of conditions) {
    const name = condition.name
    if (name === undefined) {
      if (!condition.test(true, args, transport)) return false
      continue
    }
    const present = Object.hasOwn(args, name)
    if (!condition.test(present, present ? args[name] : undefined, transport)) return false
  }
  return true
}
