import { describe, expect, it } from 'vitest'
import type { Identity } from '../pipeline/types.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { mayList } from './may-list.js'
import { parsePolicy } from './parse-policy.js'

// The rule index must never change a decision: compare evaluatePolicy with a plain scan over every rule, on
// random policies built from a small alphabet so that patterns, heads and names collide often.

interface RandomRule {
  readonly id: string
  readonly effect: 'allow' | 'deny'
  readonly subjects: { anyone: true } | { groups: string[] }
  readonly servers: string[]
  readonly tools: string[]
}

function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T
}

function word(next: () => number, alphabet: readonly string[], min: number, max: number): string {
  const length = min + Math.floor(next() * (max - min + 1))
  return Array.from({ length }, () => pick(next, alphabet)).join('')
}

function randomRule(next: () => number, index: number): RandomRule {
  return {
    id: `r${index}`,
    effect: next() < 0.3 ? 'deny' : 'allow',
    subjects: next() < 0.5 ? { anyone: true } : { groups: [pick(next, ['g1', 'g2'])] },
    servers: Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(next, ['s1', 's2', 's*', '*', '?2'])),
    tools: Array.from({ length: 1 + Math.floor(next() * 3) }, () => word(next, ['a', 'b', '*', '?'], 1, 4)),
  }
}

function globRegex(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')))
  return new RegExp(`^${body.join('')}$`, 'u')
}

function reference(rules: readonly RandomRule[], identity: Identity, server: string, name: string) {
  const applies = (rule: RandomRule) =>
    ('anyone' in rule.subjects || identity.groups.includes(rule.subjects.groups[0] ?? '')) &&
    rule.servers.some((pattern) => globRegex(pattern).test(server)) &&
    rule.tools.some((pattern) => globRegex(pattern).test(name))
  const denies = rules.filter((rule) => rule.effect === 'deny' && applies(rule)).map((rule) => rule.id)
  const allow = rules.find((rule) => rule.effect === 'allow' && applies(rule))
  if (denies.length > 0) return { effect: 'deny', ruleIds: denies }
  return allow === undefined ? { effect: 'deny', ruleIds: [] } : { effect: 'allow', ruleIds: [allow.id] }
}

describe('rule index', () => {
  it('decides exactly as a scan over every rule would', () => {
    const next = random(20261124)
    for (let round = 0; round < 200; round += 1) {
      const rules = Array.from({ length: 1 + Math.floor(next() * 12) }, (_, index) => randomRule(next, index))
      const policy = parsePolicy(JSON.stringify({ version: 1, revision: 'r', rules }))
      for (let query = 0; query < 40; query += 1) {
        const identity: Identity = { issuer: 'i', subject: 'u', groups: next() < 0.5 ? ['g1'] : ['g2'], claims: {} }
        const server = pick(next, ['s1', 's2', 's3', '12'])
        const name = word(next, ['a', 'b', 'c'], 1, 5)
        const operation = { kind: 'tool', method: 'tools/call', name, arguments: {} } as const
        const expected = reference(rules, identity, server, name)
        const context = { rules, server, name, groups: identity.groups }
        expect({ ...context, ...evaluatePolicy(policy, { identity, server, operation }) }).toMatchObject({ ...context, ...expected })
        expect(mayList(policy, identity, server, 'tool', name)).toBe(expected.effect === 'allow')
      }
    }
  })
})
