import { describe, expect, it } from 'vitest'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import type { MessageContext, Obligations, Operation, PolicyDecision } from '../pipeline/types.js'
import { contentSafetyStage } from './content-safety-stage.js'
import type { ContentAction } from './entities.js'
import { allowDecision, deepFreeze } from './testing/fixtures.js'

const EMAIL = 'ada@example.org'
const CARD = '4111 1111 1111 1111'
const GITHUB = ['ghp', '_', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'].join('')

const BLOCKED_CARD = 'This call was blocked because it contains a credit card number. Remove the sensitive data and try again.'

const decision = (actions: Partial<Obligations['contentActions']>, defaultContentAction: ContentAction = 'redact', scanResults = false): PolicyDecision =>
  allowDecision(actions, defaultContentAction, scanResults)


function context(message: JsonRpcMessage, operation: Operation, extra: Partial<MessageContext> = {}): MessageContext {
  return deepFreeze({
    direction: 'to-server',
    message,
    operation,
    session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 0,
    decision: decision({}),
    ...extra,
  })
}

function toolCall(args: Record<string, unknown>, extra: Partial<MessageContext> = {}): MessageContext {
  const message = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'send', arguments: args, _meta: { progressToken: 3 } } }
  return context(message as JsonRpcMessage, { kind: 'tool', method: 'tools/call', name: 'send', arguments: args as never }, extra)
}

/** The tool-call params of a message, for identity checks on its parts. */
function paramsOf(message: JsonRpcMessage): { _meta: unknown; arguments: Record<string, unknown> } {
  return (message as unknown as { params: { _meta: unknown; arguments: Record<string, unknown> } }).params
}

const stage = contentSafetyStage()

