import { describe, expect, it } from 'vitest'
import { isWardenError } from '../errors.js'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import type { Identity, MessageContext, Operation, PolicyDecision, Verdict } from '../pipeline/types.js'
import type { CompiledPolicy } from './compiled-policy.js'
import { parsePolicy } from './parse-policy.js'
import { policyStage } from './policy-stage.js'

const policy = parsePolicy(`
version: 1
revision: r1
defaults:
  content: { action: redact }
rules:
  - { id: tools, effect: allow, subjects: { groups: [eng] }, servers: [fs], tools: [read_file, list_directory] }
  - { id: no-list, effect: deny, subjects: { anyone: true }, servers: [fs], tools: [list_directory] }
  - { id: prompts, effect: allow, subjects: { groups: [eng] }, servers: [fs], prompts: [summarise] }
  - { id: files, effect: allow, subjects: { groups: [eng] }, servers: [fs], resources: ["file:///srv/*"] }
`)
const engineer: Identity = { issuer: 'i', subject: 's', groups: ['eng'], claims: {} }

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

/** A frozen context: any mutation by the stage throws (ES modules are strict). */
function contextFor(fields: { direction?: 'to-server' | 'to-client'; message: JsonRpcMessage; operation: Operation } & Partial<MessageContext>): MessageContext {
  return deepFreeze({
    direction: 'to-server',
    session: { server: 'fs', sessionId: 'sess', transport: 'stdio' },
    identity: engineer,
    findings: [],
    modifications: [],
    receivedAt: 0,
    ...fields,
  } as MessageContext)
}

function call(name: string, args: Record<string, string> = {}): MessageContext {
  return contextFor({
    message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
    operation: { kind: 'tool', method: 'tools/call', name, arguments: args },
  })
}

function listResponse(method: string, result: Record<string, unknown>, requestDecision?: PolicyDecision): MessageContext {
  return contextFor({
    direction: 'to-client',
    message: { jsonrpc: '2.0', id: 2, result } as JsonRpcMessage,
    operation: { kind: 'response', of: { kind: 'list', method } },
    requestDecision,
  })
}

async function run(context: MessageContext, source: CompiledPolicy | (() => CompiledPolicy) = policy): Promise<Verdict> {
  const before = structuredClone(context)
  const verdict = await policyStage({ policy: source }).process(context)
  expect(context).toEqual(before)
  return verdict
}

describe('policyStage: requests', () => {
  it('passes an allowed call with the decision on a new context', async () => {
    const context = call('read_file', { path: '/srv/x' })
    const verdict = await run(context)
    expect(verdict.action).toBe('pass')
    if (verdict.action !== 'pass') return
    expect(verdict.context).not.toBe(context)
    expect(verdict.context.message).toBe(context.message)
    expect(verdict.context.decision).toMatchObject({ effect: 'allow', ruleIds: ['tools'], revision: 'r1' })
  })

  it('denies with ERR_POLICY_DENIED, the explanation and what to do next, never the arguments', async () => {
    const verdict = await run(call('list_directory', { path: '/home/s3cr3t' }))
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect(isWardenError(verdict.error)).toBe(true)
    expect(verdict.error.code).toBe('ERR_POLICY_DENIED')
    expect(verdict.error.stage).toBe('policy')
    expect(verdict.error.message).toBe(
      'Rule "no-list" of policy revision "r1" denies tool "list_directory" on server "fs". Ask your administrator if you need access.',
    )
    expect(verdict.error.details).toEqual({ ruleIds: ['no-list'], revision: 'r1' })
    expect(verdict.context?.decision?.effect).toBe('deny')
  })

  it.each([
    ['an unknown method', { kind: 'unknown', method: 'custom/x' } as const, 'deny'],
    ['a protocol method', { kind: 'protocol', method: 'ping' } as const, 'pass'],
    ['a list request', { kind: 'list', method: 'tools/list' } as const, 'pass'],
  ])('decides %s', async (_label, operation, action) => {
    const context = contextFor({ message: { jsonrpc: '2.0', id: 3, method: operation.method }, operation })
    const verdict = await run(context)
    expect(verdict.action).toBe(action)
    if (verdict.action === 'pass') expect(verdict.context.decision?.obligations.cost).toBe(0)
  })

  it('does not throw on malformed params', async () => {
    const context = contextFor({
      message: { jsonrpc: '2.0', id: 4, method: 'tools/call', params: [1, 2] },
      operation: { kind: 'tool', method: 'tools/call', name: 42, arguments: null } as unknown as Operation,
    })
    expect((await run(context)).action).toBe('deny')
  })

  it('reads the current policy from a function on every message', async () => {
    let current = policy
    const stage = policyStage({ policy: () => current })
    expect((await stage.process(call('read_file'))).action).toBe('pass')
    current = parsePolicy('version: 1\nrevision: r2\nrules: []\n')
    expect((await stage.process(call('read_file'))).action).toBe('deny')
  })
})

