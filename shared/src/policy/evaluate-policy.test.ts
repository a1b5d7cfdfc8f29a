import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../jsonrpc/message.js'
import type { Identity, Operation } from '../pipeline/types.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { parsePolicy } from './parse-policy.js'

function policyWith(rules: readonly object[], extra: object = {}) {
  return parsePolicy(JSON.stringify({ version: 1, revision: 'r1', rules, ...extra }), 'json')
}

function person(overrides: Partial<Identity> = {}): Identity {
  return { issuer: 'https://idp.example', subject: 'u-1', groups: [], claims: {}, ...overrides }
}

const tool = (name: string, args: JsonObject = {}): Operation => ({ kind: 'tool', method: 'tools/call', name, arguments: args })
const prompt = (name: string, args: JsonObject = {}): Operation => ({ kind: 'prompt', method: 'prompts/get', name, arguments: args })
const resource = (uri: string): Operation => ({ kind: 'resource', method: 'resources/read', uri })
const completion = (ref: string): Operation => ({
  kind: 'completion',
  method: 'completion/complete',
  ref,
  arguments: { argument: { name: 'x', value: 'y' } },
})

const anyoneAllow = (id: string, fields: object) => ({ id, effect: 'allow', subjects: { anyone: true }, servers: ['*'], ...fields })

describe('evaluatePolicy: defaults and rule precedence', () => {
  const policy = policyWith([
    { id: 'eng', effect: 'allow', subjects: { groups: ['engineers'] }, servers: ['everything'], tools: ['*'] },
    { id: 'no-destroy', effect: 'deny', subjects: { anyone: true }, servers: ['*'], tools: ['destroy*'] },
    { id: 'no-destroy-all', effect: 'deny', subjects: { groups: ['engineers'] }, servers: ['every*'], tools: ['destroy_all'] },
  ])
  const engineer = person({ groups: ['engineers'] })

  it('denies by default, naming the tool and server but no rule', () => {
    const decision = evaluatePolicy(policy, { identity: engineer, server: 'fs', operation: tool('read_file') })
    expect(decision).toMatchObject({ effect: 'deny', ruleIds: [], revision: 'r1' })
    expect(decision.explanation).toBe('No rule of policy revision "r1" allows you to use tool "read_file" on server "fs".')
  })

  it('allows by a matching rule, with the rule id and revision', () => {
    const decision = evaluatePolicy(policy, { identity: engineer, server: 'everything', operation: tool('echo') })
    expect(decision).toMatchObject({ effect: 'allow', ruleIds: ['eng'], revision: 'r1' })
    expect(decision.explanation).toBe('Allowed by rule "eng" of policy revision "r1".')
  })

  it('lets any matching deny rule override an allow rule, listing every deny rule in document order', () => {
    const one = evaluatePolicy(policy, { identity: engineer, server: 'everything', operation: tool('destroy') })
    expect(one).toMatchObject({ effect: 'deny', ruleIds: ['no-destroy'] })
    expect(one.explanation).toBe('Rule "no-destroy" of policy revision "r1" denies tool "destroy" on server "everything".')
    const two = evaluatePolicy(policy, { identity: engineer, server: 'everything', operation: tool('destroy_all') })
    expect(two.ruleIds).toEqual(['no-destroy', 'no-destroy-all'])
    expect(two.explanation).toBe(
      'Rules "no-destroy", "no-destroy-all" of policy revision "r1" deny tool "destroy_all" on server "everything".',
    )
  })

  it('matches nothing for a missing identity, not even "anyone"', () => {
    const open = policyWith([anyoneAllow('all', { tools: ['*'] })])
    const decision = evaluatePolicy(open, { identity: undefined, server: 'fs', operation: tool('read_file') })
    expect(decision).toMatchObject({ effect: 'deny', ruleIds: [] })
    expect(decision.explanation).toBe(
      'No identity is attached to this request, so no rule of policy revision "r1" allows tool "read_file" on server "fs".',
    )
  })

  it('returns frozen decisions', () => {
    const decision = evaluatePolicy(policy, { identity: engineer, server: 'everything', operation: tool('echo') })
    expect(Object.isFrozen(decision) && Object.isFrozen(decision.obligations) && Object.isFrozen(decision.ruleIds)).toBe(true)
  })

  it('rejects anything but a compiled policy', () => {
    const fake = { revision: 'r1', document: {} } as unknown as Parameters<typeof evaluatePolicy>[0]
    expect(() => evaluatePolicy(fake, { identity: engineer, server: 'fs', operation: tool('x') })).toThrow(
      new TypeError('evaluatePolicy: policy must be a CompiledPolicy returned by parsePolicy()'),
    )
  })
})

