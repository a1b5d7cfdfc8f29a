import type { ApprovalRequest } from '@mcp-warden/core'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { describe, expect, it } from 'vitest'
import { createBridge } from '../bridge.js'
import { createHostElicitation } from './host-elicitation.js'

/** A raw end of a linked pair that records what it receives. */
function endpoint(transport: Transport) {
  const received: Record<string, unknown>[] = []
  const waiters: ((message: Record<string, unknown>) => void)[] = []
  transport.onmessage = (message) => {
    const value = message as unknown as Record<string, unknown>
    received.push(value)
    waiters.shift()?.(value)
  }
  return {
    received,
    send: (message: unknown) => transport.send(message as JSONRPCMessage),
    next: () => new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)),
  }
}

async function setup(capabilities: Record<string, unknown> = { elicitation: {} }) {
  const [hostSide, bridgeClient] = InMemoryTransport.createLinkedPair()
  const [bridgeServer, serverSide] = InMemoryTransport.createLinkedPair()
  const host = endpoint(hostSide)
  const server = endpoint(serverSide)
  const dropped: string[] = []
  let n = 0
  const elicitation = createHostElicitation({ onDrop: (reason) => dropped.push(reason), newId: () => `q${++n}` })
  const bridge = createBridge({ client: bridgeClient, server: bridgeServer, hostElicitation: elicitation })
  await bridge.start()
  await hostSide.start()
  await serverSide.start()
  const initialized = server.next()
  await host.send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'h', version: '1' } } })
  await initialized
  return { host, server, hostSide, elicitation, dropped, bridge }
}

function request(signal = new AbortController().signal): ApprovalRequest {
  return { server: 'fs', target: 'write_file', method: 'tools/call', argumentNames: ['path'], argumentsPreview: '{"path":"/tmp/x"}', ruleIds: ['writes'], timeoutSeconds: 30, signal }
}

/** Lets queued relays run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

describe('host elicitation in the bridge', () => {
  it('asks the host with an mcp-warden: id and takes its answer out of the stream', async () => {
    const { host, server, elicitation } = await setup()
    expect(elicitation.supported).toBe(true)
    const question = host.next()
    const answer = elicitation.ask(request())
    const asked = await question
    expect(asked).toMatchObject({ id: 'mcp-warden:q1', method: 'elicitation/create', params: { requestedSchema: { required: ['approve'] } } })
    expect(JSON.stringify(asked)).not.toContain('/tmp/x')
    await host.send({ jsonrpc: '2.0', id: 'mcp-warden:q1', result: { action: 'accept', content: { approve: true } } })
    expect(await answer).toEqual({ answer: 'allow', via: 'elicitation' })
    await settle()
    expect(server.received.map((m) => m['id'])).toEqual(['init'])
  })

  it('denies decline, cancel, errors and malformed answers; drops unknown ones with a log, never forwarding them', async () => {
    const { host, server, elicitation, dropped } = await setup()
    const replies = [
      { result: { action: 'decline' } },
      { result: { action: 'cancel' } },
      { result: { action: 'accept', content: { approve: 'yes' } } },
      { error: { code: -1, message: 'no' } },
      {},
    ]
    for (const [i, reply] of replies.entries()) {
      const answer = elicitation.ask(request())
      await host.send({ jsonrpc: '2.0', id: `mcp-warden:q${i + 1}`, ...reply })
      expect(await answer).toEqual({ answer: 'deny', via: 'elicitation' })
    }
    await host.send({ jsonrpc: '2.0', id: 'mcp-warden:never-asked', result: { action: 'accept', content: { approve: true } } })
    await settle()
    expect(dropped).toEqual([
      "the client's answer to mcp-warden:q5 is malformed; the call is denied",
      'dropped an answer from the client to mcp-warden:never-asked: MCP Warden is not waiting for it (it came too late, or twice)',
    ])
    expect(server.received.map((m) => m['id'])).toEqual(['init'])
    expect(host.received.filter((m) => 'error' in m)).toEqual([])
  })

  it('withdraws a question with notifications/cancelled when the stage stops waiting; a late answer is dropped', async () => {
    const { host, elicitation, dropped } = await setup()
    const controller = new AbortController()
    const answer = elicitation.ask(request(controller.signal))
    await settle()
    const cancel = host.next()
    controller.abort()
    expect(await cancel).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 'mcp-warden:q1' } })
    expect(await answer).toEqual({ answer: 'deny', via: 'elicitation' })
    await host.send({ jsonrpc: '2.0', id: 'mcp-warden:q1', result: { action: 'accept', content: { approve: true } } })
    await settle()
    expect(dropped).toHaveLength(1)
  })

  it("relays the server's own elicitation and the host's answer untouched, and keeps the prefix for MCP Warden", async () => {
    const { host, server } = await setup()
    const relayed = host.next()
    await server.send({ jsonrpc: '2.0', id: 7, method: 'elicitation/create', params: { message: 'name?', requestedSchema: { type: 'object', properties: {} } } })
    expect(await relayed).toMatchObject({ id: 7, method: 'elicitation/create' })
    const back = server.next()
    await host.send({ jsonrpc: '2.0', id: 7, result: { action: 'accept', content: { name: 'Ada' } } })
    expect(await back).toEqual({ jsonrpc: '2.0', id: 7, result: { action: 'accept', content: { name: 'Ada' } } })

    const refused = server.next()
    await server.send({ jsonrpc: '2.0', id: 'mcp-warden:1', method: 'elicitation/create', params: { message: 'x', requestedSchema: { type: 'object', properties: {} } } })
    expect(await refused).toMatchObject({ id: 'mcp-warden:1', error: { data: { code: 'ERR_INVALID_MESSAGE' } } })
    await settle()
    expect(host.received.filter((m) => m['id'] === 'mcp-warden:1')).toEqual([])
  })

  it('is not supported when the host declared no elicitation or URL mode only', async () => {
    expect((await setup({})).elicitation.supported).toBe(false)
    expect((await setup({ elicitation: { url: {} } })).elicitation.supported).toBe(false)
    expect((await setup({ elicitation: { form: {}, url: {} } })).elicitation.supported).toBe(true)
  })

  it('rejects a question still waiting when the host goes away', async () => {
    const { hostSide, elicitation } = await setup()
    const answer = elicitation.ask(request())
    await hostSide.close()
    await expect(answer).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
  })
})