describe('contentSafetyStage', () => {
  it('is named content-safety', () => {
    expect(stage.name).toBe('content-safety')
  })

  it('passes the very same context when nothing is found', async () => {
    const input = toolCall({ to: 'team', body: 'hello', count: 3 })
    const verdict = await stage.process(input)
    expect(verdict.action).toBe('pass')
    expect(verdict.action === 'pass' && verdict.context).toBe(input)
  })

  it('passes a redacted copy, leaving the input and every other field untouched', async () => {
    const input = toolCall({ to: EMAIL, nested: { keep: ['x'] } })
    const verdict = await stage.process(input)
    if (verdict.action !== 'pass') throw new Error('expected pass')
    const { message, operation, findings, modifications } = verdict.context
    expect(message).toEqual({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'send', arguments: { to: '[REDACTED:EMAIL]', nested: { keep: ['x'] } }, _meta: { progressToken: 3 } },
    })
    expect(operation).toEqual({ kind: 'tool', method: 'tools/call', name: 'send', arguments: { to: '[REDACTED:EMAIL]', nested: { keep: ['x'] } } })
    expect(findings).toEqual([{ type: 'EMAIL', path: '/to', start: 0, end: 15, action: 'redact' }])
    expect(modifications).toEqual(['redacted'])
    const params = paramsOf(message)
    const inputParams = paramsOf(input.message)
    expect(inputParams.arguments['to']).toBe(EMAIL)
    expect(params._meta).toBe(inputParams._meta)
    expect(params.arguments['nested']).toBe(inputParams.arguments['nested'])
  })

  it('appends to the findings and modifications already on the context', async () => {
    const earlier = { type: 'EMAIL', path: '/x', start: 0, end: 1, action: 'allow' } as const
    const verdict = await stage.process(toolCall({ card: CARD }, { findings: [earlier], modifications: ['filtered'], decision: decision({ CREDIT_CARD: 'mask' }) }))
    expect(verdict).toMatchObject({
      action: 'pass',
      context: {
        findings: [earlier, { type: 'CREDIT_CARD', path: '/card', action: 'mask' }],
        modifications: ['filtered', 'masked'],
        message: { params: { arguments: { card: '[MASKED:CREDIT_CARD:****1111]' } } },
      },
    })
  })

  it('denies a blocked type with ERR_CONTENT_BLOCKED, naming the type and never the value', async () => {
    const verdict = await stage.process(toolCall({ card: CARD }, { decision: decision({ CREDIT_CARD: 'block' }) }))
    if (verdict.action !== 'deny') throw new Error('expected deny')
    expect([verdict.error.code, verdict.error.message, verdict.error.stage]).toEqual(['ERR_CONTENT_BLOCKED', BLOCKED_CARD, 'content-safety'])
    expect(verdict.error.details).toEqual({ types: ['CREDIT_CARD'] })
    expect(JSON.stringify({ ...verdict.error.details, message: verdict.error.message })).not.toContain('4111')
    expect(verdict.context?.findings).toEqual([{ type: 'CREDIT_CARD', path: '/card', start: 0, end: 19, action: 'block' }])
  })

  it('names every blocked type in one sentence', async () => {
    const verdict = await stage.process(toolCall({ a: EMAIL, b: CARD, c: GITHUB }, { decision: decision({}, 'block') }))
    expect(verdict).toMatchObject({
      action: 'deny',
      error: {
        message:
          'This call was blocked because it contains an email address, a credit card number and a GitHub token. Remove the sensitive data and try again.',
        details: { types: ['EMAIL', 'CREDIT_CARD', 'GITHUB_TOKEN'] },
      },
    })
  })

  it('fails closed without obligations: blocks secrets and redacts PII', async () => {
    const noDecision = { decision: undefined }
    expect(await stage.process(toolCall({ token: GITHUB }, noDecision))).toMatchObject({
      action: 'deny',
      error: { code: 'ERR_CONTENT_BLOCKED', details: { types: ['GITHUB_TOKEN'] } },
    })
    expect(await stage.process(toolCall({ to: EMAIL }, noDecision))).toMatchObject({
      action: 'pass',
      context: { message: { params: { arguments: { to: '[REDACTED:EMAIL]' } } } },
    })
  })

  it('prefers the decision on this message over the decision on the request', async () => {
    const verdict = await stage.process(toolCall({ to: EMAIL }, { decision: decision({ EMAIL: 'allow' }), requestDecision: decision({ EMAIL: 'block' }) }))
    expect(verdict.action).toBe('pass')
  })

  it('treats an action that is not a ContentAction as block', async () => {
    const verdict = await stage.process(toolCall({ to: EMAIL }, { decision: decision({ EMAIL: 'shred' as ContentAction }) }))
    expect(verdict).toMatchObject({ action: 'deny', error: { code: 'ERR_CONTENT_BLOCKED' } })
  })

  it('passes allowed findings with the message untouched, and reports them', async () => {
    const input = toolCall({ to: EMAIL }, { decision: decision({ EMAIL: 'allow' }) })
    const verdict = await stage.process(input)
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toBe(input.message)
    expect(verdict.context.modifications).toBe(input.modifications)
    expect(verdict.context.findings).toEqual([{ type: 'EMAIL', path: '/to', start: 0, end: 15, action: 'allow' }])
  })

  it('replaces a card or SSN sent as a JSON number with the marker string, and blocks it when told to', async () => {
    const args = { card: 4111111111111111, ssn: 123456789, count: 123456789, ts: 1732406400000 }
    const verdict = await stage.process(toolCall(args, { decision: decision({ CREDIT_CARD: 'mask' }) }))
    expect(verdict).toMatchObject({
      action: 'pass',
      context: {
        message: { params: { arguments: { card: '[MASKED:CREDIT_CARD:****1111]', ssn: '[REDACTED:US_SSN]', count: 123456789, ts: 1732406400000 } } },
        findings: [
          { type: 'CREDIT_CARD', path: '/card', start: 0, end: 16, action: 'mask' },
          { type: 'US_SSN', path: '/ssn', start: 0, end: 9, action: 'redact' },
        ],
        modifications: ['redacted', 'masked'],
      },
    })
    expect(await stage.process(toolCall({ card: 4111111111111111 }, { decision: decision({ CREDIT_CARD: 'block' }) }))).toMatchObject({
      action: 'deny',
      error: { message: BLOCKED_CARD },
    })
  })

  it('redacts and renames member names of arguments', async () => {
    const verdict = await stage.process(toolCall({ [EMAIL]: 'x' }))
    expect(verdict).toMatchObject({ action: 'pass', context: { message: { params: { arguments: { '[REDACTED:EMAIL]': 'x' } } } } })
  })
})

