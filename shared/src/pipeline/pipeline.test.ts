import { describe, expect, it } from 'vitest'
import type { AuditRecord, AuditSink } from '../audit/record.js'
import { WardenError } from '../errors.js'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import { classifyMessage, operationTarget } from './classify.js'
import { renderDenial } from './denial.js'
import { createPipeline } from './pipeline.js'
import type { Clock, MessageContext, Stage } from './types.js'

const clock: Clock = { now: () => Date.UTC(2026, 10, 24, 12), monotonic: () => 0 }

function memorySink(): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = []
  return { records, append: (record) => void records.push(record) }
}

function contextFor(message: JsonRpcMessage, direction: MessageContext['direction'] = 'to-server'): MessageContext {
  return {
    direction,
    message,
    operation: classifyMessage(message, direction),
    session: { server: 'everything', sessionId: 's1', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: clock.now(),
  }
}

const call = (name: string, id: number | string = 1): JsonRpcMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: { message: 'secret value' } },
})

const pass = (name: Stage['name']): Stage => ({ name, process: (context) => ({ action: 'pass', context }) })
const deny = (name: Stage['name'], code: 'ERR_POLICY_DENIED' = 'ERR_POLICY_DENIED'): Stage => ({
  name,
  process: () => ({ action: 'deny', error: new WardenError(code, 'Not allowed. Ask your administrator.', { stage: name }) }),
})

describe('createPipeline', () => {
  it('passes a message through every stage in order and audits the decision', async () => {
    const seen: string[] = []
    const audit = memorySink()
    const tracking = (name: Stage['name']): Stage => ({ name, process: (context) => (seen.push(name), { action: 'pass', context }) })
    const pipeline = createPipeline({ stages: [tracking('identity'), tracking('policy')], audit, clock, newId: () => 'a1' })
    const outcome = await pipeline.process(contextFor(call('echo')))
    expect(outcome.action).toBe('pass')
    expect(seen).toEqual(['identity', 'policy'])
    expect(audit.records).toHaveLength(1)
    expect(audit.records[0]).toMatchObject({ id: 'a1', kind: 'decision', decision: 'allow', outcome: 'forwarded', method: 'tools/call', target: 'echo', server: 'everything', requestId: 1 })
  })

  it('stops at the first deny and still writes the audit record', async () => {
    const audit = memorySink()
    let reached = false
    const late: Stage = { name: 'limits', process: (context) => ((reached = true), { action: 'pass', context }) }
    const pipeline = createPipeline({ stages: [pass('identity'), deny('policy'), late], audit, clock, newId: () => 'a2' })
    const outcome = await pipeline.process(contextFor(call('write_file')))
    expect(outcome).toMatchObject({ action: 'deny', auditId: 'a2', error: { code: 'ERR_POLICY_DENIED', stage: 'policy' } })
    expect(reached).toBe(false)
    expect(audit.records[0]).toMatchObject({ decision: 'deny', code: 'ERR_POLICY_DENIED', stage: 'policy', outcome: 'denied' })
  })

  it('denies with ERR_INTERNAL when a stage throws (fail closed) and reports the cause', async () => {
    const errors: unknown[] = []
    const broken: Stage = { name: 'content-safety', process: () => { throw new Error('boom') } }
    const pipeline = createPipeline({ stages: [broken], audit: memorySink(), clock, onError: (e) => errors.push(e) })
    const outcome = await pipeline.process(contextFor(call('echo')))
    expect(outcome.action).toBe('deny')
    if (outcome.action !== 'deny') return
    expect(outcome.error.code).toBe('ERR_INTERNAL')
    expect(outcome.error.stage).toBe('content-safety')
    expect(outcome.error.message).toBe('MCP Warden could not check this message, so it was blocked. Try again; if it persists, contact your administrator.')
    expect(errors).toHaveLength(1)
  })

  it('denies a passing message whose audit record cannot be written, unless told to continue', async () => {
    const failing: AuditSink = { append: () => { throw new WardenError('ERR_AUDIT_UNAVAILABLE', 'disk full') } }
    const strict = createPipeline({ stages: [pass('policy')], audit: failing, clock })
    const outcome = await strict.process(contextFor(call('echo')))
    expect(outcome).toMatchObject({ action: 'deny', error: { code: 'ERR_INTERNAL' } })
    const lenient = createPipeline({ stages: [pass('policy')], audit: failing, clock, auditFailure: 'continue' })
    expect((await lenient.process(contextFor(call('echo')))).action).toBe('pass')
  })

  it('hands out no audit id when the record of a denial could not be written', async () => {
    const failing: AuditSink = { append: () => { throw new WardenError('ERR_AUDIT_UNAVAILABLE', 'disk full') } }
    const outcome = await createPipeline({ stages: [deny('policy')], audit: failing, clock, newId: () => 'never' }).process(contextFor(call('echo')))
    expect(outcome).toMatchObject({ action: 'deny', auditId: undefined, error: { code: 'ERR_POLICY_DENIED' } })
  })

  it('records a list result only when a stage changed it', async () => {
    const audit = memorySink()
    const listed: MessageContext = {
      ...contextFor({ jsonrpc: '2.0', id: 4, result: { tools: [] } }, 'to-client'),
      operation: { kind: 'response', of: { kind: 'list', method: 'tools/list' } },
    }
    const filter: Stage = { name: 'policy', process: (context) => ({ action: 'pass', context: { ...context, modifications: ['filtered'] } }) }
    await createPipeline({ stages: [pass('policy')], audit, clock }).process(listed)
    expect(audit.records).toHaveLength(0)
    await createPipeline({ stages: [filter], audit, clock }).process(listed)
    expect(audit.records[0]).toMatchObject({ kind: 'result', method: 'tools/list', modifications: ['filtered'], outcome: 'ok' })
  })

  it('audits notifications only when they are denied', async () => {
    const audit = memorySink()
    const note: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }
    await createPipeline({ stages: [pass('policy')], audit, clock }).process(contextFor(note, 'to-client'))
    expect(audit.records).toHaveLength(0)
    await createPipeline({ stages: [deny('policy')], audit, clock }).process(contextFor(note, 'to-client'))
    expect(audit.records[0]).toMatchObject({ outcome: 'dropped', decision: 'deny' })
  })

  it.each([
    [[{ name: 'policy' }], 'every stage must be an object with a name and a process(context) function'],
    [[pass('policy'), pass('policy')], 'stage "policy" appears twice in the pipeline'],
  ])('rejects a malformed stage list at construction', (stages, message) => {
    expect(() => createPipeline({ stages: stages as Stage[], audit: memorySink() })).toThrow(new TypeError(message))
  })
})

