import { describe, expect, it } from 'vitest'
import { isWardenError } from '../errors.js'
import { isCompiledPolicy } from './compiled-policy.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { parsePolicy } from './parse-policy.js'

const YAML_POLICY = `
version: 1
revision: "2026-11-24.1"
defaults:
  content: { action: redact, types: { CREDIT_CARD: block, US_SSN: block }, scanResults: false }
  rateLimits: [ { id: per-tool, scope: user-tool, capacity: 60, windowSeconds: 60 } ]
  budgets: [ { id: daily, scope: user, limit: 1000, period: day } ]
costs: { "everything/*": 1, "fs/write_file": 5 }
allowMethods: [ "custom/ping" ]
rules:
  - id: engineers-everything
    description: Engineers may use the demo server.
    effect: allow
    subjects: { groups: [engineers] }
    servers: [everything]
    tools: ["*"]
    when:
      message: { pattern: "[a-z ]+" }
`

const rule = { id: 'r', effect: 'allow', subjects: { anyone: true }, servers: ['*'], tools: ['*'] }
const json = (fields: object) => JSON.stringify({ version: 1, revision: 'r1', rules: [rule], ...fields })
const withRule = (fields: object) => json({ rules: [{ ...rule, ...fields }] })

/** The problems reported for `text`, or a failure when it parses. */
function problemsOf(text: string, format?: 'json' | 'yaml'): string[] {
  try {
    parsePolicy(text, format)
  } catch (error) {
    if (!isWardenError(error) || error.code !== 'ERR_CONFIG_INVALID') throw error
    const problems = error.details?.['problems'] as string[]
    expect(error.message).toBe(`The policy document is invalid; fix these problems and load it again:\n- ${problems.join('\n- ')}`)
    return problems
  }
  throw new Error('expected the policy to be rejected')
}

describe('parsePolicy: valid documents', () => {
  it('loads YAML', () => {
    const policy = parsePolicy(YAML_POLICY, 'yaml')
    expect(isCompiledPolicy(policy)).toBe(true)
    expect(policy.revision).toBe('2026-11-24.1')
    expect(policy.document.rules[0]?.id).toBe('engineers-everything')
    expect(Object.isFrozen(policy.document.rules[0]?.subjects)).toBe(true)
  })

  it('loads JSON, and detects the format when not given', () => {
    expect(parsePolicy(json({}), 'json').revision).toBe('r1')
    expect(parsePolicy(`\uFEFF  ${json({})}`).revision).toBe('r1')
    expect(parsePolicy('version: 1\nrevision: r2\nrules: []\n').revision).toBe('r2')
  })

  it('accepts an empty rule list, which denies every call', () => {
    const policy = parsePolicy(json({ rules: [] }))
    const operation = { kind: 'tool', method: 'tools/call', name: 'x', arguments: {} } as const
    const identity = { issuer: 'i', subject: 's', groups: [], claims: {} }
    expect(evaluatePolicy(policy, { identity, server: 's', operation }).effect).toBe('deny')
  })

  it('reads YAML 1.2: a date stays a string', () => {
    const policy = parsePolicy('version: 1\nrevision: 2026-11-24\nrules: []\n')
    expect(policy.revision).toBe('2026-11-24')
  })
})

