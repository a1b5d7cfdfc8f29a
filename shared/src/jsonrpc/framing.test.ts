import { describe, it, expect } from 'vitest'
import { createFrameReader, serializeFrame, DEFAULT_MAX_MESSAGE_BYTES } from './framing.js'
import type { Frame, FrameReader } from './framing.js'

const PARSE_ERROR =
  'A line that is not valid JSON was ignored. Each JSON-RPC message must be one line of UTF-8 JSON followed by a newline.'
const NOT_A_MESSAGE =
  'A line that is valid JSON but not a JSON-RPC message was ignored. Each line must hold an object, or an array of objects for a batch.'

function tooLargeMessage(limit: number): string {
  return `A JSON-RPC message larger than ${limit} bytes was ignored. Send smaller messages, or raise the message size limit in the MCP Warden configuration.`
}

function tooDeepMessage(limit: number): string {
  return `A JSON-RPC message nested more than ${limit} levels deep was ignored. Send flatter data, or raise the nesting limit in the MCP Warden configuration.`
}

function feed(reader: FrameReader, ...chunks: (string | Buffer)[]): Frame[] {
  const frames = chunks.flatMap((chunk) => reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
  return [...frames, ...reader.end()]
}

function values(frames: Frame[]): unknown[] {
  return frames.map((frame) => (frame.kind === 'message' ? frame.value : { error: frame.error.code, id: frame.id }))
}

function errorOf(frame: Frame | undefined): { code: string; message: string; id: unknown; stage: unknown; details: unknown } {
  if (frame?.kind !== 'error') throw new Error(`expected an error frame, got ${JSON.stringify(frame)}`)
  return { code: frame.error.code, message: frame.error.message, id: frame.id, stage: frame.error.stage, details: frame.error.details }
}

const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'héllo ✓ 𝄞' } } }
const notification = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } }
const response = { jsonrpc: '2.0', id: 'abc', result: { content: [] } }

