import { describe, expect, it } from 'vitest'
import { policyBrief, policyView } from './policy-view.js'

const TEXT = `version: 1
revision: "4"
rules:
  - id: eng
    effect: allow
    subjects: { groups: [engineering, sre], users: [bob] }
    servers: ["*"]
    tools: ["*"]
  - id: big-sums
    effect: ask
    subjects: { anyone: true }
    servers: [calc]
    tools: [get-sum]
    when:
      a: { range: { min: 100 } }
      mode: { oneOf: [fast, exact] }
      note: { absent: true }
  - id: pii
    effect: deny
    subjects: { emails: [carol@example.com] }
    servers: [files, wiki]
    resources: ["file:///secret/*"]
`

describe('policy:get', () => {
  it('turns each rule into who, what, conditions and effect', () => {
    const view = policyView({ revision: 4, policyText: TEXT, checkedAt: 1_800_000_000, expiresAt: 1_800_003_600, stale: false }, 'https://policy.example/p.jws')
    expect(view.brief).toEqual({ source: 'central', revision: 4, checkedAt: 1_800_000_000_000, expiresAt: 1_800_003_600_000, stale: false })
    expect(view.location).toBe('https://policy.example/p.jws')
    expect(view.rules).toEqual([
      { id: 'eng', effect: 'allow', who: 'users bob; groups engineering and sre', what: 'every tool on any server', conditions: [] },
      { id: 'big-sums', effect: 'ask', who: 'Anyone signed in', what: 'tool get-sum on server calc', conditions: ['a is at least 100', 'mode is one of "fast", "exact"', 'note is not given', 'a person approves each call (within 120 s)'] },
      { id: 'pii', effect: 'deny', who: 'carol@example.com', what: 'resources file:///secret/* on servers files and wiki', conditions: [] },
    ])
  })

  it('shows a central policy not received yet as stale with no rules, and no central policy as the local source', () => {
    const stale = policyView({ revision: null, policyText: null, checkedAt: null, expiresAt: null, stale: true, reason: 'never-fetched' }, 'https://p/x')
    expect(stale).toEqual({ brief: { source: 'central', revision: null, checkedAt: null, expiresAt: null, stale: true, reason: 'never-fetched' }, location: 'https://p/x', rules: [] })
    expect(policyView(null, null)).toEqual({ brief: policyBrief(null), location: null, rules: [] })
    expect(policyBrief(null)).toEqual({ source: 'local', revision: null, checkedAt: null, expiresAt: null, stale: false })
  })
})
