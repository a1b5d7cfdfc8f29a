import { WardenError, type MessageContext, type Pipeline, type Verdict } from '@mcp-warden/core'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { describe, expect, it } from 'vitest'
import { createBridge } from './bridge.js'

/** A raw end of a linked pair that records what it receives. */
function endpoint(transport: Transport): { received: unknown[]; send(message: unknown): Promise<void>; next(): Promise<unknown> } {
  const received: unknown[] = []
  const waiters: ((message: unknown) => void)[] = []
  transport.onmessage = (message) => {
    received.push(message)
    waiters.shift()?.(message)
  }
  return {
    received,
    send: (message) => transport.send(message as JSONRPCMessage),
    next: () => new Promise((resolve) => waiters.push(resolve)),
  }
}

/** A pipeline whose verdict per message is chosen by the test. */
function scriptedPipeline(decide: (context: MessageContext) => Verdict | Promise<Verdict>): Pipeline {
  return {
    async process(context) {
      const verdict = await decide(context)
      return verdict.action === 'pass'
        ? { action: 'pass', context: verdict.context, auditId: 'a1' }
        : { action: 'deny', error: verdict.error, context, auditId: 'a1' }
    },
  }
}

async function setup(pipeline?: Pipeline) {
  const [hostSide, bridgeClient] = InMemoryTransport.createLinkedPair()
  const [bridgeServer, serverSide] = InMemoryTransport.createLinkedPair()
  const host = endpoint(hostSide)
  const server = endpoint(serverSide)
  const session = { server: 'test', sessionId: 's', transport: 'stdio' as const }
  const bridge = createBridge({ client: bridgeClient, server: bridgeServer, governance: pipeline === undefined ? undefined : { pipeline, session } })
  await bridge.start()
  await hostSide.start()
  await serverSide.start()
  return { host, server, hostSide, serverSide, bridge }
}

const passAll = scriptedPipeline((context) => ({ action: 'pass', context }))

