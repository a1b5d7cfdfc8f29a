import { describe, expect, it } from 'vitest'
import { diffPolicies } from './diff-policies.js'
import { parsePolicy } from './parse-policy.js'

function policy(body: string) {
  return parsePolicy(`version: 1\nrevision: r\n${body}`)
}

const HASH_A = 'a'.repeat(64)
const HASH_B = 'b'.repeat(64)

describe('diffPolicies', () => {
  it('reports pairs per subject selector, granted and removed', () => {
    const before = policy('rules:\n  - { id: a, effect: allow, subjects: { groups: [eng] }, servers: [fs], tools: [read] }\n')
    const after = policy(
      'rules:\n  - { id: a, effect: allow, subjects: { groups: [eng], emailDomains: [example.com] }, servers: [fs], tools: [read, write] }\n' +
        '  - { id: d, effect: deny, subjects: { groups: [eng] }, servers: [fs], tools: [write] }\n',
    )
    expect(diffPolicies(before, after)).toEqual({
      granted: [
        { subject: 'domain:example.com', server: 'fs', tool: 'read' },
        { subject: 'domain:example.com', server: 'fs', tool: 'write' },
      ],
      removed: [],
      approvals: [],
    })
  })

  it('counts a conditional deny as leaving the tool usable, and a conditional allow as granting it', () => {
    const before = policy('rules:\n  - { id: a, effect: allow, subjects: { anyone: true }, servers: [fs], tools: [write], when: { p: { prefix: /tmp/ } } }\n')
    const after = policy(
      'rules:\n  - { id: a, effect: allow, subjects: { anyone: true }, servers: [fs], tools: [write] }\n' +
        '  - { id: d, effect: deny, subjects: { anyone: true }, servers: [fs], tools: [write], when: { p: { prefix: /etc/ } } }\n',
    )
    expect(diffPolicies(before, after).granted).toEqual([])
  })

  it('takes pins and the server allow-list into account, and lists approval changes', () => {
    const rules = 'rules:\n  - { id: a, effect: allow, subjects: { anyone: true }, servers: [fs, db], tools: [read, write] }\n'
    const before = policy(`approvedTools:\n  - { server: fs, tool: read, sha256: ${HASH_A} }\n${rules}`)
    const after = policy(`approvedTools:\n  - { server: fs, tool: read, sha256: ${HASH_B} }\n  - { server: fs, tool: write, sha256: ${HASH_A} }\nserverAllowList:\n  - { name: fs, command: [node] }\n${rules}`)
    const diff = diffPolicies(before, after)
    expect(diff.granted).toEqual([{ subject: 'anyone', server: 'fs', tool: 'write' }])
    expect(diff.removed).toEqual([
      { subject: 'anyone', server: 'db', tool: 'read' },
      { subject: 'anyone', server: 'db', tool: 'write' },
    ])
    expect(diff.approvals).toEqual([
      { server: 'fs', tool: 'read', before: HASH_A, after: HASH_B },
      { server: 'fs', tool: 'write', before: undefined, after: HASH_A },
    ])
  })
})
