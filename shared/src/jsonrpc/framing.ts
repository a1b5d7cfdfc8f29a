/**
 * shared/src/jsonrpc/framing.ts — newline-delimited JSON-RPC framing for stdio.
 *
 * The MCP stdio transport (MCP 2025-11-25, Transports § stdio) sends one JSON-RPC message per line, UTF-8, lines
 * separated by '\n', with no embedded newlines. This reader keeps everything JSON-RPC allows (batches, unknown
 * top-level fields), enforces a size and a nesting limit without ever holding more than the size limit in memory,
 * and turns every bad line into one error frame instead of throwing or dropping it silently, so the caller can
 * answer it (JSON-RPC 2.0 §5.1: -32700 Parse error with id null) and keep serving the stream.
 */

import { constants as bufferConstants } from 'node:buffer'
import { WardenError } from '../errors.js'
import type { JsonRpcId } from './message.js'

/** One line of input, read: a parsed JSON object (a message) or array (a batch), or why the line was rejected. */
export type Frame =
  | { readonly kind: 'message'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: WardenError; readonly id: JsonRpcId | null }

/** Limits of a {@link FrameReader}. */
export interface FrameReaderOptions {
  /** Largest line accepted, in bytes, not counting its '\r\n' or '\n'. Default 32 MiB. */
  readonly maxMessageBytes?: number | undefined
  /** Deepest nesting of objects and arrays accepted; `{}` is depth 1. Default 1000. */
  readonly maxDepth?: number | undefined
}

/** Reads newline-delimited JSON from a byte stream, chunk by chunk. Never throws out of `push()` or `end()`. */
export interface FrameReader {
  /** Feeds the next chunk; returns the frames of every line it completed, in order. Keeps a reference to `chunk`. */
  push(chunk: Uint8Array): Frame[]
  /**
   * Ends the input. Data after the last '\n' is read as a final line: a peer that exits without writing its
   * last newline still gets its last message delivered. The reader can be reused afterwards.
   */
  end(): Frame[]
  /** Bytes of the unfinished line held in memory; never more than `maxMessageBytes` + 1. */
  readonly bufferedBytes: number
}

/** Default for {@link FrameReaderOptions.maxMessageBytes}: 32 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024
/** Default for {@link FrameReaderOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 1000

/** How much of a rejected line is looked at to recover its id: bounded, so a huge line costs no more. */
const ID_SCAN_BYTES = 64 * 1024
const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
/** JSON whitespace (RFC 8259 §2) other than '\n', which never reaches a line. */
const BLANK_LINE = /^[ \t\r]*$/
/** After the key "id": a string or number value, followed by the end of that member. Linear, no backtracking. */
const ID_VALUE = /[ \t\r]*:[ \t\r]*("(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)[ \t\r]*[,}]/y

/**
 * Creates a reader for newline-delimited JSON-RPC (the MCP stdio framing). Options are checked now: a bad
 * limit throws a `TypeError`.
 *
 * @example
 * const reader = createFrameReader({ maxMessageBytes: 1024 * 1024 })
 * process.stdin.on('data', (chunk: Buffer) => {
 *   for (const frame of reader.push(chunk)) {
 *     if (frame.kind === 'message') handle(frame.value)
 *     else reply(frame.id, frame.error)
 *   }
 * })
 */
export function createFrameReader(options: FrameReaderOptions = {}): FrameReader {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  // A line must fit in one string: UTF-8 never has fewer bytes than UTF-16 code units, so bytes ≤ max length is enough.
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1 || maxMessageBytes > bufferConstants.MAX_STRING_LENGTH) {
    throw new TypeError(`maxMessageBytes must be an integer from 1 to ${bufferConstants.MAX_STRING_LENGTH}`)
  }
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) throw new TypeError('maxDepth must be a positive integer')
  return new LineReader(maxMessageBytes, maxDepth)
}

/**
 * Serialises one message (or batch) as a line. Safe without escaping: `JSON.stringify` without a `space` argument
 * emits no whitespace, escapes every control character inside strings (ECMA-262 QuoteJSONString, so a newline
 * becomes the two characters `\n`), and every byte of a multi-byte UTF-8 sequence is ≥ 0x80; so the only 0x0A byte
 * written is the terminator. Throws a `TypeError` for what JSON cannot hold (undefined, a function, a cycle, a BigInt).
 *
 * @example
 * output.write(serializeFrame({ jsonrpc: '2.0', id: 1, result: {} }))  // '{"jsonrpc":"2.0","id":1,"result":{}}\n'
 */
export function serializeFrame(message: unknown): string {
  const json = JSON.stringify(message) as string | undefined
  if (json === undefined) throw new TypeError(`serializeFrame cannot serialise a value of type ${typeof message}`)
  return json + '\n'
}

class LineReader implements FrameReader {
  readonly #maxMessageBytes: number
  readonly #maxDepth: number
  /** Pieces of the unfinished line; concatenated once, when its '\n' arrives. */
  #pending: Buffer[] = []
  #pendingBytes = 0
  /** Set while skipping the rest of an over-long line; holds the id recovered from its beginning. */
  #discarding: { readonly id: JsonRpcId | null } | undefined

  constructor(maxMessageBytes: number, maxDepth: number) {
    this.#maxMessageBytes = maxMessageBytes
    this.#maxDepth = maxDepth
  }

  get bufferedBytes(): number {
    return this.#pendingBytes
  }

  push(chunk: Uint8Array): Frame[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const frames: Frame[] = []
    let start = 0
    while (start < bytes.length) {
      const newline = bytes.indexOf(LF, start)
      if (newline === -1) {
        this.#hold(bytes, start, bytes.length)
        break
      }
      if (this.#pendingBytes === 0 && this.#discarding === undefined) {
        // Fast path: the whole line is inside this chunk; decode it in place, no copy.
        this.#readLine(bytes, start, newline, frames)
      } else {
        this.#hold(bytes, start, newline)
        this.#finishPending(frames)
      }
      start = newline + 1
    }
    return frames
  }

