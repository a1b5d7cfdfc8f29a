/**
 * test/agent.test.ts — the per-user agent as real processes on a real Unix socket: one serves when several start
 * at once, a killed agent is replaced cleanly, and a client survives the replacement.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectAgent, type AgentClient } from '../desktop/dist/agent/client/index.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/agent-process.mjs', import.meta.url))

interface AgentProcess {
  readonly child: ChildProcess
  /** Resolves with the first stdout line equal to one of `lines`. */
  line(...lines: string[]): Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startAgentProcess(socketPath: string, auditDir: string, env: NodeJS.ProcessEnv = {}): AgentProcess {
  const child = spawn(process.execPath, [FIXTURE, socketPath, auditDir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const seen: string[] = []
  const waiters: { lines: string[]; resolve: (line: string) => void }[] = []
  let buffer = ''
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at)
      buffer = buffer.slice(at + 1)
      seen.push(line)
      for (const waiter of waiters.filter((w) => w.lines.includes(line))) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return {
    child,
    exited,
    line: (...lines) => {
      const found = seen.find((line) => lines.includes(line))
      if (found !== undefined) return Promise.resolve(found)
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ lines, resolve })),
        exited.then(({ code, signal }) => Promise.reject(new Error(`agent exited (${code ?? signal}) before printing ${lines.join('|')}: ${stderr}`))),
      ])
    },
  }
}

let dir: string
let socketPath: string
let auditDir: string
const processes: AgentProcess[] = []
const clients: AgentClient[] = []

function agent(env?: NodeJS.ProcessEnv): AgentProcess {
  const started = startAgentProcess(socketPath, auditDir, env)
  processes.push(started)
  return started
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-agent-it-'))
  socketPath = join(dir, 'run', 'agent.sock')
  auditDir = join(dir, 'audit')
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const started of processes.splice(0)) {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL')
    await started.exited
  }
  rmSync(dir, { recursive: true, force: true })
})

async function connect(): Promise<AgentClient> {
  const client = await connectAgent({ socketPath, client: { name: 'agent.test', version: '1' }, server: { name: 'files' } })
  clients.push(client)
  return client
}

describe('the agent process', () => {
  it('serves alone when 5 start at once; the others say it is already running and exit 0', async () => {
    const started = Array.from({ length: 5 }, () => agent())
    const outcomes = await Promise.all(started.map((p) => p.line('serving', 'already-running')))
    expect(outcomes.filter((line) => line === 'serving')).toHaveLength(1)
    expect(outcomes.filter((line) => line === 'already-running')).toHaveLength(4)
    const others = started.filter((_, i) => outcomes[i] === 'already-running')
    expect((await Promise.all(others.map((p) => p.exited))).map((e) => e.code)).toEqual([0, 0, 0, 0])

    const server = started[outcomes.indexOf('serving')] as AgentProcess
    const client = await connect()
    expect((await client.idToken()).token).toBe(`id-from-${server.child.pid}`)

    client.close()
    server.child.kill('SIGTERM')
    expect(await server.line('stopped')).toBe('stopped')
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(existsSync(socketPath)).toBe(false)
    expect(existsSync(join(dir, 'run', 'agent.lock'))).toBe(false)
  })

  it('rejects a call in flight when the agent is killed -9, and recovers once a new agent starts', async () => {
    const first = agent({ HANG_ID_TOKEN: '1' })
    await first.line('serving')
    const client = await connect()
    const inFlight = client.idToken()
    await first.line('id-token-called')
    first.child.kill('SIGKILL')
    await expect(inFlight).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE' })
    await first.exited
    // the killed agent left its socket and lock behind
    expect(existsSync(socketPath)).toBe(true)

    const second = agent()
    expect(await second.line('serving', 'already-running')).toBe('serving')
    expect((await client.idToken()).token).toBe(`id-from-${second.child.pid}`)
  })

  it('after a kill -9, exactly one of 5 agents started at once takes over the stale lock and socket', async () => {
    const killed = agent()
    await killed.line('serving')
    killed.child.kill('SIGKILL')
    await killed.exited
    const started = Array.from({ length: 5 }, () => agent())
    const outcomes = await Promise.all(started.map((p) => p.line('serving', 'already-running')))
    expect(outcomes.filter((line) => line === 'serving')).toHaveLength(1)
    const server = started[outcomes.indexOf('serving')] as AgentProcess
    expect((await (await connect()).idToken()).token).toBe(`id-from-${server.child.pid}`)
  })
})
