/**
 * sdk/src/transports/ndjson-stream-transport.ts — an MCP Transport over any Readable/Writable pair that speaks
 * newline-delimited JSON-RPC (the MCP stdio framing), built on Warden's own frame reader instead of the SDK's
 * `ReadBuffer`, which drops batches and messages with unknown top-level fields and gives up past 10 MB.
 */

import type { Readable, Writable } from 'node:stream'
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { createFrameReader, serializeFrame } from '@mcp-warden/core'
import type { Frame, FrameReader, JsonRpcId, WardenError } from '@mcp-warden/core'

/** Called for each line that could not be read as a message (invalid JSON, too large, too deep, not an object). */
export type FrameErrorHandler = (error: WardenError, id: JsonRpcId | null) => void

/** Options of {@link NdjsonStreamTransport}. */
export interface NdjsonStreamTransportOptions {
  /** Where messages come from, e.g. `process.stdin` or a child's stdout. */
  readonly input: Readable
  /** Where messages go, e.g. `process.stdout` or a child's stdin. */
  readonly output: Writable
  /** Largest message accepted, in bytes. Default 32 MiB. */
  readonly maxMessageBytes?: number | undefined
  /** Deepest nesting accepted. Default 1000. */
  readonly maxDepth?: number | undefined
  /**
   * Receives bad lines with the id recovered from them, so the caller can answer with a JSON-RPC error.
   * Without it they go to `onerror`.
   */
  readonly onFrameError?: FrameErrorHandler | undefined
}

const noop = (): void => {}

/**
 * A Transport over a stream pair, one JSON-RPC message per line.
 *
 * Differences from the SDK's stdio transports, on purpose:
 * - a line holding a batch (a JSON array) is delivered through `onmessage` as the array itself. The Transport type
 *   has no batch, so it is cast: a consumer that relays messages (Warden's bridge) must check with
 *   `Array.isArray` first; the SDK's `Protocol` reports an array as an unknown message type;
 * - messages are delivered as parsed, unknown fields included, not validated against the SDK's schema: the
 *   consumer checks them at its edge (`isJsonRpcMessage` from `@mcp-warden/core`);
 * - stream errors (EPIPE when the peer went away) go to `onerror` and then close the transport; they are never
 *   left to become an uncaught exception.
 *
 * @example
 * const transport = new NdjsonStreamTransport({ input: process.stdin, output: process.stdout })
 * transport.onmessage = (message) => handle(message)
 * await transport.start()
 * await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
 */
export class NdjsonStreamTransport implements Transport {
  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: Transport['onmessage']

  readonly #input: Readable
  readonly #output: Writable
  readonly #reader: FrameReader
  readonly #onFrameError: FrameErrorHandler | undefined
  #state: 'new' | 'started' | 'closed' = 'new'
  /** One wait for 'drain' shared by every send that found the output's buffer full; released by close(). */
  #drain: { readonly promise: Promise<void>; readonly release: () => void } | undefined

  constructor(options: NdjsonStreamTransportOptions) {
    this.#input = options.input
    this.#output = options.output
    this.#reader = createFrameReader({ maxMessageBytes: options.maxMessageBytes, maxDepth: options.maxDepth })
    this.#onFrameError = options.onFrameError
    // Attached for good, before anything can fail: an 'error' without a listener would crash the process, even
    // after this transport has closed (an EPIPE can arrive late).
    this.#input.on('error', noop)
    this.#output.on('error', noop)
  }

  /** Starts reading. Install the callbacks first: lines that arrive before are not lost, they wait in the stream. */
  async start(): Promise<void> {
    if (this.#state !== 'new') {
      throw new Error('NdjsonStreamTransport was already started; a transport can be started once. Create a new one to reconnect.')
    }
    this.#state = 'started'
    this.#input.on('data', this.#onData)
    this.#input.on('end', this.#onEnd)
    this.#input.on('close', this.#onEnd)
    this.#input.on('error', this.#onStreamError)
    this.#output.on('error', this.#onStreamError)
  }

  /**
   * Writes one message as a line. Resolves when the stream has taken it (the write callback); when the stream's
   * buffer is full it also waits for 'drain', so a sender that awaits each send cannot grow memory without bound.
   */
  send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(new Error('NdjsonStreamTransport is closed; the message was not sent.'))
    let line: string
    try {
      line = serializeFrame(message)
    } catch (error) {
      return Promise.reject(error)
    }
    const written = new Promise<void>((resolve, reject) => {
      const accepted = this.#output.write(line, (error) => (error ? reject(error) : resolve()))
      if (!accepted) this.#drain ??= this.#waitForDrain()
    })
    return this.#drain === undefined ? written : Promise.all([written, this.#drain.promise]).then(noop)
  }

  /** Ends the output, stops reading and fires `onclose` once. Does not wait for the peer to read what was sent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    const wasStarted = this.#state === 'started'
    this.#state = 'closed'
    if (wasStarted) this.#detach()
    this.#drain?.release()
    this.#output.end()
    this.onclose?.()
  }

  #detach(): void {
    this.#input.off('data', this.#onData)
    this.#input.off('end', this.#onEnd)
    this.#input.off('close', this.#onEnd)
    this.#input.off('error', this.#onStreamError)
    this.#output.off('error', this.#onStreamError)
    // Let the process exit when nothing else reads this input (process.stdin keeps the event loop alive otherwise).
    if (this.#input.listenerCount('data') === 0) this.#input.pause()
  }

  #waitForDrain(): { promise: Promise<void>; release: () => void } {
    let release = noop
    const promise = new Promise<void>((resolve) => {
      release = (): void => {
        this.#output.off('drain', release)
        this.#output.off('close', release)
        this.#output.off('error', release)
        this.#drain = undefined
        resolve()
      }
    })
    // A stream that closes or fails never drains; its write callbacks carry the error instead.
    this.#output.on('drain', release)
    this.#output.on('close', release)
    this.#output.on('error', release)
    return { promise, release }
  }

  readonly #onData = (chunk: Buffer | string): void => {
    const frames = this.#reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    this.#deliver(frames)
  }

  readonly #onEnd = (): void => {
    if (this.#state !== 'started') return
    this.#deliver(this.#reader.end())
    void this.close()
  }

  readonly #onStreamError = (error: Error): void => {
    if (this.#state !== 'started') return
    this.onerror?.(error)
    void this.close()
  }

  #deliver(frames: Frame[]): void {
    for (const frame of frames) {
      // A callback may close the transport; nothing is delivered after close.
      if (this.#state !== 'started') return
      try {
        if (frame.kind === 'message') this.onmessage?.(frame.value as JSONRPCMessage)
        else if (this.#onFrameError) this.#onFrameError(frame.error, frame.id)
        else this.onerror?.(frame.error)
      } catch (error) {
        // A throwing handler must not stop the stream or escape into the stream's event emitter.
        this.onerror?.(error instanceof Error ? error : new Error(String(error)))
      }
    }
  }
}