  end(): Frame[] {
    const frames: Frame[] = []
    this.#finishPending(frames)
    return frames
  }

  /** Keeps part of an unfinished line, or starts discarding it once it cannot fit (+1 for a possible '\r'). */
  #hold(bytes: Buffer, start: number, end: number): void {
    if (this.#discarding !== undefined || start === end) return
    if (this.#pendingBytes + (end - start) > this.#maxMessageBytes + 1) {
      const prefix = Buffer.concat([...this.#pending, bytes.subarray(start, end)], ID_SCAN_BYTES)
      const length = Math.min(ID_SCAN_BYTES, this.#pendingBytes + (end - start))
      this.#discarding = { id: recoverId(prefix.toString('utf8', 0, length)) }
      this.#pending = []
      this.#pendingBytes = 0
      return
    }
    this.#pending.push(bytes.subarray(start, end))
    this.#pendingBytes += end - start
  }

  #finishPending(frames: Frame[]): void {
    const discarding = this.#discarding
    const pending = this.#pending
    const length = this.#pendingBytes
    this.#discarding = undefined
    this.#pending = []
    this.#pendingBytes = 0
    if (discarding !== undefined) frames.push(tooLarge(this.#maxMessageBytes, discarding.id))
    else if (pending.length === 1) this.#readLine(pending[0] as Buffer, 0, length, frames)
    else if (pending.length > 1) this.#readLine(Buffer.concat(pending, length), 0, length, frames)
  }

  #readLine(bytes: Buffer, start: number, end: number, frames: Frame[]): void {
    const stop = end > start && bytes[end - 1] === CR ? end - 1 : end
    if (stop - start > this.#maxMessageBytes) {
      const prefixEnd = Math.min(stop, start + ID_SCAN_BYTES)
      frames.push(tooLarge(this.#maxMessageBytes, recoverId(bytes.toString('utf8', start, prefixEnd))))
      return
    }
    const frame = this.#parse(bytes.toString('utf8', start, stop))
    if (frame !== undefined) frames.push(frame)
  }

  /** Parses one decoded line; undefined for a blank line, which carries no data. */
  #parse(text: string): Frame | undefined {
    // Fewer characters than maxDepth cannot nest deeper than it, so small messages skip the scan.
    if (text.length > this.#maxDepth && exceedsDepth(text, this.#maxDepth)) {
      return invalid(
        `A JSON-RPC message nested more than ${this.#maxDepth} levels deep was ignored. Send flatter data, or raise the nesting limit in the MCP Warden configuration.`,
        'too-deep',
        recoverId(text.slice(0, ID_SCAN_BYTES)),
      )
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      if (BLANK_LINE.test(text)) return undefined
      // The parser's own message quotes the input; it is left out so that no content reaches logs or the peer.
      return invalid(
        'A line that is not valid JSON was ignored. Each JSON-RPC message must be one line of UTF-8 JSON followed by a newline.',
        'parse-error',
        null,
      )
    }
    if (typeof value !== 'object' || value === null) {
      return invalid(
        'A line that is valid JSON but not a JSON-RPC message was ignored. Each line must hold an object, or an array of objects for a batch.',
        'not-a-message',
        null,
      )
    }
    return { kind: 'message', value }
  }
}

function invalid(message: string, reason: string, id: JsonRpcId | null): Frame {
  return { kind: 'error', id, error: new WardenError('ERR_INVALID_MESSAGE', message, { stage: 'framing', details: { reason } }) }
}

function tooLarge(maxMessageBytes: number, id: JsonRpcId | null): Frame {
  const error = new WardenError(
    'ERR_MESSAGE_TOO_LARGE',
    `A JSON-RPC message larger than ${maxMessageBytes} bytes was ignored. Send smaller messages, or raise the message size limit in the MCP Warden configuration.`,
    { stage: 'framing', details: { reason: 'too-large', maxMessageBytes } },
  )
  return { kind: 'error', id, error }
}

/** Index of the quote that closes the string opened at `open`, or -1 when the text ends first. */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1)
  while (quote !== -1) {
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote
    quote = text.indexOf('"', quote + 1)
  }
  return -1
}

/**
 * Whether objects and arrays nest deeper than `maxDepth`, by a linear scan outside strings: no recursion, so it
 * cannot overflow the stack, and it runs before anything that might recurse over the parsed value.
 */
function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      i = closingQuote(text, i)
      if (i === -1) return false // unterminated string: JSON.parse reports the line as invalid
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}

/**
 * The id of a rejected line, read from its beginning so an error reply can be matched to the request. Only a
 * member of the top-level object counts (a nested `"id"`, such as one inside `params`, would answer the wrong
 * request); null when there is none, or it is not a string or a number.
 */
function recoverId(prefix: string): JsonRpcId | null {
  let depth = 0
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i)
    if (code === QUOTE) {
      const close = closingQuote(prefix, i)
      if (close === -1) return null
      if (depth === 1 && close === i + 3 && prefix.startsWith('"id"', i)) {
        ID_VALUE.lastIndex = close + 1
        const match = ID_VALUE.exec(prefix)
        return match?.[1] === undefined ? null : toId(match[1])
      }
      i = close
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (depth === 0 && code === OPEN_BRACKET) return null // a batch has no single id
      depth++
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--
    }
  }
  return null
}

function toId(json: string): JsonRpcId | null {
  try {
    const id: unknown = JSON.parse(json)
    return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null
  } catch {
    return null
  }
}
