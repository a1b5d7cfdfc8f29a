/**
 * shared/src/policy/compiled-policy.ts — a loaded policy, ready for evaluation.
 *
 * The public `CompiledPolicy` is a small frozen object; what evaluation needs (the rule index, compiled patterns,
 * precomputed decisions) is kept beside it in a module-private WeakMap, so callers cannot reach or alter it and a
 * hand-made object is never mistaken for a loaded policy.
 */
import type { Identity, Obligations, PolicyDecision, SessionInfo } from '../pipeline/types.js'
import type { Glob } from './glob.js'
import type { PolicyDocument } from './policy-schema.js'

/** A validated, compiled policy, as returned by `parsePolicy`. Immutable. */
export interface CompiledPolicy {
  /** The policy revision; goes to every audit record. */
  readonly revision: string
  /** The validated document as written (deeply frozen), for display. */
  readonly document: PolicyDocument
}

/** What a rule can address. Completions are decided through prompts and resources. */
export type TargetKind = 'tool' | 'prompt' | 'resource'

/** Obligations without the per-call cost, fixed per rule at load. */
export type BaseObligations = Omit<Obligations, 'cost'>

/** A condition on one top-level argument, or (name undefined) on the arguments object as a whole. */
export interface ArgumentCondition {
  readonly name: string | undefined
  /**
   * `present` is `Object.hasOwn(arguments, name)`; `value` is undefined when it is not present. For the whole
   * object, `present` is true and `value` is the arguments (`{}` when none or malformed). `transport` is the
   * session's: `pathUnder` resolves paths on disk only for `stdio` servers.
   */
  test(present: boolean, value: unknown, transport: SessionTransport | undefined): boolean
}

/** How the governed server is reached; see `SessionInfo.transport`. */
export type SessionTransport = SessionInfo['transport']

/** A rule, compiled. */
export interface CompiledRule {
  /** Position in the document: evaluation order. */
  readonly index: number
  readonly id: string
  readonly effect: 'allow' | 'deny' | 'ask'
  matchesSubject(identity: Identity): boolean
  readonly servers: readonly Glob[]
  readonly targets: Readonly<Record<TargetKind, readonly Glob[] | undefined>>
  readonly conditions: readonly ArgumentCondition[]
  /** The allow decision for a call of the given cost (memoised: costs take few distinct values). */
  allowDecision(cost: number): PolicyDecision
  /** The ask decision (effect `ask`, with the rule's timeout) for a call of the given cost. */
  askDecision(cost: number): PolicyDecision
}

/** A rule filed in the index, with what a lookup that finds it still has to check. */
export interface RuleEntry {
  readonly rule: CompiledRule
  /** The wildcard pattern that filed the rule under its head; undefined when filed under an exact name. */
  readonly pattern: Glob | undefined
  /** Filed under "any server" and without a `*` server pattern: its server patterns must be checked. */
  readonly checkServer: boolean
}

/** Rules that may apply to one kind of target on some server. Lists are in document order. */
export interface TargetBucket {
  /** Rules by an exact (wildcard-free) target name. */
  readonly exact: Map<string, RuleEntry[]>
  /** Rules with a wildcard target pattern, by the literal head of that pattern (`read` for `read*`). */
  readonly byHead: Map<string, RuleEntry[]>
  /** The distinct lengths of those heads, ascending: a lookup tries one prefix of the name per length. */
  readonly headLengths: number[]
}

/** The rules of one server (or of "any server"), by target kind. */
export type ServerBucket = Readonly<Record<TargetKind, TargetBucket>>

/** Pre-indexed rules: most decisions look at a handful of rules, not all of them. */
export interface RuleIndex {
  /** Rules by an exact (wildcard-free) server name. */
  readonly byServer: Map<string, ServerBucket>
  /** Rules with at least one wildcard server pattern; their patterns are checked on use unless one is `*`. */
  readonly anyServer: ServerBucket
}

/** The `costs` of a policy, compiled. */
export interface CostTable {
  /** Cost by exact `<server>/<tool>`. */
  readonly exact: Map<string, number>
  /** Wildcard keys, most specific first (ties in document order). */
  readonly patterns: readonly { readonly glob: Glob; readonly cost: number }[]
}

/** Allow decisions for operations that need no rule; cost 0, obligations from `defaults`. */
export type PassKind = 'protocol' | 'list' | 'client-feature' | 'response' | 'allowed-method'

/** What evaluation needs of a compiled policy; never leaves the policy module. */
export interface PolicyInternals {
  readonly revision: string
  readonly rules: RuleIndex
  readonly costs: CostTable
  readonly allowMethods: ReadonlySet<string>
  readonly defaults: BaseObligations
  readonly passDecisions: Readonly<Record<PassKind, PolicyDecision>>
}

const internals = new WeakMap<CompiledPolicy, PolicyInternals>()

/** Registers a freshly compiled policy. Only the compiler calls this. */
export function registerCompiledPolicy(policy: CompiledPolicy, inner: PolicyInternals): CompiledPolicy {
  internals.set(policy, inner)
  return policy
}

/**
 * True for a policy returned by `parsePolicy` (of this copy of the module).
 *
 * @example isCompiledPolicy(parsePolicy(text)) === true; isCompiledPolicy({ revision: 'x' }) === false
 */
export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return typeof value === 'object' && value !== null && internals.has(value as CompiledPolicy)
}

/** The evaluation data of a policy; TypeError for anything `parsePolicy` did not return. */
export function internalsOf(policy: CompiledPolicy, caller: string): PolicyInternals {
  const inner = typeof policy === 'object' && policy !== null ? internals.get(policy) : undefined
  if (inner === undefined) throw new TypeError(`${caller}: policy must be a CompiledPolicy returned by parsePolicy()`)
  return inner
}
