/**
 * shared/src/content-safety/testing/fixtures.ts — values and builders shared by the content-safety tests.
 * Test support only: excluded from the package build (shared/tsconfig.json), typechecked with the tests.
 */
import type { ContentAction } from '../entities.js'
import type { Obligations, PolicyDecision } from '../../pipeline/types.js'

/**
 * A deterministic random-looking body (a linear congruential generator), built at run time so no secret-shaped
 * literal sits in the repository.
 */
export function syntheticBody(length: number, alphabet: string, seed: number): string {
  let state = seed
  let text = ''
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648
    text += alphabet[(state >>> 16) % alphabet.length]
  }
  return text
}

/** A deterministic generator of integers below `n` (the same linear congruential generator), for generated texts. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return (state >>> 8) % n
  }
}

/** An allow decision whose content obligations are the given actions. */
export function allowDecision(
  actions: Partial<Obligations['contentActions']>,
  defaultContentAction: ContentAction,
  scanResults = false,
): PolicyDecision {
  return {
    effect: 'allow',
    ruleIds: ['r1'],
    revision: 'rev-1',
    explanation: 'Allowed by rule r1.',
    obligations: { contentActions: actions, defaultContentAction, scanResults, rateLimits: [], budgets: [], cost: 1 },
  }
}

/** Freezes a value and everything in it, so a test fails if a stage mutates its input. */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'object' && next !== null) pending.push(...Object.values(Object.freeze(next)))
  }
  return value
}
