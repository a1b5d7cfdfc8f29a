/**
 * sdk/src/transports/stdio-child-transport.ts — starts an MCP server as a child process and speaks
 * newline-delimited JSON-RPC over its stdin/stdout (MCP 2025-11-25, Transports § stdio).
 */

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { WardenError, createFrameReader } from '@mcp-warden/core'
import { NdjsonStreamTransport } from './ndjson-stream-transport.js'
import type { FrameErrorHandler } from './ndjson-stream-transport.js'

/** Options of {@link StdioChildTransport}. */
export interface StdioChildTransportOptions {
  /** The server's executable, run without a shell (so no quoting or expansion applies). */
  readonly command: string
  readonly args?: readonly string[] | undefined
  /** The server's whole environment; build it with `filterServerEnvironment(process.env)`. */
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string | undefined
  /** The server's stderr: 'inherit' (default, it reaches the host's log), 'pipe' (read it from `stderr`), 'ignore'. */
  readonly stderr?: 'inherit' | 'pipe' | 'ignore' | undefined
  /** How long close() waits after ending stdin before SIGTERM, and again before SIGKILL. Default 2000 ms. */
  readonly closeGraceMs?: number | undefined
  readonly maxMessageBytes?: number | undefined
  readonly maxDepth?: number | undefined
  /** Receives lines from the server that are not messages; without it they go to `onerror`. */
  readonly onFrameError?: FrameErrorHandler | undefined
}

const STDERR_MODES = new Set(['inherit', 'pipe', 'ignore'])
const DEFAULT_CLOSE_GRACE_MS = 2000

/**
 * A Transport to an MCP server run as a child process, framed by {@link NdjsonStreamTransport}.
 *
 * Lifecycle: `start()` spawns and resolves once the process runs. If it cannot start (command not found, not
 * executable) `onerror` receives an `ERR_UPSTREAM_UNAVAILABLE` error that says what to fix, `onclose` fires, and
 * `start()` rejects with the same error. When the server exits, what it wrote to stdout is delivered first, then
 * `onexit(code, signal)`, then `onclose`. `close()` shuts it down as the MCP lifecycle asks for stdio (MCP
 * 2025-11-25, Lifecycle § Shutdown): it ends the server's stdin, sends SIGTERM if it has not exited after the grace
 * period, SIGKILL after another, and resolves once it has exited. With `stderr: 'pipe'`, read `stderr`: a full pipe
 * blocks the server.
 *
 * @example
 * const upstream = new StdioChildTransport({ command: 'node', args: ['server.js'], env: filterServerEnvironment(process.env) })
 * upstream.onmessage = (message) => forward(message)
 * upstream.onexit = (code, signal) => log(`server exited with ${code ?? signal}`)
 * await upstream.start()
 */
export class StdioChildTransport implements Transport {
  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: Transport['onmessage']
  /** Called once when the server process has exited, before `onclose`; not called if it never started. */
  onexit?: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined

  readonly #options: StdioChildTransportOptions
  readonly #graceMs: number
  #state: 'new' | 'running' | 'closing' | 'closed' = 'new'
  #child: ChildProcess | undefined
  #inner: NdjsonStreamTransport | undefined
  #spawned = false
  #timers: NodeJS.Timeout[] = []
  #markClosed: () => void = () => {}
  readonly #closed = new Promise<void>((resolve) => {
    this.#markClosed = resolve
  })

  constructor(options: StdioChildTransportOptions) {
    validate(options)
    this.#options = options
    this.#graceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS
    createFrameReader({ maxMessageBytes: options.maxMessageBytes, maxDepth: options.maxDepth }) // checks the limits now
  }

  /** The server's process id; undefined before start() and when it could not start. */
  get pid(): number | undefined {
    return this.#child?.pid
  }

  /** The server's stderr when started with `stderr: 'pipe'`, otherwise null. */
  get stderr(): Readable | null {
    return this.#child?.stderr ?? null
  }

  start(): Promise<void> {
    if (this.#state !== 'new') {
      return Promise.reject(new Error('StdioChildTransport was already started; create a new transport to start the server again.'))
    }
    this.#state = 'running'
    const { command, args = [], env, cwd, stderr = 'inherit' } = this.#options
    let child: ChildProcess
    try {
      child = spawn(command, [...args], { env: { ...env }, cwd, shell: false, windowsHide: true, stdio: ['pipe', 'pipe', stderr] })
    } catch (error) {
      // Synchronous failures (e.g. a NUL byte in an argument) end the same way as asynchronous ones.
      const unavailable = this.#unavailable(error)
      this.onerror?.(unavailable)
      this.#finish(null, null)
      return Promise.reject(unavailable)
    }
    this.#child = child
    this.#connect(child)
    return new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.#spawned = true
        resolve()
      })
      child.on('error', (error) => {
        if (this.#spawned) return this.#report(error) // a failed kill(): the exit that follows settles it
        const unavailable = this.#unavailable(error)
        this.#report(unavailable)
        reject(unavailable) // 'close' follows a failed spawn and fires onclose
      })
    })
  }

  /** Writes one message to the server's stdin; see {@link NdjsonStreamTransport.send}. */
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#inner === undefined || this.#state !== 'running') {
      return Promise.reject(new Error('StdioChildTransport is not running; start it before sending, and do not send after close.'))
    }
    return this.#inner.send(message, options)
  }

  /** Shuts the server down (stdin EOF, then SIGTERM, then SIGKILL) and resolves once it has exited. */
  async close(): Promise<void> {
    if (this.#state === 'new') this.#finish(null, null)
    if (this.#state !== 'running') return this.#closed
    this.#state = 'closing'
    void this.#inner?.close()
    // Keep reading what the server still writes, into the void: a full stdout pipe would stop it from exiting.
    this.#child?.stdout?.resume()
    this.#timers.push(
      setTimeout(() => this.#child?.kill('SIGTERM'), this.#graceMs),
      setTimeout(() => this.#child?.kill('SIGKILL'), 2 * this.#graceMs),
    )
    return this.#closed
  }

  #connect(child: ChildProcess): void {
    const { stdout, stdin } = child
    if (stdout === null || stdin === null) throw new Error('spawn() returned a child without stdio pipes') // stdio is 'pipe'
    const inner = new NdjsonStreamTransport({
      input: stdout,
      output: stdin,
      maxMessageBytes: this.#options.maxMessageBytes,
      maxDepth: this.#options.maxDepth,
      onFrameError: this.#options.onFrameError,
    })
    inner.onmessage = (message) => this.onmessage?.(message)
    inner.onerror = (error) => this.#report(error)
    // stdout ended or a pipe failed: the server cannot be talked to any more, so shut it down.
    inner.onclose = () => void this.close()
    this.#inner = inner
    void inner.start()
    // 'close' comes after stdout has ended, so every line the server wrote has been delivered by then.
    child.on('close', (code, signal) => this.#finish(code, signal))
    // A grandchild that inherited stdout can hold it open after the server exited; stop waiting for it.
    child.on('exit', () => {
      this.#timers.push(setTimeout(() => (child.stdout?.destroy(), child.stderr?.destroy()), this.#graceMs))
    })
  }

  #report(error: Error): void {
    if (this.#state !== 'closed') this.onerror?.(error)
  }

  #finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers = []
    if (this.#spawned) this.onexit?.(code, signal)
    this.#markClosed()
    this.onclose?.()
  }

  #unavailable(error: unknown): WardenError {
    const code = (error as { code?: unknown } | null)?.code
    const reason =
      code === 'ENOENT'
        ? this.#options.cwd === undefined
          ? 'the command was not found'
          : 'the command or the working directory was not found'
        : code === 'EACCES'
          ? 'permission denied (is the file executable?)'
          : typeof code === 'string'
            ? `the system reported ${code}`
            : 'the command could not be run'
    return new WardenError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `Could not start the MCP server "${this.#options.command}": ${reason}. Check the command in your MCP client configuration.`,
      { cause: error, details: { reason: typeof code === 'string' ? code : 'spawn-failed' } },
    )
  }
}

function validate(options: StdioChildTransportOptions): void {
  if (typeof options.command !== 'string' || options.command === '') throw new TypeError('command must be a non-empty string')
  if (options.args !== undefined && !(Array.isArray(options.args) && options.args.every((arg) => typeof arg === 'string'))) {
    throw new TypeError('args must be an array of strings')
  }
  const env: unknown = options.env
  if (typeof env !== 'object' || env === null || !Object.values(env).every((value) => typeof value === 'string')) {
    throw new TypeError('env must be an object of strings; build it with filterServerEnvironment(process.env)')
  }
  if (options.stderr !== undefined && !STDERR_MODES.has(options.stderr)) throw new TypeError("stderr must be 'inherit', 'pipe' or 'ignore'")
  const grace = options.closeGraceMs
  if (grace !== undefined && !(Number.isFinite(grace) && grace > 0)) throw new TypeError('closeGraceMs must be a positive number of milliseconds')
}