describe('renderDenial', () => {
  const error = new WardenError('ERR_POLICY_DENIED', 'Not allowed. Ask your administrator.', { stage: 'policy' })

  it('answers a denied tools/call with a tool result marked isError, code and audit id under _meta', () => {
    expect(renderDenial(contextFor(call('echo', 'x')), error, 'a9')).toEqual({
      to: 'client',
      message: {
        jsonrpc: '2.0',
        id: 'x',
        result: {
          content: [{ type: 'text', text: 'Not allowed. Ask your administrator.' }],
          isError: true,
          _meta: { 'dev.mcpwarden/denial': { code: 'ERR_POLICY_DENIED', stage: 'policy', auditId: 'a9' } },
        },
      },
    })
  })

  it('answers other denied requests with a JSON-RPC error outside the reserved range', () => {
    const read: JsonRpcMessage = { jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'file:///etc/passwd' } }
    expect(renderDenial(contextFor(read), error, 'a1').message).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -31901, message: 'Not allowed. Ask your administrator.', data: { code: 'ERR_POLICY_DENIED', stage: 'policy', auditId: 'a1' } },
    })
  })

  it('drops a denied notification', () => {
    expect(renderDenial(contextFor({ jsonrpc: '2.0', method: 'notifications/initialized' }), error, 'a1')).toEqual({ to: 'none' })
  })

  it('answers the server when the host\'s reply to a sampling request is denied', () => {
    const reply: MessageContext = {
      ...contextFor({ jsonrpc: '2.0', id: 3, result: { role: 'assistant' } }),
      operation: { kind: 'response', of: { kind: 'client-feature', method: 'sampling/createMessage' } },
    }
    expect(renderDenial(reply, error, undefined)).toMatchObject({ to: 'server', message: { id: 3, error: { code: -31901 } } })
  })

  it('never sends a local error code or its text to a peer', () => {
    const local = new WardenError('ERR_CONFIG_INVALID', 'config at /home/alice/x is broken')
    const read: JsonRpcMessage = { jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'x' } }
    expect(renderDenial(contextFor(read), local, undefined).message).toMatchObject({
      error: { code: -32603, message: 'MCP Warden hit an internal error and blocked this message.', data: { code: 'ERR_INTERNAL' } },
    })
  })
})

describe('operationTarget', () => {
  it.each([
    ['https://user:secret@api.example.com/items/7?token=abc#frag', 'https://api.example.com/items/7'],
    ['file:///home/alice/notes.md', 'file:///home/alice/notes.md'],
    ['db://reports/q?where=ssn', 'db://reports/q'],
  ])('keeps %s in the audit as %s', (uri, expected) => {
    const message: JsonRpcMessage = { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } }
    expect(operationTarget(classifyMessage(message, 'to-server'))).toBe(expected)
    const completion: JsonRpcMessage = { jsonrpc: '2.0', id: 2, method: 'completion/complete', params: { ref: { type: 'ref/resource', uri }, argument: { name: 'a', value: '' } } }
    expect(operationTarget(classifyMessage(completion, 'to-server'))).toBe(`resource:${expected}`)
  })
})

describe('classifyMessage', () => {
  it.each([
    [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { a: 1 } } }, 'to-server', { kind: 'tool', name: 'echo' }],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: {} } }, 'to-server', { kind: 'unknown', method: 'tools/call' }],
    [{ jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'p' } }, 'to-server', { kind: 'prompt', name: 'p' }],
    [{ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///a' } }, 'to-server', { kind: 'resource', uri: 'file:///a' }],
    [{ jsonrpc: '2.0', id: 1, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: 'b' } } }, 'to-server', { kind: 'completion', ref: 'prompt:p' }],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, 'to-server', { kind: 'list' }],
    [{ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }, 'to-server', { kind: 'protocol' }],
    [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }, 'to-server', { kind: 'protocol' }],
    [{ jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: {} }, 'to-client', { kind: 'client-feature' }],
    [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }, 'to-client', { kind: 'unknown' }],
    [{ jsonrpc: '2.0', id: 1, method: 'vendor/anything' }, 'to-server', { kind: 'unknown', method: 'vendor/anything' }],
  ] as const)('classifies %j going %s', (message, direction, expected) => {
    expect(classifyMessage(message as JsonRpcMessage, direction)).toMatchObject(expected)
  })
})
