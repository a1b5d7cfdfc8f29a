/**
 * desktop/src/app/renderer/screens/policy-words.ts — the policy's state in words, shared by the status screen, the
 * policy screen and the window's banner.
 */
import type { AppStatus } from '../../contract/ipc-contract.js'
import { age } from '../format.js'

type Brief = NonNullable<AppStatus['policy']>

/** One line: where the policy comes from and how fresh it is. */
export function policyLine(policy: Brief): string {
  if (policy.source !== 'central') return "No central policy: each protected server follows the policy file its proxy was given."
  const checked = policy.checkedAt === null ? 'never confirmed' : `checked ${age(policy.checkedAt)}`
  return policy.stale ? `Stale: ${staleReason(policy)}` : `From your organisation, signed · ${checked}`
}

/** Why a stale policy is stale, and what happens meanwhile. */
export function staleReason(policy: Brief): string {
  const since = policy.checkedAt === null ? '' : ` (last confirmed ${age(policy.checkedAt)})`
  switch (policy.reason) {
    case 'never-fetched':
      return "your organisation's policy has not been received yet. Every call is refused until it is; MCP Warden keeps trying. Check your network connection."
    case 'expired':
      return `the policy in force has expired${since}. Every call is refused until a new one arrives; check your network connection.`
    default:
      return `the policy server cannot be reached${since}. Every call is refused until it answers again; check your network connection.`
  }
}