describe('evaluatePolicy: subjects', () => {
  const rules = [
    { id: 'group', effect: 'allow', subjects: { groups: ['engineers'] }, servers: ['s'], tools: ['group'] },
    { id: 'domain', effect: 'allow', subjects: { emailDomains: ['Example.com'] }, servers: ['s'], tools: ['domain'] },
    { id: 'email', effect: 'allow', subjects: { emails: ['Bob@Example.org'] }, servers: ['s'], tools: ['email'] },
    { id: 'user', effect: 'allow', subjects: { users: ['alice-sub', 'carol@example.org'] }, servers: ['s'], tools: ['user'] },
    { id: 'claim', effect: 'allow', subjects: { claims: { tid: ['t-1'] } }, servers: ['s'], tools: ['claim'] },
  ]
  const policy = policyWith(rules)
  const cases: [string, string, Partial<Identity>, 'allow' | 'deny'][] = [
    ['group member', 'group', { groups: ['staff', 'engineers'] }, 'allow'],
    ['group compared exactly', 'group', { groups: ['Engineers'] }, 'deny'],
    ['no groups', 'group', { groups: [] }, 'deny'],
    ['verified email in domain, any case', 'domain', { email: 'a@EXAMPLE.com', emailVerified: true }, 'allow'],
    ['email without a verified flag', 'domain', { email: 'a@example.com' }, 'allow'],
    ['unverified email in domain', 'domain', { email: 'a@example.com', emailVerified: false }, 'deny'],
    ['subdomain', 'domain', { email: 'a@sub.example.com' }, 'deny'],
    ['look-alike domain', 'domain', { email: 'a@example.com.evil.test' }, 'deny'],
    ['email, case-insensitive', 'email', { email: 'bob@example.ORG' }, 'allow'],
    ['unverified email', 'email', { email: 'bob@example.org', emailVerified: false }, 'deny'],
    ['user by subject', 'user', { subject: 'alice-sub' }, 'allow'],
    ['user by exact email', 'user', { email: 'carol@example.org' }, 'allow'],
    ['user email compared exactly', 'user', { email: 'Carol@example.org' }, 'deny'],
    ['user by unverified email', 'user', { email: 'carol@example.org', emailVerified: false }, 'deny'],
    ['string claim', 'claim', { claims: { tid: 't-1' } }, 'allow'],
    ['array claim', 'claim', { claims: { tid: ['t-0', 't-1'] } }, 'allow'],
    ['other claim value', 'claim', { claims: { tid: 't-2' } }, 'deny'],
    ['non-string claim', 'claim', { claims: { tid: 1 } }, 'deny'],
    ['missing claim', 'claim', { claims: {} }, 'deny'],
  ]
  it.each(cases)('%s (rule %s)', (_label, toolName, identity, effect) => {
    expect(evaluatePolicy(policy, { identity: person(identity), server: 's', operation: tool(toolName) }).effect).toBe(effect)
  })
})

describe('evaluatePolicy: names and patterns', () => {
  const policy = policyWith([
    anyoneAllow('prefix', { servers: ['fs*'], tools: ['read*'] }),
    anyoneAllow('exact', { servers: ['fs'], tools: ['write', 'get-?', 'a.b', '(x)', 'café'] }),
    { id: 'deny-danger', effect: 'deny', subjects: { anyone: true }, servers: ['*'], tools: ['danger*'] },
    anyoneAllow('danger-ok', { servers: ['fs'], tools: ['*'] }),
  ])
  const cases: [string, string, string, 'allow' | 'deny'][] = [
    ['glob prefix', 'fs', 'read_file', 'allow'],
    ['glob is anchored at the start', 'fs-prod', 'xread', 'deny'],
    ['exact name is anchored at the end', 'fs-prod', 'write', 'deny'],
    ['server glob', 'fs-prod', 'read', 'allow'],
    ['server mismatch', 'db', 'read_file', 'deny'],
    ['"?" is one character', 'fs', 'get-a', 'allow'],
    ['"?" is not two characters', 'fs-prod', 'get-ab', 'deny'],
    ['"." is literal', 'fs-prod', 'axb', 'deny'],
    ['"." matches itself', 'fs', 'a.b', 'allow'],
    ['parentheses are literal', 'fs', '(x)', 'allow'],
    ['case differs', 'fs-prod', 'Read_file', 'deny'],
    ['fullwidth letters', 'fs-prod', 'ｒｅａｄ', 'deny'],
    ['zero-width space', 'fs-prod', 'wr\u200bite', 'deny'],
    ['NFC: decomposed form of an allowed name', 'fs', 'cafe\u0301', 'allow'],
    ['"*" spans line breaks in a deny rule', 'fs', 'danger\nous', 'deny'],
  ]
  it.each(cases)('%s (%s / %j) → %s', (_label, server, name, effect) => {
    expect(evaluatePolicy(policy, { identity: person(), server, operation: tool(name) }).effect).toBe(effect)
  })
})

