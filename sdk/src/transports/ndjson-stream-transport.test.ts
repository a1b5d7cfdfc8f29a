import { describe, it, expect } from 'vitest'
import { PassThrough, Writable } from 'node:stream'
import { once } from 'node:events'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { JsonRpcId, WardenError } from '@mcp-warden/core'
import { NdjsonStreamTransport } from './ndjson-stream-transport.js'

interface Harness {
  transport: NdjsonStreamTransport
  input: PassThrough
  output: PassThrough
  messages: unknown[]
  errors: Error[]
  frameErrors: { code: string; id: JsonRpcId | null }[]
  closes: number
  written(): string
}

async function harness(options: { frameErrors?: boolean; maxMessageBytes?: number } = {}): Promise<Harness> {
  const input = new PassThrough()
  const output = new PassThrough()
  const chunks: Buffer[] = []
  output.on('data', (chunk: Buffer) => chunks.push(chunk))
  const h: Harness = {
    input,
    output,
    messages: [],
    errors: [],
    frameErrors: [],
    closes: 0,
    written: () => Buffer.concat(chunks).toString('utf8'),
    transport: new NdjsonStreamTransport({
      input,
      output,
      maxMessageBytes: options.maxMessageBytes,
      onFrameError: options.frameErrors ? (error: WardenError, id) => h.frameErrors.push({ code: error.code, id }) : undefined,
    }),
  }
  h.transport.onmessage = (message) => h.messages.push(message)
  h.transport.onerror = (error) => h.errors.push(error)
  h.transport.onclose = () => h.closes++
  await h.transport.start()
  return h
}

/** Lets stream events that were queued by a write run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' } as const satisfies JSONRPCMessage

describe('NdjsonStreamTransport', () => {
  it('delivers messages, batches as arrays and unknown fields untouched', async () => {
    const h = await harness()
    const batch = [ping, { jsonrpc: '2.0', method: 'notifications/initialized' }]
    const extended = { jsonrpc: '2.0', id: 'x', result: {}, _vendor: true }
    h.input.write(`${JSON.stringify(ping)}\n${JSON.stringify(batch)}\r\n${JSON.stringify(extended).slice(0, 9)}`)
    h.input.write(`${JSON.stringify(extended).slice(9)}\n`)
    await settle()
    expect(h.messages).toEqual([ping, batch, extended])
    expect(h.errors).toEqual([])
  })

  it('reports a bad line to onFrameError with the recovered id and keeps reading', async () => {
    const h = await harness({ frameErrors: true, maxMessageBytes: 64 })
    h.input.write(`not json\n{"jsonrpc":"2.0","id":5,"method":"m","params":{"a":"${'x'.repeat(100)}"}}\n${JSON.stringify(ping)}\n`)
    await settle()
    expect(h.frameErrors).toEqual([
      { code: 'ERR_INVALID_MESSAGE', id: null },
      { code: 'ERR_MESSAGE_TOO_LARGE', id: 5 },
    ])
    expect(h.messages).toEqual([ping])
    expect(h.errors).toEqual([])
  })

  it('reports a bad line to onerror when there is no onFrameError', async () => {
    const h = await harness()
    h.input.write('[1\n')
    await settle()
    expect(h.errors).toHaveLength(1)
    expect(h.errors[0]).toMatchObject({ name: 'WardenError', code: 'ERR_INVALID_MESSAGE' })
    expect(h.closes).toBe(0)
  })

  it('reports a throwing onmessage to onerror and keeps delivering', async () => {
    const h = await harness()
    h.transport.onmessage = (message) => {
      h.messages.push(message)
      if (h.messages.length === 1) throw new Error('handler failed')
    }
    h.input.write(`${JSON.stringify(ping)}\n${JSON.stringify(ping)}\n`)
    await settle()
    expect(h.messages).toHaveLength(2)
    expect(h.errors.map((error) => error.message)).toEqual(['handler failed'])
  })

  it('writes each message as one line', async () => {
    const h = await harness()
    await h.transport.send(ping)
    await h.transport.send({ jsonrpc: '2.0', id: 2, result: { text: 'a\nb' } })
    expect(h.written()).toBe('{"jsonrpc":"2.0","id":1,"method":"ping"}\n{"jsonrpc":"2.0","id":2,"result":{"text":"a\\nb"}}\n')
  })

  it('waits for drain when the output buffer is full', async () => {
    const pending: (() => void)[] = []
    const output = new Writable({ highWaterMark: 16, write: (_chunk, _encoding, callback) => pending.push(() => callback()) })
    const transport = new NdjsonStreamTransport({ input: new PassThrough(), output })
    await transport.start()
    let sent = false
    const sending = transport.send(ping).then(() => (sent = true))
    await settle()
    expect(sent).toBe(false)
    pending.shift()?.()
    await sending
    expect(sent).toBe(true)
  })

  it('delivers an unterminated last line when the input ends, then closes once', async () => {
    const h = await harness()
    h.input.end(JSON.stringify(ping))
    await once(h.input, 'end')
    await settle()
    expect(h.messages).toEqual([ping])
    expect(h.closes).toBe(1)
    await h.transport.close()
    expect(h.closes).toBe(1)
  })

  it('close() ends the output, stops delivering and fires onclose once', async () => {
    const h = await harness()
    const finished = once(h.output, 'finish')
    await h.transport.close()
    await h.transport.close()
    await finished
    h.input.write(`${JSON.stringify(ping)}\n`)
    await settle()
    expect(h.messages).toEqual([])
    expect(h.closes).toBe(1)
    expect(h.input.isPaused()).toBe(true)
    await expect(h.transport.send(ping)).rejects.toThrow('NdjsonStreamTransport is closed; the message was not sent.')
  })

  it('turns a write error (EPIPE) into onerror, then onclose, without an uncaught exception', async () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })
    const output = new Writable({ write: (_chunk, _encoding, callback) => callback(epipe) })
    const transport = new NdjsonStreamTransport({ input: new PassThrough(), output })
    const events: string[] = []
    transport.onerror = (error) => events.push(`error ${error.message}`)
    transport.onclose = () => events.push('close')
    await transport.start()
    await expect(transport.send(ping)).rejects.toThrow('write EPIPE')
    await settle()
    expect(events).toEqual(['error write EPIPE', 'close'])
    output.emit('error', epipe) // a late error after close is swallowed
  })

  it('turns an input error into onerror, then onclose', async () => {
    const h = await harness()
    h.input.destroy(new Error('read failed'))
    await settle()
    expect(h.errors.map((error) => error.message)).toEqual(['read failed'])
    expect(h.closes).toBe(1)
  })

  it('rejects a second start()', async () => {
    const h = await harness()
    await expect(h.transport.start()).rejects.toThrow(
      'NdjsonStreamTransport was already started; a transport can be started once. Create a new one to reconnect.',
    )
  })
})
