import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isWardenError } from '../errors.js'
import type { JsonObject } from '../jsonrpc/message.js'
import type { Identity } from '../pipeline/types.js'
import type { SessionTransport } from './compiled-policy.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { parsePolicy } from './parse-policy.js'

const person: Identity = { issuer: 'https://idp.example', subject: 'u-1', groups: [], claims: {} }

function policyWhen(when: object) {
  const rule = { id: 'r', effect: 'allow', subjects: { anyone: true }, servers: ['*'], tools: ['*'], when }
  return parsePolicy(JSON.stringify({ version: 1, revision: 'r1', rules: [rule] }), 'json')
}

describe('pathUnder on a stdio server: resolved on disk', () => {
  let root: string
  let docs: string
  let outside: string
  let decide: (path: unknown, transport?: SessionTransport) => 'allow' | 'deny' | 'ask'

  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-path-')))
    docs = join(root, 'docs')
    outside = join(root, 'outside')
    mkdirSync(join(docs, 'sub'), { recursive: true })
    mkdirSync(outside)
    mkdirSync(join(root, 'docs2'))
    writeFileSync(join(docs, 'sub', 'note.txt'), 'hello')
    writeFileSync(join(outside, 'secret.txt'), 'secret')
    symlinkSync(outside, join(docs, 'escape'))
    symlinkSync(join(outside, 'not-yet.txt'), join(docs, 'dangling'))
    symlinkSync(join(docs, 'sub'), join(docs, 'inner-link'))
    const policy = policyWhen({ path: { pathUnder: docs } })
    decide = (path, transport = 'stdio') =>
      evaluatePolicy(policy, {
        identity: person,
        server: 'fs',
        transport,
        operation: { kind: 'tool', method: 'tools/call', name: 'read_file', arguments: { path } as JsonObject },
      }).effect
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('allows a file under the directory, the directory itself, and a symlink that stays inside', () => {
    expect(decide(join(docs, 'sub', 'note.txt'))).toBe('allow')
    expect(decide(docs)).toBe('allow')
    expect(decide(join(docs, 'inner-link', 'note.txt'))).toBe('allow')
  })

  it('allows a file that does not exist yet inside the directory (longest existing prefix)', () => {
    expect(decide(join(docs, 'sub', 'new', 'file.txt'))).toBe('allow')
  })

  it('denies a symlink pointing outside, and a dangling symlink inside pointing outside', () => {
    expect(decide(join(docs, 'escape', 'secret.txt'))).toBe('deny')
    expect(decide(join(docs, 'escape'))).toBe('deny')
    expect(decide(join(docs, 'dangling'))).toBe('deny')
  })

  it('denies ".." escapes, percent-encoded dots and slashes, and fullwidth solidus and dots', () => {
    expect(decide(`${docs}/../outside/secret.txt`)).toBe('deny')
    expect(decide(`${docs}/%2e%2e/outside/secret.txt`)).toBe('deny')
    expect(decide(`${docs}%2f..%2foutside`)).toBe('deny')
    expect(decide(`${docs}/\uFF0E\uFF0E\uFF0Foutside`)).toBe('deny')
    expect(decide(`${docs}/\uFF0E\uFF0E/outside`)).toBe('deny')
  })

  it('denies a sibling with a common string prefix, relative paths, NUL bytes, backslashes and non-strings', () => {
    expect(decide(join(root, 'docs2'))).toBe('deny')
    expect(decide('docs/sub/note.txt')).toBe('deny')
    expect(decide(`${docs}/sub/note.txt\0.png`)).toBe('deny')
    expect(decide(`${docs}\\..\\outside`)).toBe('deny')
    expect(decide(42)).toBe('deny')
  })

  it('resolves ".." that stays inside, and resolves ".." after a symlink physically, as the kernel does', () => {
    expect(decide(`${docs}/sub/../sub/note.txt`)).toBe('allow')
    // Lexically this is <docs>/docs2; the kernel opens <outside>/../docs2, the sibling.
    expect(decide(`${docs}/escape/../docs2`)).toBe('deny')
    expect(decide(`${docs}/inner-link/../sub/note.txt`)).toBe('allow')
    expect(decide(`${docs}/missing/../../outside`)).toBe('deny')
    // Lexically <docs>/escape/x, which a server that resolves ".." first then follows outside.
    expect(decide(`${docs}/missing/../escape/secret.txt`)).toBe('deny')
    expect(decide(`${docs}/sub/new/../file.txt`)).toBe('deny')
  })

  it('checks remote servers lexically: a symlink escape is not seen, ".." and siblings still are', () => {
    expect(decide(join(docs, 'escape', 'secret.txt'), 'http')).toBe('allow')
    expect(decide(`${docs}/../outside`, 'http')).toBe('deny')
    expect(decide(join(root, 'docs2'), 'http')).toBe('deny')
  })

  it('denies everything when the allowed directory itself is a dangling link', () => {
    symlinkSync(join(root, 'missing'), join(root, 'gone'))
    const policy = policyWhen({ path: { pathUnder: join(root, 'gone') } })
    const decision = evaluatePolicy(policy, {
      identity: person,
      server: 'fs',
      transport: 'stdio',
      operation: { kind: 'tool', method: 'tools/call', name: 'write', arguments: { path: join(root, 'gone', 'a') } },
    })
    expect(decision.effect).toBe('deny')
  })
})