describe('policyStage: responses', () => {
  const tools = [{ name: 'read_file', inputSchema: {} }, { name: 'list_directory' }, { name: 'delete' }, { title: 'no name' }]

  it('filters tools/list to what the user may use, keeping every other field', async () => {
    const result = { tools, nextCursor: 'c2', _meta: { x: 1 }, extra: true }
    const context = listResponse('tools/list', result)
    const verdict = await run(context)
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: { tools: [{ name: 'read_file', inputSchema: {} }], nextCursor: 'c2', _meta: { x: 1 }, extra: true },
    })
    expect(verdict.context.modifications).toEqual(['filtered'])
  })

  it.each([
    ['prompts/list', { prompts: [{ name: 'summarise' }, { name: 'other' }] }, { prompts: [{ name: 'summarise' }] }],
    ['resources/list', { resources: [{ uri: 'file:///srv/a' }, { uri: 'file:///etc/passwd' }] }, { resources: [{ uri: 'file:///srv/a' }] }],
  ])('filters %s', async (method, result, expected) => {
    const verdict = await run(listResponse(method, result))
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toMatchObject({ result: expected })
  })

  it('leaves a list untouched when nothing is removed', async () => {
    const context = listResponse('tools/list', { tools: [{ name: 'read_file' }] })
    const verdict = await run(context)
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toBe(context.message)
    expect(verdict.context.modifications).toEqual([])
  })

  it('empties every list for a missing identity', async () => {
    const context = contextFor({ ...listResponse('tools/list', { tools }), identity: undefined })
    const verdict = await run(context)
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toMatchObject({ result: { tools: [] } })
  })

  it('passes other responses with the decision made on their request', async () => {
    const requestDecision = (await run(call('read_file'))) as Extract<Verdict, { action: 'pass' }>
    const decision = requestDecision.context.decision
    const context = contextFor({
      direction: 'to-client',
      message: { jsonrpc: '2.0', id: 1, result: { content: [] } },
      operation: { kind: 'response', of: { kind: 'tool', method: 'tools/call', name: 'read_file', arguments: {} } },
      requestDecision: decision,
    })
    const verdict = await run(context)
    expect(verdict).toEqual({ action: 'pass', context: { ...context, decision } })
  })

  it('passes error responses and malformed list results unchanged', async () => {
    for (const message of [
      { jsonrpc: '2.0', id: 2, error: { code: -1, message: 'x' } },
      { jsonrpc: '2.0', id: 2, result: { tools: 'not a list' } },
    ] as JsonRpcMessage[]) {
      const context = contextFor({ direction: 'to-client', message, operation: { kind: 'response', of: { kind: 'list', method: 'tools/list' } } })
      const verdict = await run(context)
      if (verdict.action !== 'pass') throw new Error('expected pass')
      expect(verdict.context.message).toBe(message)
    }
  })
})

describe('policyStage: options', () => {
  it.each([
    [undefined, 'policyStage: options must be an object'],
    [{}, 'policyStage: options.policy must be a CompiledPolicy from parsePolicy() or a function returning one'],
    [{ policy: { revision: 'r1' } }, 'policyStage: options.policy must be a CompiledPolicy from parsePolicy() or a function returning one'],
  ])('rejects %j', (options, message) => {
    expect(() => policyStage(options as never)).toThrow(new TypeError(message))
  })

  it('fails when the policy function returns something else', () => {
    const stage = policyStage({ policy: () => ({ revision: 'r1' }) as CompiledPolicy })
    expect(() => stage.process(call('read_file'))).toThrow(
      new TypeError('policyStage: options.policy() must return a CompiledPolicy from parsePolicy()'),
    )
  })
})