describe('contentSafetyStage: what is scanned', () => {
  it('scans prompts/get arguments', async () => {
    const args = { topic: `email ${EMAIL}` }
    const message = { jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'p', arguments: args } } as JsonRpcMessage
    const verdict = await stage.process(context(message, { kind: 'prompt', method: 'prompts/get', name: 'p', arguments: args }))
    expect(verdict).toMatchObject({ action: 'pass', context: { message: { params: { arguments: { topic: 'email [REDACTED:EMAIL]' } } } } })
  })

  it('scans completion/complete argument.value and context.arguments (MCP 2025-11-25)', async () => {
    const params = { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'ssn', value: '123456789' }, context: { arguments: { to: EMAIL } } }
    const message = { jsonrpc: '2.0', id: 1, method: 'completion/complete', params } as JsonRpcMessage
    const operation: Operation = { kind: 'completion', method: 'completion/complete', ref: 'prompt:p', arguments: { to: EMAIL } }
    const verdict = await stage.process(context(message, operation))
    if (verdict.action !== 'pass') throw new Error('expected pass')
    expect(verdict.context.message).toEqual({
      ...message,
      params: { ...params, argument: { name: 'ssn', value: '[REDACTED:US_SSN]' }, context: { arguments: { to: '[REDACTED:EMAIL]' } } },
    })
    expect(verdict.context.findings.map((finding) => finding.path)).toEqual(['/argument/value', '/context/arguments/to'])
    expect(verdict.context.operation).toEqual({ ...operation, arguments: { to: '[REDACTED:EMAIL]' } })
  })

  it('scans a resource URI and keeps the operation in step', async () => {
    const uri = `mail://inbox/${EMAIL}`
    const message = { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } } as JsonRpcMessage
    const verdict = await stage.process(context(message, { kind: 'resource', method: 'resources/read', uri }))
    expect(verdict).toMatchObject({
      action: 'pass',
      context: {
        message: { params: { uri: 'mail://inbox/[REDACTED:EMAIL]' } },
        operation: { uri: 'mail://inbox/[REDACTED:EMAIL]' },
        findings: [{ type: 'EMAIL', path: '/uri' }],
      },
    })
  })

  it('scans the host’s answer to a server request (elicitation) before it reaches the server', async () => {
    const message = { jsonrpc: '2.0', id: 'srv-1', result: { action: 'accept', content: { card: CARD } } } as JsonRpcMessage
    const operation: Operation = { kind: 'response', of: { kind: 'client-feature', method: 'elicitation/create' } }
    const verdict = await stage.process(context(message, operation, { decision: undefined, requestDecision: decision({ CREDIT_CARD: 'block' }) }))
    expect(verdict).toMatchObject({ action: 'deny', error: { message: BLOCKED_CARD }, context: { findings: [{ path: '/content/card' }] } })
  })

  it('scans results on their way to the host only when the request’s decision says scanResults', async () => {
    const message = { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: `card ${CARD}` }] } } as JsonRpcMessage
    const operation: Operation = { kind: 'response', of: { kind: 'tool', method: 'tools/call', name: 'send', arguments: {} } }
    const unscanned = context(message, operation, { direction: 'to-client', decision: undefined, requestDecision: decision({ CREDIT_CARD: 'block' }) })
    expect(await stage.process(unscanned)).toEqual({ action: 'pass', context: unscanned })
    const scanned = context(message, operation, { direction: 'to-client', decision: undefined, requestDecision: decision({ CREDIT_CARD: 'block' }, 'redact', true) })
    expect(await stage.process(scanned)).toMatchObject({
      action: 'deny',
      error: {
        code: 'ERR_CONTENT_BLOCKED',
        message: 'The result of this call was blocked because it contains a credit card number. Ask your administrator if you need this data.',
      },
    })
    const masked = context(message, operation, { direction: 'to-client', decision: undefined, requestDecision: decision({ CREDIT_CARD: 'mask' }, 'redact', true) })
    expect(await stage.process(masked)).toMatchObject({
      action: 'pass',
      context: { message: { result: { content: [{ type: 'text', text: 'card [MASKED:CREDIT_CARD:****1111]' }] } }, modifications: ['masked'] },
    })
  })

  it.each([
    ['a server’s sampling request', 'to-client', { jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: { messages: [{ content: { text: CARD } }] } }, { kind: 'client-feature', method: 'sampling/createMessage' }],
    ['a notification', 'to-server', { jsonrpc: '2.0', method: 'notifications/progress', params: { message: CARD } }, { kind: 'protocol', method: 'notifications/progress' }],
    ['a list request', 'to-server', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: CARD } }, { kind: 'list', method: 'tools/list' }],
  ] as const)('does not scan %s', async (_name, direction, message, operation) => {
    const input = context(message as JsonRpcMessage, operation as Operation, { direction, decision: decision({}, 'block') })
    expect(await stage.process(input)).toEqual({ action: 'pass', context: input })
  })

  it('never throws on malformed params: a string where arguments belong is still scanned', async () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'send', arguments: `to ${EMAIL}` } } as JsonRpcMessage
    const verdict = await stage.process(context(message, { kind: 'tool', method: 'tools/call', name: 'send', arguments: {} }))
    expect(verdict).toMatchObject({ action: 'pass', context: { message: { params: { arguments: 'to [REDACTED:EMAIL]' } }, operation: { arguments: {} } } })
  })

  it.each([
    ['no params', { jsonrpc: '2.0', id: 1, method: 'tools/call' }],
    ['params without arguments', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'send' } }],
    ['array params', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: [EMAIL] }],
  ])('passes a tool call with %s', async (_name, message) => {
    const input = context(message as JsonRpcMessage, { kind: 'tool', method: 'tools/call', name: 'send', arguments: {} })
    expect(await stage.process(input)).toEqual({ action: 'pass', context: input })
  })
})

