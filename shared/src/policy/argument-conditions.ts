/**
 * shared/src/policy/argument-conditions.ts — `when` conditions on tool and prompt arguments.
 *
 * Conditions name top-level argument keys only (no dotted paths). They are type-safe: `equals` and `oneOf` compare
 * with `===` semantics (no coercion: "1" is not 1), `range` needs a finite number (the string "5" does not qualify),
 * `pattern` and `prefix` need a string. A missing argument fails every condition except `absent`; `null` counts as
 * present. `prefix` is a lexical string prefix: "/home/../etc" starts with "/home/".
 */
import type { ArgumentCondition } from './compiled-policy.js'
import type { PolicyCondition } from './policy-schema.js'

type ValueTest = (value: unknown) => boolean

/**
 * Compiles a rule's `when` map into a list of conditions, all of which must hold.
 *
 * @example compileConditions({ mode: { oneOf: ['read', 'list'] } })[0]?.test(true, 'read') === true
 */
export function compileConditions(when: Readonly<Record<string, PolicyCondition>> | undefined): ArgumentCondition[] {
  return Object.entries(when ?? {}).map(([name, condition]) => compileCondition(name, condition))
}

function compileCondition(name: string, condition: PolicyCondition): ArgumentCondition {
  if (condition.absent === true) return { name, test: (present) => !present }
  const valueTest = compileValueTest(condition)
  return { name, test: (present, value) => present && valueTest(value) }
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
  // Unreachable for a validated document (exactly one operator); fail closed all the same.
  return () => false
}