describe('noPii', () => {
  const policy = policyWhen({ body: { noPii: ['EMAIL', 'CREDIT_CARD'] } })
  const decide = (body: unknown) =>
    evaluatePolicy(policy, {
      identity: person,
      server: 'mail',
      operation: { kind: 'tool', method: 'tools/call', name: 'send', arguments: { body } as JsonObject },
    }).effect

  it('allows an argument without the named types, and denies one with any of them, nested or in a key', () => {
    expect(decide('see you tomorrow')).toBe('allow')
    expect(decide('write to ada@example.org')).toBe('deny')
    expect(decide({ lines: ['card 4111 1111 1111 1111'] })).toBe('deny')
    expect(decide({ 'ada@example.org': 'hi' })).toBe('deny')
  })

  it('ignores types it does not name, and a missing argument fails like every other condition', () => {
    expect(decide('ssn 078-05-1120')).toBe('allow')
    expect(
      evaluatePolicy(policy, { identity: person, server: 'mail', operation: { kind: 'tool', method: 'tools/call', name: 'send', arguments: {} } }).effect,
    ).toBe('deny')
  })
})

describe('arguments: { noPii } on all the arguments', () => {
  function policyWith(rule: object) {
    const base = { id: 'r', effect: 'allow', subjects: { anyone: true }, servers: ['*'], tools: ['*'] }
    return parsePolicy(JSON.stringify({ version: 1, revision: 'r1', rules: [{ ...base, ...rule }] }), 'json')
  }
  const decide = (policy: ReturnType<typeof policyWith>, args: JsonObject | undefined) =>
    evaluatePolicy(policy, { identity: person, server: 'mail', operation: { kind: 'tool', method: 'tools/call', name: 'send', arguments: args as JsonObject } })

  it('allows calls whose arguments hold none of the types anywhere, names included; no arguments hold none', () => {
    const policy = policyWith({ arguments: { noPii: ['EMAIL'] } })
    expect(decide(policy, { to: 'team', body: 'see you', n: 3 }).effect).toBe('allow')
    expect(decide(policy, {}).effect).toBe('allow')
    expect(decide(policy, undefined).effect).toBe('allow')
    expect(decide(policy, { cc: ['x', { deep: 'ada@example.org' }] }).effect).toBe('deny')
    expect(decide(policy, { 'ada@example.org': true }).effect).toBe('deny')
    expect(decide(policy, { ssn: '078-05-1120' }).effect).toBe('allow')
    expect(decide(policy, { to: 'ada@example.org' }).explanation).toContain('only with other arguments')
  })

  it('holds together with `when`', () => {
    const both = policyWith({ arguments: { noPii: ['EMAIL'] }, when: { mode: { equals: 'draft' } } })
    expect(decide(both, { mode: 'draft', body: 'hi' }).effect).toBe('allow')
    expect(decide(both, { mode: 'send', body: 'hi' }).effect).toBe('deny')
    expect(decide(both, { mode: 'draft', body: 'ada@example.org' }).effect).toBe('deny')
  })
})

describe('parsePolicy: path and PII conditions', () => {
  function problems(when: object): string[] {
    try {
      policyWhen(when)
    } catch (error) {
      if (isWardenError(error)) return error.details?.['problems'] as string[]
      throw error
    }
    throw new Error('expected the policy to be rejected')
  }

  it('locates a relative pathUnder and an unknown entity type', () => {
    expect(problems({ path: { pathUnder: 'docs' } }).join('\n')).toBe('rules[0].when.path.pathUnder: must be an absolute path such as /home/me/docs')
    expect(problems({ body: { noPii: ['EMAIL', 'SHOE_SIZE'] } }).join('\n')).toMatch(/^rules\[0\]\.when\.body\.noPii\[1\]: /)
    expect(problems({ body: { noPii: [] } }).join('\n')).toMatch(/^rules\[0\]\.when\.body\.noPii: /)
  })

  it('checks `arguments`: known entity types only, no other keys, and not on resources', () => {
    const rule = (extra: object) => ({ id: 'r', effect: 'allow', subjects: { anyone: true }, servers: ['*'], ...extra })
    const problemsOf = (extra: object): string => {
      try {
        parsePolicy(JSON.stringify({ version: 1, revision: 'r1', rules: [rule(extra)] }), 'json')
        return ''
      } catch (error) {
        return isWardenError(error) ? error.message : String(error)
      }
    }
    expect(problemsOf({ tools: ['*'], arguments: { noPii: ['SHOE_SIZE'] } })).toMatch(/rules\[0\]\.arguments\.noPii\[0\]: /)
    expect(problemsOf({ tools: ['*'], arguments: { noPii: ['EMAIL'], pattern: 'x' } })).toMatch(/rules\[0\]\.arguments: Unrecognized key: "pattern"/)
    expect(problemsOf({ resources: ['*'], arguments: { noPii: ['EMAIL'] } })).toContain('rules[0].arguments: conditions apply to tool and prompt arguments; put resources in a separate rule without "arguments"')
    expect(problemsOf({ tools: ['*'], arguments: { noPii: ['EMAIL'] } })).toBe('')
  })
})