describe('contentSafetyStage options', () => {
  it('runs only the given detectors', async () => {
    const onlySecrets = contentSafetyStage({ detectors: [{ type: 'GENERIC_SECRET', find: (text) => (text.startsWith('pw:') ? [{ start: 0, end: text.length }] : []) }] })
    expect(await onlySecrets.process(toolCall({ a: EMAIL, b: 'pw:hunter2' }, { decision: undefined }))).toMatchObject({
      action: 'deny',
      error: { message: 'This call was blocked because it contains a password or other secret. Remove the sensitive data and try again.' },
    })
  })

  it.each([
    [null, 'options must be an object'],
    [{ detectors: 'all' }, '"detectors" must be an array of detectors'],
    [{ detectors: [{ type: 'EMAIL' }] }, 'every entry of "detectors" must be an object with an entity "type" and a find(text) function'],
    [{ detectors: [{ type: 'EMAIL', find: () => [], mayContain: true }] }, 'the "mayContain" of every entry of "detectors" must be a function or left out'],
    [{ detectors: [] }, '"detectors" must list at least one detector; leave it out to use DEFAULT_DETECTORS'],
  ])('rejects options %j', (options, message) => {
    expect(() => contentSafetyStage(options as never)).toThrow(new TypeError(message))
  })
})
