import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../jsonrpc/message.js'
import type { Identity, Operation } from '../pipeline/types.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { mayList } from './may-list.js'
import { parsePolicy } from './parse-policy.js'
import { PolicySchema } from './policy-schema.js'

function policyWith(rules: readonly object[]) {
  return parsePolicy(JSON.stringify({ version: 1, revision: 'r1', rules }), 'json')
}

const someone: Identity = { issuer: 'https://idp.example', subject: 'u-1', groups: [], claims: {} }
const tool = (name: string, args: JsonObject = {}): Operation => ({ kind: 'tool', method: 'tools/call', name, arguments: args })
const rule = (id: string, effect: string, tools: string[], extra: object = {}) => ({
  id,
  effect,
  subjects: { anyone: true },
  servers: ['fs'],
  tools,
  ...extra,
})

describe('effect: ask', () => {
  const policy = policyWith([
    rule('read', 'allow', ['*']),
    rule('write-asks', 'ask', ['write_*'], { askTimeoutSeconds: 30 }),
    rule('delete-asks', 'ask', ['delete_*']),
    rule('no-delete-root', 'deny', ['delete_*'], { when: { path: { equals: '/' } } }),
  ])

  it('overrides allow and carries the rule timeout', () => {
    const decision = evaluatePolicy(policy, { identity: someone, server: 'fs', operation: tool('write_file') })
    expect(decision).toMatchObject({ effect: 'ask', ruleIds: ['write-asks'], askTimeoutSeconds: 30 })
  })

  it('defaults the timeout to 120 seconds', () => {
    const decision = evaluatePolicy(policy, { identity: someone, server: 'fs', operation: tool('delete_file', { path: '/tmp/x' }) })
    expect(decision).toMatchObject({ effect: 'ask', ruleIds: ['delete-asks'], askTimeoutSeconds: 120 })
  })

  it('is overridden by deny', () => {
    const decision = evaluatePolicy(policy, { identity: someone, server: 'fs', operation: tool('delete_file', { path: '/' }) })
    expect(decision).toMatchObject({ effect: 'deny', ruleIds: ['no-delete-root'] })
  })

  it('leaves other tools allowed, and ask tools listed', () => {
    expect(evaluatePolicy(policy, { identity: someone, server: 'fs', operation: tool('read_file') }).effect).toBe('allow')
    expect(mayList(policy, someone, 'fs', 'tool', 'write_file')).toBe(true)
  })

  it('alone does not allow anything else', () => {
    const only = policyWith([rule('ask', 'ask', ['write_*'])])
    expect(evaluatePolicy(only, { identity: someone, server: 'fs', operation: tool('read_file') }).effect).toBe('deny')
  })

  it('rejects askTimeoutSeconds on a rule that does not ask', () => {
    const parsed = PolicySchema.safeParse({ version: 1, revision: 'r1', rules: [rule('x', 'allow', ['*'], { askTimeoutSeconds: 5 })] })
    expect(parsed.success).toBe(false)
    expect(JSON.stringify(parsed.error?.issues)).toContain('askTimeoutSeconds applies to \\"effect: ask\\" rules only')
  })
})