describe('createBridge', () => {
  it('relays requests, responses and unknown fields unchanged in both directions', async () => {
    const { host, server } = await setup(passAll)
    const request = { jsonrpc: '2.0', id: 'abc', method: 'tools/call', params: { name: 'echo', arguments: { x: 1 }, _meta: { progressToken: 9 } }, vendorField: { keep: true } }
    const arrived = server.next()
    await host.send(request)
    expect(await arrived).toEqual(request)
    const response = { jsonrpc: '2.0', id: 'abc', result: { content: [] }, extra: 1 }
    const back = host.next()
    await server.send(response)
    expect(await back).toEqual(response)
  })

  it('relays server→client requests and the host\'s answers (sampling)', async () => {
    const { host, server } = await setup(passAll)
    const sampling = { jsonrpc: '2.0', id: 0, method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } }
    const atHost = host.next()
    await server.send(sampling)
    expect(await atHost).toEqual(sampling)
    const answer = { jsonrpc: '2.0', id: 0, result: { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'm' } }
    const atServer = server.next()
    await host.send(answer)
    expect(await atServer).toEqual(answer)
  })

  it('keeps arrival order even when an earlier message takes longer to judge', async () => {
    const slowFirst = scriptedPipeline(async (context) => {
      if ('method' in context.message && context.message.method === 'tools/call') await new Promise((r) => setTimeout(r, 30))
      return { action: 'pass', context }
    })
    const { host, server } = await setup(slowFirst)
    await host.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } })
    await host.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })
    await new Promise((r) => setTimeout(r, 60))
    expect(server.received.map((m) => (m as { method: string }).method)).toEqual(['tools/call', 'notifications/cancelled'])
  })

  it('forgets a cancelled request even when the cancellation arrives while the request is still being judged', async () => {
    const slowCall = scriptedPipeline(async (context) => {
      if (context.operation.kind === 'tool') await new Promise((r) => setTimeout(r, 30))
      return { action: 'pass', context }
    })
    const { host, serverSide, bridge } = await setup(slowCall)
    await host.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } })
    await host.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })
    await new Promise((r) => setTimeout(r, 60))
    await serverSide.close()
    await bridge.closed
    // A cancelled request is answered by nobody, not even with ERR_UPSTREAM_UNAVAILABLE.
    expect(host.received).toEqual([])
  })

  it('answers a denied request itself and never forwards it', async () => {
    const denyCalls = scriptedPipeline((context) =>
      'method' in context.message && context.message.method === 'tools/call'
        ? { action: 'deny', error: new WardenError('ERR_POLICY_DENIED', 'No.', { stage: 'policy' }) }
        : { action: 'pass', context },
    )
    const { host, server } = await setup(denyCalls)
    const reply = host.next()
    await host.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'rm' } })
    expect(await reply).toMatchObject({ id: 5, result: { isError: true, content: [{ type: 'text', text: 'No.' }] } })
    expect(server.received).toEqual([])
  })

  it('judges each element of a batch and forwards the allowed ones as a batch', async () => {
    const denyRm = scriptedPipeline((context) =>
      context.operation.kind === 'tool' && context.operation.name === 'rm'
        ? { action: 'deny', error: new WardenError('ERR_POLICY_DENIED', 'No.', { stage: 'policy' }) }
        : { action: 'pass', context },
    )
    const { host, server } = await setup(denyRm)
    const atServer = server.next()
    const atHost = host.next()
    await host.send([
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'rm' } },
    ])
    expect(await atServer).toEqual([{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }])
    expect(await atHost).toMatchObject([{ id: 2, result: { isError: true } }])
  })

  it('answers an invalid JSON-RPC request with ERR_INVALID_MESSAGE and keeps serving', async () => {
    const { host, server } = await setup(passAll)
    const reply = host.next()
    await host.send({ jsonrpc: '1.0', id: 4, method: 'x' })
    expect(await reply).toMatchObject({ id: 4, error: { code: -32600, data: { code: 'ERR_INVALID_MESSAGE' } } })
    const arrived = server.next()
    await host.send({ jsonrpc: '2.0', id: 5, method: 'ping' })
    expect(await arrived).toMatchObject({ id: 5, method: 'ping' })
  })

  it('answers waiting requests when the server goes away, then closes the host side', async () => {
    const { host, serverSide, hostSide, bridge } = await setup(passAll)
    let hostClosed = false
    hostSide.onclose = () => (hostClosed = true)
    await host.send({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'echo' } })
    await host.send({ jsonrpc: '2.0', id: 9, method: 'resources/read', params: { uri: 'x' } })
    await new Promise((r) => setTimeout(r, 10))
    await serverSide.close()
    expect(await bridge.closed).toBe('server')
    expect(host.received).toMatchObject([
      { id: 8, result: { isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_UPSTREAM_UNAVAILABLE' } } } },
      { id: 9, error: { code: -31910 } },
    ])
    expect(hostClosed).toBe(true)
  })

  it('closes the server side when the host closes', async () => {
    const { hostSide, serverSide, bridge } = await setup()
    let serverClosed = false
    serverSide.onclose = () => (serverClosed = true)
    await hostSide.close()
    expect(await bridge.closed).toBe('client')
    expect(serverClosed).toBe(true)
  })
})

describe('rejectFrame', () => {
  const tooLarge = new WardenError('ERR_MESSAGE_TOO_LARGE', 'Too large.', { stage: 'framing' })

  it('answers the host\'s waiting request when the server\'s response to it was unreadable', async () => {
    const { host, server, bridge } = await setup(passAll)
    const arrived = server.next()
    await host.send({ jsonrpc: '2.0', id: 'q', method: 'tools/call', params: { name: 'echo' } })
    await arrived
    const reply = host.next()
    bridge.rejectFrame('server', tooLarge, 'q')
    expect(await reply).toMatchObject({ id: 'q', result: { isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_MESSAGE_TOO_LARGE' } } } })
  })

  it('answers the sender of an unreadable request', async () => {
    const { host, server, bridge } = await setup(passAll)
    const reply = host.next()
    bridge.rejectFrame('client', tooLarge, 12)
    expect(await reply).toMatchObject({ id: 12, error: { code: -32600, data: { code: 'ERR_MESSAGE_TOO_LARGE' } } })
    expect(server.received).toEqual([])
  })
})