describe('parsePolicy: rejected documents', () => {
  const cases: [string, string, string[]][] = [
    ['empty subjects', withRule({ subjects: {} }), [
      'rules[0].subjects: name who the rule applies to (users, emails, emailDomains, groups or claims), or write "anyone: true"',
    ]],
    ['anyone combined with a list', withRule({ subjects: { anyone: true, groups: ['g'] } }), [
      'rules[0].subjects: "anyone: true" cannot be combined with other subject keys',
    ]],
    ['anyone: false', withRule({ subjects: { anyone: false } }), ['rules[0].subjects.anyone: Invalid input: expected true']],
    ['empty group list', withRule({ subjects: { groups: [] } }), [
      'rules[0].subjects.groups: Too small: expected array to have >=1 items',
    ]],
    ['empty claims', withRule({ subjects: { claims: {} } }), ['rules[0].subjects.claims: name at least one claim']],
    ['unknown key in a rule', withRule({ subject: { anyone: true } }), ['rules[0]: Unrecognized key: "subject"']],
    ['unknown top-level key', json({ rule: [] }), ['(document): Unrecognized key: "rule"']],
    ['unknown entity type', json({ defaults: { content: { types: { CREDIT_CRAD: 'block' } } } }), [
      'defaults.content.types: Unrecognized key: "CREDIT_CRAD"',
    ]],
    ['no target', withRule({ tools: undefined }), ['rules[0]: name what the rule covers: tools, prompts or resources']],
    ['no servers', withRule({ servers: undefined }), ['rules[0].servers: Invalid input: expected array, received undefined']],
    ['wrong version', json({ version: 2 }), ['version: Invalid input: expected 1']],
    ['bad regex', withRule({ when: { q: { pattern: '(' } } }), [
      'rules[0].when.q.pattern: not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
    ]],
    ['regex that would escape its anchors', withRule({ when: { q: { pattern: 'a)|(b' } } }), [
      "rules[0].when.q.pattern: not a valid regular expression: Invalid regular expression: /a)|(b/: Unmatched ')'",
    ]],
    ['two operators in one condition', withRule({ when: { q: { prefix: '/a', absent: true } } }), [
      'rules[0].when.q: give exactly one of equals, oneOf, pattern, range, prefix, pathUnder, noPii or absent',
    ]],
    ['range with min above max', withRule({ when: { n: { range: { min: 5, max: 1 } } } }), [
      'rules[0].when.n.range: min must not exceed max',
    ]],
    ['when on a resource rule', withRule({ tools: undefined, resources: ['file:///*'], when: { a: { absent: true } } }), [
      'rules[0].when: conditions apply to tool and prompt arguments; put resources in a separate rule without "when"',
    ]],
    ['obligations on a deny rule', withRule({ effect: 'deny', rateLimits: [] }), [
      'rules[0].rateLimits: only allow rules carry obligations',
    ]],
    ['duplicate rule ids', json({ rules: [rule, { ...rule }] }), ['rules[1].id: duplicate rule id "r"']],
    ['duplicate limit ids', json({ defaults: { budgets: [
      { id: 'b', scope: 'user', limit: 1, period: 'day' },
      { id: 'b', scope: 'user', limit: 2, period: 'hour' },
    ] } }), ['defaults.budgets[1].id: duplicate budget id "b"']],
    ['negative cost', json({ costs: { 'fs/x': -1 } }), ['costs["fs/x"]: Too small: expected number to be >=0']],
    ['bad rule id', withRule({ id: 'has space' }), [
      'rules[0].id: must be 1-100 characters: letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    ]],
    ['an approval without a proper hash', json({ approvedTools: [{ server: 'fs', tool: 'echo', sha256: 'ABC' }] }), [
      'approvedTools[0].sha256: must be 64 lower-case hex digits; `mcp-warden policy check --tools FILE` prints them',
    ]],
    ['a tool approved twice', json({ approvedTools: [{ server: 'fs', tool: 'echo', sha256: 'a'.repeat(64) }, { server: 'fs', tool: 'echo', sha256: 'b'.repeat(64) }] }), [
      'approvedTools[1].tool: "fs/echo" is approved twice; keep one hash per tool',
    ]],
    ['an allowed server with both command and url', json({ serverAllowList: [{ name: 'fs', command: ['node'], url: 'https://x.example/mcp' }] }), [
      'serverAllowList[0]: give exactly one of command or url',
    ]],
    ['an allowed server with a non-HTTP url', json({ serverAllowList: [{ name: 'fs', url: 'file:///srv/mcp' }] }), [
      'serverAllowList[0].url: Invalid URL',
    ]],
    ['an allowed server listed twice', json({ serverAllowList: [{ name: 'fs', command: ['a'] }, { name: 'fs', command: ['b'] }] }), [
      'serverAllowList[1].name: server "fs" is listed twice; one name, one command or URL',
    ]],
    ['__proto__ as an argument name', withRule({ when: JSON.parse('{"__proto__": {"absent": true}}') }), [
      'rules[0].when: "__proto__" is not allowed as a key',
    ]],
  ]
  it.each(cases)('%s', (_label, text, expected) => {
    expect(problemsOf(text)).toEqual(expected)
  })

  it('refuses a method decided by rules in allowMethods (a malformed tools/call would pass with no rule)', () => {
    expect(problemsOf('version: 1\nrevision: r\nallowMethods: [custom/ok, tools/call]\nrules: []\n')).toEqual([
      'allowMethods[1]: "tools/call" is decided by rules (tools, prompts, resources), not by allowMethods',
    ])
  })

  it('refuses one limit id with two different definitions (they would share one counter)', () => {
    const text = `version: 1
revision: r
defaults: { rateLimits: [ { id: per-minute, scope: user, capacity: 60, windowSeconds: 60 } ] }
rules:
  - id: a
    effect: allow
    subjects: { anyone: true }
    servers: ["*"]
    tools: ["*"]
    rateLimits: [ { id: per-minute, scope: user, capacity: 5, windowSeconds: 60 } ]
`
    expect(problemsOf(text)).toEqual([
      'rules[0].rateLimits[0]: "per-minute" is defined differently at defaults.rateLimits.0; one id names one counter, so give this limit its own id',
    ])
  })

  it('reports every problem at once', () => {
    const text = json({ rules: [{ ...rule, subjects: {} }, { ...rule, id: 'b', servers: [], effect: 'maybe' }] })
    expect(problemsOf(text)).toEqual([
      'rules[0].subjects: name who the rule applies to (users, emails, emailDomains, groups or claims), or write "anyone: true"',
      'rules[1].effect: Invalid option: expected one of "allow"|"deny"|"ask"',
      'rules[1].servers: Too small: expected array to have >=1 items',
    ])
  })

  it('rejects duplicate JSON keys, with their location', () => {
    const text = `{"version": 1, "revision": "r1", "rules": [{"id": "a", "effect": "deny", "effect": "allow",
      "subjects": {"anyone": true}, "servers": ["*"], "tools": ["*"], "when": {"a": {"absent": true}, "\\u0061": {"absent": true}}}]}`
    expect(problemsOf(text, 'json')).toEqual(['rules[0]: duplicate key "effect"', 'rules[0].when: duplicate key "a"'])
  })

  it('rejects duplicate YAML keys', () => {
    const text = 'version: 1\nrevision: r1\nrules: []\nrevision: r2\n'
    expect(problemsOf(text, 'yaml')).toEqual(['(document): Map keys must be unique at line 4, column 1'])
  })

  it('rejects YAML whose aliases expand without bound', () => {
    const lines = ['version: 1', 'revision: r1', 'rules: []', 'x0: &x0 [a, a, a, a, a, a, a, a, a, a]']
    for (let i = 1; i < 8; i += 1) lines.push(`x${i}: &x${i} [${Array(10).fill(`*x${i - 1}`).join(', ')}]`)
    expect(problemsOf(`${lines.join('\n')}\n`, 'yaml')).toEqual([
      '(document): Excessive alias count indicates a resource exhaustion attack',
    ])
  })

  it('rejects "__proto__" keys in YAML too', () => {
    expect(problemsOf('version: 1\nrevision: r1\nrules: []\ncosts: { __proto__: 1 }\n', 'yaml')).toEqual([
      'costs: "__proto__" is not allowed as a key',
    ])
  })

  it('rejects text that is not JSON when JSON is asked for', () => {
    expect(problemsOf('version: 1', 'json')[0]).toMatch(/^\(document\): not valid JSON: /)
  })

  it('rejects a YAML stream with several documents', () => {
    expect(problemsOf('version: 1\n---\nversion: 1\n', 'yaml')[0]).toMatch(/^\(document\): Source contains multiple documents/)
  })

  it('throws TypeError on misuse', () => {
    expect(() => parsePolicy(42 as unknown as string)).toThrow(new TypeError('parsePolicy: text must be a string'))
    expect(() => parsePolicy('{}', 'toml' as 'json')).toThrow(new TypeError('parsePolicy: format must be "json" or "yaml"'))
  })
})
