import { describe, expect, it } from 'vitest'
import { lintPolicy } from './lint-policy.js'
import { parsePolicy } from './parse-policy.js'

function lint(rules: string, extra = ''): string[] {
  return lintPolicy(parsePolicy(`version: 1\nrevision: r1\n${extra}rules:\n${rules}`)).map((w) => `${w.path}: ${w.message}`)
}

const ALLOW_READ = '  - { id: a, effect: allow, subjects: { groups: [eng] }, servers: [fs], tools: [read_file] }\n'

describe('lintPolicy', () => {
  it.each([
    ['a deny for anyone on every server and tool', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: ["*"], tools: ["*"] }\n'],
    ['a deny for a superset of subjects', '  - { id: d, effect: deny, subjects: { groups: [eng, ops] }, servers: [fs], tools: [read_file] }\n'],
    ['a deny with a wider tool pattern', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: ["f*"], tools: ["read_*"] }\n'],
  ])('reports an allow rule covered by %s', (_, deny) => {
    expect(lint(ALLOW_READ + deny)).toContain('rules[0]: rule "a" can never allow anything: deny rule "d" (rules[1]) covers all of it, and deny overrides allow')
  })

  it.each([
    ['a deny with conditions', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: [fs], tools: [read_file], when: { p: { absent: true } } }\n'],
    ['a deny with conditions on all the arguments', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: [fs], tools: [read_file], arguments: { noPii: [EMAIL] } }\n'],
    ['a deny for other subjects', '  - { id: d, effect: deny, subjects: { groups: [ops] }, servers: [fs], tools: [read_file] }\n'],
    ['a deny on another server', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: [db], tools: [read_file] }\n'],
    ['a deny of prompts only', '  - { id: d, effect: deny, subjects: { anyone: true }, servers: [fs], prompts: ["*"] }\n'],
  ])('does not report an allow rule next to %s', (_, deny) => {
    expect(lint(ALLOW_READ + deny)).toEqual([])
  })

  it('does not take a "?" pattern to cover a "*" pattern', () => {
    const rules = '  - { id: a, effect: allow, subjects: { anyone: true }, servers: [fs], tools: ["read_*"] }\n  - { id: d, effect: deny, subjects: { anyone: true }, servers: [fs], tools: ["read_?"] }\n'
    expect(lint(rules)).toEqual([])
  })

  it('reports rules for everyone on every server and tool, allow and deny', () => {
    expect(lint('  - { id: all, effect: allow, subjects: { anyone: true }, servers: ["*"], tools: ["*"], prompts: [x] }\n')).toEqual([
      'rules[0].tools: rule "all" lets everyone use every tool on every server',
    ])
  })

  it('reports what serverAllowList and approvedTools make unreachable', () => {
    const extra = 'serverAllowList:\n  - { name: fs, url: "https://fs.example.com/mcp" }\napprovedTools:\n  - { server: db, tool: q, sha256: ' + 'a'.repeat(64) + ' }\n'
    expect(lint('  - { id: gh, effect: allow, subjects: { anyone: true }, servers: ["git*"], tools: [x] }\n', extra)).toEqual([
      'rules[0].servers: rule "gh" can never apply: its servers match no name in serverAllowList',
      'approvedTools[0].server: server "db" is not in serverAllowList, so this approval is never used',
    ])
  })
})