describe('evaluatePolicy: argument conditions', () => {
  const policy = policyWith([
    anyoneAllow('range', { tools: ['range'], when: { count: { range: { min: 1, max: 10 } } } }),
    anyoneAllow('equals-string', { tools: ['eq-s'], when: { mode: { equals: '1' } } }),
    anyoneAllow('equals-number', { tools: ['eq-n'], when: { mode: { equals: 1 } } }),
    anyoneAllow('equals-null', { tools: ['eq-null'], when: { mode: { equals: null } } }),
    anyoneAllow('one-of', { tools: ['one-of'], when: { mode: { oneOf: ['a', 1] } } }),
    anyoneAllow('pattern', { tools: ['pattern'], when: { name: { pattern: 'abc' } } }),
    anyoneAllow('alternation', { tools: ['alt'], when: { name: { pattern: 'a|b' } } }),
    anyoneAllow('prefix', { tools: ['prefix'], when: { path: { prefix: '/srv/' } } }),
    anyoneAllow('absent', { tools: ['absent'], when: { force: { absent: true } } }),
    anyoneAllow('both', { tools: ['both'], when: { a: { equals: true }, b: { equals: false } } }),
    anyoneAllow('proto', { tools: ['proto'], when: { constructor: { absent: true } } }),
  ])
  const cases: [string, string, JsonObject, 'allow' | 'deny'][] = [
    ['number in range', 'range', { count: 5 }, 'allow'],
    ['range bounds are inclusive', 'range', { count: 10 }, 'allow'],
    ['number out of range', 'range', { count: 11 }, 'deny'],
    ['numeric string is not a number', 'range', { count: '5' }, 'deny'],
    ['missing argument fails range', 'range', {}, 'deny'],
    ['equals string', 'eq-s', { mode: '1' }, 'allow'],
    ['no coercion number → string', 'eq-s', { mode: 1 }, 'deny'],
    ['equals number', 'eq-n', { mode: 1 }, 'allow'],
    ['no coercion string → number', 'eq-n', { mode: '1' }, 'deny'],
    ['no coercion boolean → number', 'eq-n', { mode: true }, 'deny'],
    ['equals null', 'eq-null', { mode: null }, 'allow'],
    ['missing is not null', 'eq-null', {}, 'deny'],
    ['oneOf string', 'one-of', { mode: 'a' }, 'allow'],
    ['oneOf number', 'one-of', { mode: 1 }, 'allow'],
    ['oneOf without coercion', 'one-of', { mode: '1' }, 'deny'],
    ['pattern matches in full', 'pattern', { name: 'abc' }, 'allow'],
    ['pattern is anchored', 'pattern', { name: 'xabcx' }, 'deny'],
    ['pattern needs a string', 'pattern', { name: 5 }, 'deny'],
    ['alternation is anchored as a whole', 'alt', { name: 'ab' }, 'deny'],
    ['alternation branch', 'alt', { name: 'b' }, 'allow'],
    ['prefix', 'prefix', { path: '/srv/data' }, 'allow'],
    ['prefix is not a substring', 'prefix', { path: '/srvdata' }, 'deny'],
    ['prefix needs a string', 'prefix', { path: ['/srv/x'] }, 'deny'],
    ['absent', 'absent', {}, 'allow'],
    ['null counts as present', 'absent', { force: null }, 'deny'],
    ['all conditions must hold', 'both', { a: true, b: true }, 'deny'],
    ['all conditions hold', 'both', { a: true, b: false }, 'allow'],
    ['inherited properties are not arguments', 'proto', {}, 'allow'],
  ]
  it.each(cases)('%s (tool %s)', (_label, name, args, effect) => {
    expect(evaluatePolicy(policy, { identity: person(), server: 's', operation: tool(name, args) }).effect).toBe(effect)
  })

  it('explains a conditions failure without the argument values', () => {
    const decision = evaluatePolicy(policy, {
      identity: person(),
      server: 's',
      operation: tool('prefix', { path: '/etc/s3cr3t-value' }),
    })
    expect(decision.explanation).toBe('Under policy revision "r1" you may use tool "prefix" on server "s" only with other arguments.')
  })

  it('treats malformed arguments as none given', () => {
    const operation = { kind: 'tool', method: 'tools/call', name: 'absent', arguments: ['x'] } as unknown as Operation
    expect(evaluatePolicy(policy, { identity: person(), server: 's', operation }).effect).toBe('allow')
  })

  it('applies conditions to prompt arguments too', () => {
    const prompts = policyWith([anyoneAllow('p', { prompts: ['greet'], when: { lang: { oneOf: ['en', 'de'] } } })])
    expect(evaluatePolicy(prompts, { identity: person(), server: 's', operation: prompt('greet', { lang: 'de' }) }).effect).toBe('allow')
    expect(evaluatePolicy(prompts, { identity: person(), server: 's', operation: prompt('greet', { lang: 'fr' }) }).effect).toBe('deny')
    expect(evaluatePolicy(prompts, { identity: person(), server: 's', operation: tool('greet', { lang: 'de' }) }).effect).toBe('deny')
  })
})

