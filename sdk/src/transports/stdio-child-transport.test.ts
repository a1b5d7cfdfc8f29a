import { describe, it, expect } from 'vitest'
import { once } from 'node:events'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { StdioChildTransport } from './stdio-child-transport.js'
import type { StdioChildTransportOptions } from './stdio-child-transport.js'
import { filterServerEnvironment } from './filter-server-environment.js'

/** Child scripts, run by the Node that runs the tests. Each writes a `ready` notification once set up. */
const READY = `process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'ready' }) + '\\n');`
const ECHO = `process.stdin.pipe(process.stdout); ${READY}`
const IGNORES_EOF = `process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000); ${READY}`
const IGNORES_SIGTERM = `process.on('SIGTERM', () => {}); ${IGNORES_EOF}`
const ready = { jsonrpc: '2.0', method: 'ready' }

interface Run {
  transport: StdioChildTransport
  events: string[]
  messages: unknown[]
  closed: Promise<void>
  nextMessage(): Promise<unknown>
}

function run(script: string, options: Partial<StdioChildTransportOptions> = {}): Run {
  const transport = new StdioChildTransport({ command: process.execPath, args: ['-e', script], env: {}, ...options })
  const messages: unknown[] = []
  const events: string[] = []
  const waiting: ((message: unknown) => void)[] = []
  let markClosed = (): void => {}
  const closed = new Promise<void>((resolve) => (markClosed = resolve))
  transport.onmessage = (message) => {
    messages.push(message)
    events.push('message')
    waiting.shift()?.(message)
  }
  transport.onerror = (error) => events.push(`error ${error.message}`)
  transport.onexit = (code, signal) => events.push(`exit ${code} ${signal}`)
  transport.onclose = () => {
    events.push('close')
    markClosed()
  }
  const nextMessage = (): Promise<unknown> => new Promise((resolve) => waiting.push(resolve))
  return { transport, events, messages, closed, nextMessage }
}

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' } as const satisfies JSONRPCMessage

describe('StdioChildTransport', () => {
  it('exchanges messages with a child process and shuts it down by ending its stdin', async () => {
    const r = run(ECHO)
    const first = r.nextMessage()
    await r.transport.start()
    expect(r.transport.pid).toBeTypeOf('number')
    expect(await first).toEqual(ready)
    const echoed = r.nextMessage()
    await r.transport.send(ping)
    expect(await echoed).toEqual(ping)
    await r.transport.close()
    expect(r.events).toEqual(['message', 'message', 'exit 0 null', 'close'])
  })

  it('reports a command that does not exist as ERR_UPSTREAM_UNAVAILABLE, then closes', async () => {
    const r = run('', { command: 'mcp-warden-test-no-such-command', args: [] })
    const message =
      'Could not start the MCP server "mcp-warden-test-no-such-command": the command was not found. Check the command in your MCP client configuration.'
    await expect(r.transport.start()).rejects.toMatchObject({ name: 'WardenError', code: 'ERR_UPSTREAM_UNAVAILABLE', message })
    await r.closed
    expect(r.events).toEqual([`error ${message}`, 'close'])
    expect(r.transport.pid).toBeUndefined()
    await r.transport.close()
    expect(r.events).toHaveLength(2)
  })

  it('mentions the working directory when the command was given one', async () => {
    const r = run('', { command: 'mcp-warden-test-no-such-command', cwd: '/' })
    await expect(r.transport.start()).rejects.toThrow(
      'Could not start the MCP server "mcp-warden-test-no-such-command": the command or the working directory was not found. Check the command in your MCP client configuration.',
    )
  })

  it('delivers what a crashing child wrote, then its exit code, then closes', async () => {
    const r = run(`process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'last' })); process.exit(3)`)
    await r.transport.start()
    await r.closed
    expect(r.messages).toEqual([{ jsonrpc: '2.0', method: 'last' }])
    expect(r.events).toEqual(['message', 'exit 3 null', 'close'])
    await expect(r.transport.send(ping)).rejects.toThrow(
      'StdioChildTransport is not running; start it before sending, and do not send after close.',
    )
  })

  it.each([
    ['SIGTERM', IGNORES_EOF],
    ['SIGKILL', IGNORES_SIGTERM],
  ])('close() escalates to %s for a child that will not exit otherwise', async (signal, script) => {
    const r = run(script, { closeGraceMs: 100 })
    const first = r.nextMessage()
    await r.transport.start()
    await first
    await r.transport.close()
    expect(r.events).toEqual(['message', `exit null ${signal}`, 'close'])
  })

  it('closes after the grace period when a grandchild keeps the exited child stdout open', async () => {
    const script = `
      const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: ['ignore', 'inherit', 'ignore'] })
      process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'grandchild', params: { pid: grandchild.pid } }) + '\\n', () => process.exit(0))`
    const r = run(script, { closeGraceMs: 100 })
    const message = r.nextMessage()
    await r.transport.start()
    const { pid } = ((await message) as { params: { pid: number } }).params
    try {
      await r.closed
      expect(r.events).toEqual(['message', 'exit 0 null', 'close'])
    } finally {
      process.kill(pid, 'SIGKILL')
    }
  })

  it('starts the child with the filtered environment only', async () => {
    const env = filterServerEnvironment({ PATH: process.env['PATH'], SERVER_TOKEN: 't', MCP_WARDEN_SOCKET: '/s', ELECTRON_RUN_AS_NODE: '1' })
    const r = run(`process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'env', params: process.env }) + '\\n')`, { env })
    const message = r.nextMessage()
    await r.transport.start()
    const params = ((await message) as { params: Record<string, string> }).params
    expect(params['SERVER_TOKEN']).toBe('t')
    expect(Object.keys(params).filter((key) => key.startsWith('MCP_WARDEN_') || key === 'ELECTRON_RUN_AS_NODE')).toEqual([])
    await r.closed
  })

  it('gives the child stderr to the caller with stderr: pipe', async () => {
    const r = run(`process.stderr.write('diagnostics')`, { stderr: 'pipe' })
    await r.transport.start()
    const stderr = r.transport.stderr
    expect(stderr).not.toBeNull()
    const [chunk] = (await once(stderr!, 'data')) as [Buffer]
    expect(chunk.toString()).toBe('diagnostics')
    await r.closed
  })

  it('fires onclose when closed before it was started', async () => {
    const r = run(ECHO)
    await r.transport.close()
    expect(r.events).toEqual(['close'])
    await expect(r.transport.start()).rejects.toThrow(
      'StdioChildTransport was already started; create a new transport to start the server again.',
    )
  })

  it.each([
    [{ command: '' }, 'command must be a non-empty string'],
    [{ args: ['ok', 1] }, 'args must be an array of strings'],
    [{ env: { A: 1 } }, 'env must be an object of strings; build it with filterServerEnvironment(process.env)'],
    [{ env: undefined }, 'env must be an object of strings; build it with filterServerEnvironment(process.env)'],
    [{ stderr: 'tty' }, "stderr must be 'inherit', 'pipe' or 'ignore'"],
    [{ closeGraceMs: 0 }, 'closeGraceMs must be a positive number of milliseconds'],
    [{ maxDepth: -1 }, 'maxDepth must be a positive integer'],
  ])('throws a TypeError for bad options %o', (bad, message) => {
    const options = { command: 'node', env: {}, ...bad } as unknown as StdioChildTransportOptions
    expect(() => new StdioChildTransport(options)).toThrow(new TypeError(message))
  })
})
