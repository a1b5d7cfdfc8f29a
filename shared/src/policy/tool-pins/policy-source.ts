/**
 * shared/src/policy/tool-pins/policy-source.ts — the "policy or a function returning it" option of the stages.
 */
import { isCompiledPolicy } from '../compiled-policy.js'
import type { CompiledPolicy } from '../compiled-policy.js'

/**
 * Checks the option now and returns the getter the stage calls per message.
 *
 * @example const current = policySource(options.policy, 'toolPinsStage')
 * @throws TypeError when `source` is neither a policy from `parsePolicy` nor a function.
 */
export function policySource(source: unknown, caller: string): () => CompiledPolicy {
  if (typeof source === 'function') {
    return () => {
      const value: unknown = source()
      if (!isCompiledPolicy(value)) throw new TypeError(`${caller}: options.policy() must return a CompiledPolicy from parsePolicy()`)
      return value
    }
  }
  if (!isCompiledPolicy(source)) {
    throw new TypeError(`${caller}: options.policy must be a CompiledPolicy from parsePolicy() or a function returning one`)
  }
  return () => source
}