describe('evaluatePolicy: resources and completions', () => {
  const policy = policyWith([
    anyoneAllow('srv', { resources: ['file:///srv/*'] }),
    anyoneAllow('greet', { prompts: ['greet'], when: { lang: { equals: 'en' } } }),
    { id: 'no-secret-prompt', effect: 'deny', subjects: { anyone: true }, servers: ['*'], prompts: ['secret'] },
    anyoneAllow('secret', { prompts: ['secret'] }),
  ])
  const check = (operation: Operation) => evaluatePolicy(policy, { identity: person(), server: 'fs', operation })

  it.each([
    ['file:///srv/report.txt', 'allow'],
    ['file:///etc/passwd', 'deny'],
    ['file:///srv/../etc/passwd', 'deny'],
    ['file:///srv/%2E%2E/etc/passwd', 'deny'],
    ['file:///srv/a/..%2f..%2fetc', 'deny'],
    ['file:///srv/..\\etc', 'deny'],
    ['file:///srv/./x', 'deny'],
    ['file:///srv/a..b', 'allow'],
  ] as const)('resource %s → %s', (uri, effect) => {
    expect(check(resource(uri)).effect).toBe(effect)
  })

  it('denies dot segments without repeating the URI', () => {
    const decision = check(resource('file:///srv/../home/s3cr3t'))
    expect(decision.explanation).toBe(
      'Policy revision "r1" does not allow resource addresses with "." or ".." path segments on server "fs"; ' +
        'ask for the resource by its direct address.',
    )
  })

  it('does not name a denied resource URI', () => {
    expect(check(resource('file:///home/alice/token=s3cr3t')).explanation).toBe(
      'No rule of policy revision "r1" allows you to use this resource on server "fs".',
    )
  })

  it.each([
    ['a prompt the user could get with some arguments', 'prompt:greet', 'allow', ['greet']],
    ['a resource the user may read', 'resource:file:///srv/a', 'allow', ['srv']],
    ['a prompt under an unconditional deny', 'prompt:secret', 'deny', ['no-secret-prompt']],
    ['an unknown prompt', 'prompt:other', 'deny', []],
    ['a prompt name only a resource pattern matches', 'prompt:file:///srv/a', 'deny', []],
    ['a resource ref with dot segments', 'resource:file:///srv/../etc', 'deny', []],
    ['a ref of neither kind', 'greet', 'deny', []],
  ] as const)('completion for %s (ref %j)', (_label, ref, effect, ruleIds) => {
    expect(check(completion(ref))).toMatchObject({ effect, ruleIds })
  })
})

