import { parsePolicy, type CompiledPolicy } from '@mcp-warden/core'
import { describe, expect, it } from 'vitest'
import type { PolicySnapshot } from '../agent/protocol/schemas.js'
import type { Logger } from '../cli/logger.js'
import { agentPolicy } from './agent-policy.js'

const text = (revision: number): string => `version: 1\nrevision: "${revision}"\nrules: []\n`
const local = parsePolicy('version: 1\nrevision: local\nrules: []\n')
const lines: string[] = []
const log: Logger = { error: (m) => lines.push(m), warn: (m) => lines.push(m), info: (m) => lines.push(m), debug: () => undefined }
const NOW = 1_800_000_000

function fresh(revision: number, extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return { revision, policyText: text(revision), checkedAt: NOW, expiresAt: NOW + 3600, stale: false, ...extra }
}

async function withAnswers(answers: (PolicySnapshot | null | Error)[], withLocal = true): Promise<{ current: () => CompiledPolicy; refresh: () => Promise<void>; close: () => void }> {
  let i = 0
  const agent = {
    policySnapshot: async () => {
      const answer = answers[Math.min(i++, answers.length - 1)]
      if (answer instanceof Error) throw answer
      return answer ?? null
    },
  }
  return agentPolicy({ agent, local: withLocal ? { policy: local, file: '/etc/p.yaml' } : undefined, log, refreshMs: 1e9, now: () => NOW * 1000 })
}

const code = (f: () => unknown): unknown => {
  try {
    f()
    return undefined
  } catch (error) {
    return (error as { code?: unknown }).code
  }
}

describe('the policy a proxy enforces in agent mode', () => {
  it('uses the local file only when the agent says the settings name no central policy', async () => {
    const policy = await withAnswers([null])
    expect(policy.current()).toBe(local)
    expect(lines.some((l) => l.includes('UNSIGNED_POLICY_OPT_IN'))).toBe(true)
    policy.close()
  })

  it('refuses every call, saying what to do, when there is neither a central policy nor a policy file', async () => {
    const policy = await withAnswers([null], false)
    let thrown: unknown
    try {
      policy.current()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'ERR_CONFIG_INVALID', stage: 'policy', details: { reason: 'no-policy' } })
    expect((thrown as Error).message).toContain('Ask your administrator to publish a policy')
    policy.close()
  })

  it('applies a new revision on the next message after a refresh, parsing each revision once', async () => {
    const policy = await withAnswers([fresh(1), fresh(1), fresh(2)])
    const first = policy.current()
    expect(first.revision).toBe('1')
    await policy.refresh()
    expect(policy.current()).toBe(first)
    await policy.refresh()
    expect(policy.current().revision).toBe('2')
    policy.close()
  })

  it('fails closed: stale or expired → ERR_POLICY_STALE; no answer yet → ERR_AGENT_UNAVAILABLE; agent gone → last snapshot kept', async () => {
    const stale = await withAnswers([fresh(1, { stale: true, reason: 'unreachable' })])
    expect(code(stale.current)).toBe('ERR_POLICY_STALE')
    const expired = await withAnswers([fresh(1, { expiresAt: NOW })])
    expect(code(expired.current)).toBe('ERR_POLICY_STALE')
    const never = await withAnswers([new Error('down')])
    expect(code(never.current)).toBe('ERR_AGENT_UNAVAILABLE')
    const gone = await withAnswers([fresh(3), new Error('down')])
    await gone.refresh()
    expect(gone.current().revision).toBe('3')
    const unloadable = await withAnswers([fresh(4, { policyText: 'version: 99\n' })])
    expect(code(unloadable.current)).toBe('ERR_POLICY_STALE')
    for (const p of [stale, expired, never, gone, unloadable]) p.close()
  })
})
