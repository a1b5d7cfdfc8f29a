/**
 * shared/src/policy/argument-conditions.ts — `when` conditions on tool and prompt arguments.
 *
 * Conditions name top-level argument keys only (no dotted paths). They are type-safe: `equals` and `oneOf` compare
 * with `===` semantics (no coercion: "1" is not 1), `range` needs a finite number (the string "5" does not qualify),
 * `pattern` and `prefix` need a string. A missing argument fails every condition except `absent`; `null` counts as
 * present. `prefix` is a lexical string prefix: "/home/../etc" starts with "/home/"; `pathUnder` is the path check
 * (see path-under.ts). `noPii` runs the content-safety detectors on the argument as received, before any redaction;
 * a rule's `arguments: { noPii }` runs them on all the arguments at once (names included).
 */
import type { ArgumentCondition } from './compiled-policy.js'
import type { PolicyArgumentsCondition, PolicyCondition } from './policy-schema.js'
import { DEFAULT_DETECTORS } from '../content-safety/detectors/default-detectors.js'
import { scanJson } from '../content-safety/scan-json.js'
import { pathUnderTest } from './path-under.js'
import type { SessionTransport } from './compiled-policy.js'

type ValueTest = (value: unknown, transport: SessionTransport | undefined) => boolean

/**
 * Compiles a rule's `when` map and its `arguments` conditions (on the whole arguments object) into a list of
 * conditions, all of which must hold.
 *
 * @example compileConditions({ mode: { oneOf: ['read', 'list'] } })[0]?.test(true, 'read') === true
 */
export function compileConditions(
  when: Readonly<Record<string, PolicyCondition>> | undefined,
  whole?: PolicyArgumentsCondition | undefined,
): ArgumentCondition[] {
  const conditions = Object.entries(when ?? {}).map(([name, condition]) => compileCondition(name, condition))
  if (whole !== undefined) {
    const noPii = compileValueTest({ noPii: whole.noPii })
    conditions.push({ name: undefined, test: (_present, value, transport) => noPii(value, transport) })
  }
  return conditions
}

function compileCondition(name: string, condition: PolicyCondition): ArgumentCondition {
  if (condition.absent === true) return { name, test: (present) => !present }
  const valueTest = compileValueTest(condition)
  return { name, test: (present, value, transport) => present && valueTest(value, transport) }
}

function compileValueTest(condition: PolicyCondition): ValueTest {
  if ('equals' in condition) {
    const expected = condition.equals
    return (value) => value === expected
  }
  if (condition.oneOf !== undefined) {
    // A Set compares with SameValueZero: no coercion between strings, numbers, booleans and null.
    const accepted = new Set<unknown>(condition.oneOf)
    return (value) => accepted.has(value)
  }
  if (condition.pattern !== undefined) {
    // Anchored so that `abc` means exactly "abc", not "contains abc"; no flags. The schema has checked that the
    // source compiles both alone and wrapped.
    const regex = new RegExp(`^(?:${condition.pattern})$`)
    return (value) => typeof value === 'string' && regex.test(value)
  }
  if (condition.range !== undefined) {
    const min = condition.range.min ?? -Infinity
    const max = condition.range.max ?? Infinity
    return (value) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
  }
  if (condition.prefix !== undefined) {
    const prefix = condition.prefix
    return (value) => typeof value === 'string' && value.startsWith(prefix)
  }
  if (condition.pathUnder !== undefined) {
    const resolved = pathUnderTest(condition.pathUnder, 'resolved')
    const lexical = pathUnderTest(condition.pathUnder, 'lexical')
    return (value, transport) => (transport === 'stdio' ? resolved(value) : lexical(value))
  }
  if (condition.noPii !== undefined) {
    // Only the named types' detectors run, so other findings can neither mask these nor cost time.
    const types = new Set<string>(condition.noPii)
    const detectors = DEFAULT_DETECTORS.filter((detector) => types.has(detector.type))
    return (value) => scanJson(value, { detectors, maxFindings: 1 }).length === 0
  }
  // Unreachable for a validated document (exactly one operator); fail closed all the same.
  return () => false
}