describe('evaluatePolicy: operations that need no rule', () => {
  const policy = policyWith([], {
    allowMethods: ['custom/ping'],
    defaults: { content: { action: 'block' }, budgets: [{ id: 'daily', scope: 'user', limit: 100, period: 'day' }] },
  })
  const cases: [string, Operation][] = [
    ['protocol', { kind: 'protocol', method: 'initialize' }],
    ['list', { kind: 'list', method: 'tools/list' }],
    ['client feature', { kind: 'client-feature', method: 'sampling/createMessage' }],
    ['response', { kind: 'response', of: undefined }],
    ['allowed unknown method', { kind: 'unknown', method: 'custom/ping' }],
  ]
  it.each(cases)('allows %s with the default obligations at cost 0', (_label, operation) => {
    const decision = evaluatePolicy(policy, { identity: undefined, server: 's', operation })
    expect(decision).toMatchObject({ effect: 'allow', ruleIds: [], revision: 'r1' })
    expect(decision.obligations).toEqual({
      contentActions: {},
      defaultContentAction: 'block',
      scanResults: false,
      rateLimits: [],
      budgets: [{ id: 'daily', scope: 'user', limit: 100, period: 'day' }],
      cost: 0,
    })
  })

  it('denies a method it could not classify unless allowMethods lists it', () => {
    const decision = evaluatePolicy(policy, { identity: person(), server: 's', operation: { kind: 'unknown', method: 'custom/other' } })
    expect(decision).toMatchObject({ effect: 'deny', ruleIds: [] })
    expect(decision.explanation).toBe(
      'Method "custom/other" is not a known MCP method and policy revision "r1" does not list it in allowMethods.',
    )
  })
})

describe('evaluatePolicy: obligations and costs', () => {
  const policy = policyWith(
    [
      anyoneAllow('plain', { servers: ['everything', 'fs'], tools: ['*'] }),
      anyoneAllow('special', {
        servers: ['special'],
        tools: ['*'],
        content: { action: 'mask', types: { EMAIL: 'allow', US_SSN: 'redact' }, scanResults: true },
        rateLimits: [],
      }),
    ],
    {
      defaults: {
        content: { action: 'redact', types: { CREDIT_CARD: 'block', US_SSN: 'block' } },
        rateLimits: [{ id: 'per-tool', scope: 'user-tool', capacity: 60, windowSeconds: 60 }],
        budgets: [{ id: 'daily', scope: 'user', limit: 1000, period: 'day' }],
      },
      costs: { 'everything/*': 2, 'fs/write_*': 5, 'everything/echo': 3, 'fs/write_file_*': 7 },
    },
  )
  const decide = (server: string, operation: Operation) => evaluatePolicy(policy, { identity: person(), server, operation })

  it('applies the defaults to a rule without obligations', () => {
    expect(decide('fs', tool('read')).obligations).toEqual({
      contentActions: { CREDIT_CARD: 'block', US_SSN: 'block' },
      defaultContentAction: 'redact',
      scanResults: false,
      rateLimits: [{ id: 'per-tool', scope: 'user-tool', capacity: 60, windowSeconds: 60 }],
      budgets: [{ id: 'daily', scope: 'user', limit: 1000, period: 'day' }],
      cost: 1,
    })
  })

  it("merges a rule's content over the defaults and replaces its limit lists", () => {
    expect(decide('special', tool('x')).obligations).toEqual({
      contentActions: { CREDIT_CARD: 'block', US_SSN: 'redact', EMAIL: 'allow' },
      defaultContentAction: 'mask',
      scanResults: true,
      rateLimits: [],
      budgets: [{ id: 'daily', scope: 'user', limit: 1000, period: 'day' }],
      cost: 1,
    })
  })

  it.each([
    ['exact key beats a pattern', 'everything', 'echo', 3],
    ['pattern', 'everything', 'add', 2],
    ['most specific pattern wins', 'fs', 'write_file_x', 7],
    ['less specific pattern', 'fs', 'write_dir', 5],
    ['no entry costs 1', 'fs', 'read', 1],
  ] as const)('cost: %s', (_label, server, name, cost) => {
    expect(decide(server, tool(name)).obligations.cost).toBe(cost)
  })

  it('charges 1 for prompts and 0 for denials', () => {
    const withPrompt = policyWith([anyoneAllow('p', { prompts: ['*'] })], { costs: { 's/*': 9 } })
    expect(evaluatePolicy(withPrompt, { identity: person(), server: 's', operation: prompt('p') }).obligations.cost).toBe(1)
    expect(evaluatePolicy(withPrompt, { identity: person(), server: 's', operation: tool('t') }).obligations.cost).toBe(0)
  })
})
