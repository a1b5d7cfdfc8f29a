import { describe, expect, it } from 'vitest'
import type { Identity } from '../pipeline/types.js'
import type { TargetKind } from './compiled-policy.js'
import { mayList } from './may-list.js'
import { parsePolicy } from './parse-policy.js'

const policy = parsePolicy(
  JSON.stringify({
    version: 1,
    revision: 'r1',
    rules: [
      { id: 'eng', effect: 'allow', subjects: { groups: ['eng'] }, servers: ['fs'], tools: ['read*', 'write'], when: { path: { prefix: '/srv/' } } },
      { id: 'no-write-etc', effect: 'deny', subjects: { anyone: true }, servers: ['fs'], tools: ['write'], when: { path: { prefix: '/etc/' } } },
      { id: 'no-read-secret', effect: 'deny', subjects: { anyone: true }, servers: ['*'], tools: ['read_secret'] },
      { id: 'prompts', effect: 'allow', subjects: { groups: ['eng'] }, servers: ['fs'], prompts: ['summarise'] },
      { id: 'files', effect: 'allow', subjects: { groups: ['eng'] }, servers: ['fs'], resources: ['file:///srv/*'] },
    ],
  }),
)
const engineer: Identity = { issuer: 'i', subject: 's', groups: ['eng'], claims: {} }

describe('mayList', () => {
  const cases: [string, boolean, TargetKind, string, Identity | undefined][] = [
    ['a tool allowed only with some arguments', true, 'tool', 'read_file', engineer],
    ['a tool under a conditional deny rule', true, 'tool', 'write', engineer],
    ['a tool under an unconditional deny rule', false, 'tool', 'read_secret', engineer],
    ['a tool no rule allows', false, 'tool', 'delete', engineer],
    ['a tool of another user', false, 'tool', 'read_file', { ...engineer, groups: ['sales'] }],
    ['anything without an identity', false, 'tool', 'read_file', undefined],
    ['a prompt', true, 'prompt', 'summarise', engineer],
    ['a tool name under prompts', false, 'tool', 'summarise', engineer],
    ['a resource', true, 'resource', 'file:///srv/a.txt', engineer],
    ['a resource with dot segments', false, 'resource', 'file:///srv/../etc/passwd', engineer],
  ]
  it.each(cases)('%s → %s', (_label, expected, kind, name, identity) => {
    expect(mayList(policy, identity, 'fs', kind, name)).toBe(expected)
  })

  it('rejects an unknown kind', () => {
    expect(() => mayList(policy, engineer, 'fs', 'server' as TargetKind, 'x')).toThrow(
      new TypeError('mayList: kind must be "tool", "prompt" or "resource"'),
    )
  })
})