describe('createFrameReader', () => {
  it('reads messages split at every byte boundary', () => {
    const stream = Buffer.from([request, notification, response].map((m) => JSON.stringify(m) + '\n').join(''))
    for (let cut = 0; cut <= stream.length; cut++) {
      const frames = feed(createFrameReader(), stream.subarray(0, cut), stream.subarray(cut))
      expect(values(frames)).toEqual([request, notification, response])
    }
  })

  it('reads messages fed one byte at a time, with multi-byte UTF-8 split across chunks', () => {
    const stream = Buffer.from(serializeFrame(request) + serializeFrame(response))
    const reader = createFrameReader()
    const frames: Frame[] = []
    for (let i = 0; i < stream.length; i++) frames.push(...reader.push(stream.subarray(i, i + 1)))
    expect(values(frames)).toEqual([request, response])
    expect(reader.bufferedBytes).toBe(0)
  })

  it('accepts a plain Uint8Array chunk', () => {
    const bytes = new TextEncoder().encode(serializeFrame(response))
    expect(values(createFrameReader().push(bytes))).toEqual([response])
  })

  it('tolerates CRLF line endings, also when the CR and LF arrive in different chunks', () => {
    const line = JSON.stringify(response)
    expect(values(feed(createFrameReader(), `${line}\r\n${line}\r`, '\n'))).toEqual([response, response])
  })

  it('skips empty and whitespace-only lines silently', () => {
    const line = JSON.stringify(response)
    expect(values(feed(createFrameReader(), `\n\r\n  \t\n${line}\n \r\n`))).toEqual([response])
  })

  it('keeps a batch as an array and unknown top-level fields as they are', () => {
    const batch = [request, notification]
    const extended = { ...response, _vendor: { x: 1 }, extra: [1, 2] }
    expect(values(feed(createFrameReader(), `${JSON.stringify(batch)}\n${JSON.stringify(extended)}\n`))).toEqual([batch, extended])
  })

  it('reads data after the last newline as a final line at end()', () => {
    const reader = createFrameReader()
    expect(reader.push(Buffer.from(JSON.stringify(response)))).toEqual([])
    expect(reader.bufferedBytes).toBeGreaterThan(0)
    expect(values(reader.end())).toEqual([response])
    expect(reader.bufferedBytes).toBe(0)
  })

  it.each([
    ['broken JSON', '{"jsonrpc":"2.0","id":7,"method":'],
    ['garbage', 'hello world'],
    ['a leading byte-order mark', '\uFEFF{"jsonrpc":"2.0","id":7}'],
  ])('answers %s with a parse error, id null, without echoing the line', (_name, line) => {
    const [frame, next] = feed(createFrameReader(), `${line}\n${JSON.stringify(response)}\n`)
    expect(errorOf(frame)).toEqual({ code: 'ERR_INVALID_MESSAGE', message: PARSE_ERROR, id: null, stage: 'framing', details: { reason: 'parse-error' } })
    expect(next).toEqual({ kind: 'message', value: response })
  })

  it.each([['42'], ['"text"'], ['null'], ['true']])('rejects valid JSON that is not an object or array: %s', (line) => {
    const [frame] = feed(createFrameReader(), `${line}\n`)
    expect(errorOf(frame)).toEqual({ code: 'ERR_INVALID_MESSAGE', message: NOT_A_MESSAGE, id: null, stage: 'framing', details: { reason: 'not-a-message' } })
  })

  it('rejects an over-long line once, recovers its id, and reads the next line', () => {
    const limit = 200
    const big = JSON.stringify({ jsonrpc: '2.0', id: 'req-9', method: 'tools/call', params: { data: 'x'.repeat(1000) } })
    const frames = feed(createFrameReader({ maxMessageBytes: limit }), `${big}\n${JSON.stringify(response)}\n`)
    expect(frames).toHaveLength(2)
    expect(errorOf(frames[0])).toEqual({
      code: 'ERR_MESSAGE_TOO_LARGE',
      message: tooLargeMessage(limit),
      id: 'req-9',
      stage: 'framing',
      details: { reason: 'too-large', maxMessageBytes: limit },
    })
    expect(frames[1]).toEqual({ kind: 'message', value: response })
  })

  it('does not hold an over-long line in memory while it streams in', () => {
    const limit = 1024
    const reader = createFrameReader({ maxMessageBytes: limit })
    expect(reader.push(Buffer.from('{"jsonrpc":"2.0","method":"x","id":42,"params":"'))).toEqual([])
    for (let i = 0; i < 100; i++) {
      expect(reader.push(Buffer.alloc(4096, 0x61))).toEqual([])
      expect(reader.bufferedBytes).toBe(0)
    }
    const frames = reader.push(Buffer.from(`"}\n${JSON.stringify(response)}\n`))
    expect(values(frames)).toEqual([{ error: 'ERR_MESSAGE_TOO_LARGE', id: 42 }, response])
  })

  it('counts the limit without the line ending: a line of exactly the limit passes, one byte more does not', () => {
    const line = JSON.stringify(response)
    const exact = createFrameReader({ maxMessageBytes: Buffer.byteLength(line) })
    expect(values(feed(exact, line.slice(0, 5), `${line.slice(5)}\r\n`, line, '\n'))).toEqual([response, response])
    const short = createFrameReader({ maxMessageBytes: Buffer.byteLength(line) - 1 })
    expect(values(feed(short, line.slice(0, 5), `${line.slice(5)}\r\n`, `${line}\n`))).toEqual([
      { error: 'ERR_MESSAGE_TOO_LARGE', id: 'abc' },
      { error: 'ERR_MESSAGE_TOO_LARGE', id: 'abc' },
    ])
  })

  it('reports an over-long unterminated line at end()', () => {
    const reader = createFrameReader({ maxMessageBytes: 10 })
    expect(reader.push(Buffer.from('{"id":3,"method":"long"}'))).toEqual([])
    expect(values(reader.end())).toEqual([{ error: 'ERR_MESSAGE_TOO_LARGE', id: 3 }])
  })

  it.each([
    ['a top-level numeric id', '{"jsonrpc":"2.0","id":-12.5e1,"method":"m","params":{"p":"', -125],
    ['a string id with escapes', '{"method":"m", "id" : "a\\"b","params":{"p":"', 'a"b'],
    ['an id after a nested "id"', '{"params":{"id":99,"x":["id"]},"id":5,"p":"', 5],
    ['only a nested "id"', '{"method":"m","params":{"id":99,"p":"', null],
    ['a null id', '{"id":null,"method":"m","p":"', null],
    ['a batch', '[{"id":1,"method":"m","p":"', null],
    ['an id cut off by the end of the line', '{"method":"m","id":"unterminated', null],
  ])('recovers the id of an over-long line from %s', (_name, head, id) => {
    const line = head + 'y'.repeat(500)
    const [frame] = feed(createFrameReader({ maxMessageBytes: 100 }), `${line}\n`)
    expect(errorOf(frame).id).toEqual(id)
  })

  it('rejects 10,000-deep nesting without overflowing the stack, with the id recovered', () => {
    const deep = `{"jsonrpc":"2.0","id":8,"method":"m","params":${'['.repeat(10_000)}${']'.repeat(10_000)}}`
    const frames = feed(createFrameReader(), `${deep}\n${JSON.stringify(response)}\n`)
    expect(errorOf(frames[0])).toEqual({
      code: 'ERR_INVALID_MESSAGE',
      message: tooDeepMessage(1000),
      id: 8,
      stage: 'framing',
      details: { reason: 'too-deep' },
    })
    expect(frames[1]).toEqual({ kind: 'message', value: response })
  })

  it('counts depth outside strings only, and accepts nesting exactly at the limit', () => {
    const atLimit = `${'['.repeat(5)}"[[[[[[{{{{\\"[["${']'.repeat(5)}`
    const tooDeep = `${'{"a":'.repeat(6)}1${'}'.repeat(6)}`
    const frames = feed(createFrameReader({ maxDepth: 5 }), `${atLimit}\n${tooDeep}\n`)
    expect(frames[0]).toEqual({ kind: 'message', value: [[[[['[[[[[[{{{{"[[']]]]] })
    expect(errorOf(frames[1]).message).toBe(tooDeepMessage(5))
  })

  it('reports a line as invalid JSON when a string never closes', () => {
    const [frame] = feed(createFrameReader({ maxDepth: 2 }), '{"a":"[[[[[[[[\n')
    expect(errorOf(frame).message).toBe(PARSE_ERROR)
  })

  it.each([
    [{ maxMessageBytes: 0 }, /^maxMessageBytes must be an integer from 1 to \d+$/],
    [{ maxMessageBytes: 1.5 }, /^maxMessageBytes must be an integer from 1 to \d+$/],
    [{ maxMessageBytes: Number.MAX_SAFE_INTEGER }, /^maxMessageBytes must be an integer from 1 to \d+$/],
    [{ maxDepth: 0 }, /^maxDepth must be a positive integer$/],
    [{ maxDepth: Number.NaN }, /^maxDepth must be a positive integer$/],
  ])('throws a TypeError for bad options %o', (options, message) => {
    expect(() => createFrameReader(options)).toThrow(TypeError)
    expect(() => createFrameReader(options)).toThrow(message)
  })

  it('defaults the size limit to 32 MiB', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(32 * 1024 * 1024)
  })
})

describe('serializeFrame', () => {
  it('writes one line that reads back as the same message, newlines in strings escaped', () => {
    const message = { jsonrpc: '2.0', id: 2, result: { text: 'line 1\nline 2\r\n\u2028 ✓' } }
    const line = serializeFrame(message)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.indexOf('\n')).toBe(line.length - 1)
    expect(values(createFrameReader().push(Buffer.from(line)))).toEqual([message])
  })

  it('throws a TypeError for a value JSON cannot hold', () => {
    expect(() => serializeFrame(undefined)).toThrow(new TypeError('serializeFrame cannot serialise a value of type undefined'))
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(() => serializeFrame(cyclic)).toThrow(TypeError)
  })
})
