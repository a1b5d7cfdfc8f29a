import { describe, expect, it } from 'vitest'
import { createMemoryAuditSink } from '../audit/memory-audit-sink.js'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import type { Identity, MessageContext, Stage } from '../pipeline/types.js'
import { IDENTITY_META_KEY, identityMetaStage } from './identity-meta-stage.js'
import { createPipeline } from '../pipeline/pipeline.js'

const ALICE: Identity = {
  issuer: 'https://id.example.com',
  subject: 'alice-sub',
  email: 'alice@example.com',
  groups: ['engineering'],
  claims: { department: 'r&d' },
}

function context(message: JsonRpcMessage, overrides: Partial<MessageContext> = {}): MessageContext {
  return Object.freeze({
    direction: 'to-server',
    message,
    operation: { kind: 'tool', method: 'tools/call', name: 'echo', arguments: { message: 'hi' } },
    session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
    identity: ALICE,
    findings: [],
    modifications: [],
    receivedAt: 0,
    ...overrides,
  } satisfies MessageContext)
}

const CALL: JsonRpcMessage = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message: 'hi' }, _meta: { progressToken: 7, 'example.com/trace': 'abc' } },
}

async function forwarded(stage: Stage, ctx: MessageContext): Promise<JsonRpcMessage> {
  const verdict = await stage.process(ctx)
  if (verdict.action !== 'pass') throw new Error('expected pass')
  return verdict.context.message
}

describe('identityMetaStage', () => {
  it('puts the verified identity under _meta on a request, keeping the other _meta keys and the arguments', async () => {
    const input = context(CALL)
    const message = await forwarded(identityMetaStage(), input)
    expect(message).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'echo',
        arguments: { message: 'hi' },
        _meta: {
          progressToken: 7,
          'example.com/trace': 'abc',
          [IDENTITY_META_KEY]: { iss: 'https://id.example.com', sub: 'alice-sub', email: 'alice@example.com', groups: ['engineering'] },
        },
      },
    })
    expect(input.message).toBe(CALL)
    expect(CALL.params).not.toHaveProperty(['_meta', IDENTITY_META_KEY])
  })

  it('replaces what the host put under the key, so a host cannot claim another identity', async () => {
    const spoofed: JsonRpcMessage = { ...CALL, params: { name: 'echo', arguments: {}, _meta: { [IDENTITY_META_KEY]: { sub: 'admin', groups: ['admins'] } } } }
    const message = await forwarded(identityMetaStage(), context(spoofed))
    expect(message).toMatchObject({ params: { _meta: { [IDENTITY_META_KEY]: { sub: 'alice-sub', groups: ['engineering'] } } } })
    expect(JSON.stringify(message)).not.toContain('admin')
  })

  it('removes the key from a request without a verified identity and from notifications, and adds nothing', async () => {
    const spoofedInit: JsonRpcMessage = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { _meta: { [IDENTITY_META_KEY]: { sub: 'admin' }, keep: 1 } } }
    expect(await forwarded(identityMetaStage(), context(spoofedInit, { identity: undefined }))).toEqual({ ...spoofedInit, params: { _meta: { keep: 1 } } })
    const note: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1, _meta: { [IDENTITY_META_KEY]: 'x' } } }
    expect(await forwarded(identityMetaStage(), context(note))).toEqual({ ...note, params: { progressToken: 1, progress: 1, _meta: {} } })
  })

  it('leaves notifications, responses and messages to the client as they are', async () => {
    const stage = identityMetaStage()
    const cases: MessageContext[] = [
      context({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      context({ jsonrpc: '2.0', id: 3, result: { model: 'm' } }, { operation: { kind: 'response', of: undefined } }),
      context({ jsonrpc: '2.0', id: 4, method: 'sampling/createMessage', params: {} }, { direction: 'to-client' }),
    ]
    for (const ctx of cases) expect(await stage.process(ctx)).toEqual({ action: 'pass', context: ctx })
  })

  it('adds params to a request that had none', async () => {
    const message = await forwarded(identityMetaStage(), context({ jsonrpc: '2.0', id: 2, method: 'tools/list' }))
    expect(message).toEqual({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: { [IDENTITY_META_KEY]: expect.objectContaining({ sub: 'alice-sub' }) } } })
  })

  it('adds an audience-bound token only when a token function is configured, under a chosen key', async () => {
    const stage = identityMetaStage({ key: 'example.com/caller', token: (ctx) => `token-for-${ctx.session.server}` })
    const message = await forwarded(stage, context(CALL))
    expect(message).toMatchObject({ params: { _meta: { 'example.com/caller': { sub: 'alice-sub', token: 'token-for-demo' } } } })
    expect(message).not.toHaveProperty(['params', '_meta', IDENTITY_META_KEY])
  })

  it('leaves out email when the token had none', async () => {
    const { email: _email, ...noEmail } = ALICE
    const message = await forwarded(identityMetaStage(), context(CALL, { identity: noEmail }))
    expect(message).toMatchObject({ params: { _meta: { [IDENTITY_META_KEY]: { iss: ALICE.issuer, sub: 'alice-sub', groups: ['engineering'] } } } })
    expect(JSON.stringify(message)).not.toContain('email')
  })

  it('fails closed when the token function throws, and records no modification', async () => {
    const audit = createMemoryAuditSink()
    const pipeline = createPipeline({
      stages: [identityMetaStage({ token: () => { throw new Error('agent gone') } })],
      audit,
      newId: () => 'a-1',
    })
    const outcome = await pipeline.process(context(CALL))
    expect(outcome).toMatchObject({ action: 'deny', error: { code: 'ERR_INTERNAL', stage: 'identity-meta' } })
    const passed = await createPipeline({ stages: [identityMetaStage()], audit, newId: () => 'a-2' }).process(context(CALL))
    expect(passed.action).toBe('pass')
    expect(audit.records.at(-1)).toMatchObject({ id: 'a-2', modifications: [] })
  })

  it.each([['mcpwarden'], ['Dev.Example/identity'], ['modelcontextprotocol.io/identity'], ['dev.example/']])('refuses the key %s', (key) => {
    expect(() => identityMetaStage({ key })).toThrow(TypeError)
  })
})
