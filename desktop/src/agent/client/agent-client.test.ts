import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classifyMessage, createMemoryAuditSink, createMemoryLimitStore, createPipeline, WardenError, type AuditRecord, type AuditSink, type JsonRpcMessage, type LimitStore, type MemoryAuditSink, type Stage } from '@mcp-warden/core'
import type { AgentSession, IssuedToken } from '../session/agent-session.js'
import { startAgentServer, type AgentServer } from '../server/agent-server.js'
import { connectAgent, type AgentClient } from './agent-client.js'
import { ensureAgent } from './ensure-agent.js'
import { createRemoteAuditSink, createRemoteLimitStore } from './remote-stores.js'

const status = { state: 'signed-in', user: { issuer: 'https://idp.example.com', subject: 'alice' }, idTokenExpiresAt: 2e9, refreshable: true } as const

function fakeSession(idToken: () => Promise<IssuedToken> = async () => ({ token: 'id-1', expiresAt: 2e9 })): AgentSession {
  return { status: async () => status, reload: async () => status, idToken, upstreamToken: async () => ({ token: 'up', expiresAt: 2e9 }) }
}

const RECORD: AuditRecord = {
  id: 'rec-1', time: '2026-12-04T12:00:00.000Z', kind: 'decision', direction: 'to-server', server: 'files', sessionId: 's1',
  method: 'tools/call', target: 'read_file', requestId: 3, identity: { issuer: 'https://idp.example.com', subject: 'alice' },
  decision: 'allow', reasons: ['rule:read'], findings: [{ type: 'EMAIL', path: '/args/to', action: 'redact' }], modifications: [],
  outcome: 'forwarded', latencyMs: 1.5,
}

let dir: string
let socketPath: string
let audit: MemoryAuditSink
const servers: AgentServer[] = []
const clients: AgentClient[] = []

async function start(session: AgentSession = fakeSession(), limitStore: LimitStore = createMemoryLimitStore()): Promise<AgentServer> {
  const server = await startAgentServer({ socketPath, session, limitStore, audit, version: '1.2.3' })
  servers.push(server)
  return server
}

async function connect(timeoutMs?: number): Promise<AgentClient> {
  const client = await connectAgent({ socketPath, client: { name: 'test', version: '1' }, server: { name: 'files' }, timeoutMs })
  clients.push(client)
  return client
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-client-'))
  socketPath = join(dir, 'agent.sock')
  audit = createMemoryAuditSink()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const server of servers.splice(0)) await server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('connectAgent', () => {
  it('says hello and serves typed calls', async () => {
    await start()
    const agent = await connect()
    expect(agent.agent).toEqual({ version: '1.2.3', protocol: 2 })
    expect(await agent.idToken()).toEqual({ token: 'id-1', expiresAt: 2e9 })
    expect(await agent.sessionStatus()).toEqual(status)
  })

  it('rejects with what to do when no agent runs', async () => {
    await expect(connectAgent({ socketPath, client: { name: 't', version: '1' }, server: { name: 's' } })).rejects.toMatchObject({
      code: 'ERR_AGENT_UNAVAILABLE',
      message: expect.stringContaining('run `mcp-warden agent`'),
    })
  })

  it('times out a request the agent does not answer', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve))
    try {
      await expect(connect(150)).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('did not answer hello within 150 ms') })
    } finally {
      silent.close()
    }
  })

  it('times out one slow call and keeps the connection for the next', async () => {
    await start(fakeSession(() => new Promise<never>(() => undefined)))
    const agent = await connect(100)
    await expect(agent.idToken()).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('did not answer identity.token within 100 ms') })
    expect(await agent.sessionStatus()).toEqual(status)
  })

  it('rejects calls in flight when the agent goes away, and reconnects once an agent is back', async () => {
    let started!: () => void
    const called = new Promise<void>((resolve) => (started = resolve))
    const server = await start(fakeSession(() => (started(), new Promise<never>(() => undefined))))
    const agent = await connect()
    const inFlight = agent.idToken()
    await called
    await server.close()
    await expect(inFlight).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('went away during identity.token') })
    await expect(agent.sessionStatus()).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('not running') })
    await start()
    expect(await agent.idToken()).toEqual({ token: 'id-1', expiresAt: 2e9 })
  })

  it('refuses bad params before sending them', async () => {
    await start()
    const agent = await connect()
    await expect(agent.consumeRate('k', { capacity: 0, windowSeconds: 1 }, 1)).rejects.toThrow(TypeError)
  })
})

describe('remote limit store and audit sink', () => {
  it('shares one ledger between two clients: capacity 10, 2 × 20 concurrent calls → exactly 10 allowed', async () => {
    await start()
    const stores = [createRemoteLimitStore(await connect()), createRemoteLimitStore(await connect())]
    const spec = { capacity: 10, windowSeconds: 3600 }
    const results = await Promise.all(stores.flatMap((store) => Array.from({ length: 20 }, () => store.consumeRate('rate:alice', spec, 1, 0))))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    const denied = results.find((r) => !r.allowed)
    expect(denied?.retryAfterMs).toBeGreaterThan(0)
  })

  it('carries an infinite retry-after (cost above capacity) and budgets', async () => {
    await start()
    const store = createRemoteLimitStore(await connect())
    expect(await store.consumeRate('k', { capacity: 2, windowSeconds: 60 }, 5, 0)).toEqual({ allowed: false, remaining: 2, retryAfterMs: Number.POSITIVE_INFINITY })
    expect(await store.chargeBudget('b', 10, '2026-12', 7)).toEqual({ allowed: true, used: 7, remaining: 3, periodKey: '2026-12' })
    expect(await store.chargeBudget('b', 10, '2026-12', 7)).toMatchObject({ allowed: false, used: 7 })
    await store.refundBudget('b', '2026-12', 7)
    expect(await store.chargeBudget('b', 10, '2026-12', 10)).toMatchObject({ allowed: true, used: 10 })
  })

  it('appends audit records at the agent, in order', async () => {
    await start()
    const sink = createRemoteAuditSink(await connect())
    await Promise.all([sink.append(RECORD), sink.append({ ...RECORD, id: 'rec-2' })])
    expect(audit.records.map((r) => r.id)).toEqual(['rec-1', 'rec-2'])
  })
})

describe('the pipeline writing its audit through the agent', () => {
  it('delivers the records a local sink would hold, field for field', async () => {
    await start()
    const remote = createRemoteAuditSink(await connect())
    const local = createMemoryAuditSink()
    const denyLimits: Stage = { name: 'limits', process: () => ({ action: 'deny', error: new WardenError('ERR_LIMIT_EXCEEDED', 'Slow down.', { stage: 'limits' }) }) }
    const pass: Stage = { name: 'policy', process: (context) => ({ action: 'pass', context }) }
    const messages: JsonRpcMessage[] = [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {} } },
      { jsonrpc: '2.0', id: 'b', method: 'resources/read', params: { uri: `file:///${'d/'.repeat(3000)}x` } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
    ]
    for (const [sink, stages] of [[local, [pass]], [remote, [pass]], [local, [pass, denyLimits]], [remote, [pass, denyLimits]]] as [AuditSink, Stage[]][]) {
      let n = 0
      const pipeline = createPipeline({ stages, audit: sink, clock: { now: () => Date.UTC(2026, 11, 4), monotonic: () => 0 }, newId: () => `a${n++}`, auditFailure: 'deny' })
      for (const message of messages) {
        await pipeline.process({ direction: 'to-server', message, operation: classifyMessage(message, 'to-server'), session: { server: 'files', sessionId: 's1', transport: 'stdio' }, findings: [], modifications: [], receivedAt: Date.UTC(2026, 11, 4) })
      }
    }
    // a passing notification is not audited; the denied one is (dropped)
    expect(local.records.map((r) => r.outcome)).toEqual(['forwarded', 'forwarded', 'denied', 'denied', 'dropped'])
    expect(audit.records).toEqual(JSON.parse(JSON.stringify(local.records)))
  })
})

describe('ensureAgent', () => {
  const options = () => ({ socketPath, client: { name: 'test', version: '1' }, server: { name: 'files' } })

  it('connects to a running agent without starting one', async () => {
    await start()
    let spawned = 0
    const agent = await ensureAgent({ ...options(), spawnAgent: () => void spawned++ })
    clients.push(agent)
    expect(spawned).toBe(0)
  })

  it('starts an agent when none answers and waits until it does', async () => {
    const agent = await ensureAgent({ ...options(), spawnAgent: () => void start(), readyTimeoutMs: 5000 })
    clients.push(agent)
    expect(await agent.idToken()).toMatchObject({ token: 'id-1' })
  })

  it('stops waiting when the started agent exits with an error', async () => {
    const failure = ensureAgent({ ...options(), spawnAgent: () => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' }), readyTimeoutMs: 30_000 })
    await expect(failure).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('exited with code 3') })
  })

  it('gives up after readyTimeoutMs with what to do', async () => {
    await expect(ensureAgent({ ...options(), spawnAgent: () => undefined, readyTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'ERR_AGENT_UNAVAILABLE',
      message: expect.stringContaining('Start the MCP Warden app or run `mcp-warden agent`'),
    })
  })
})

describe('approvals through the agent client', () => {
  const question = { server: 'files', target: 'write_file', method: 'tools/call', argumentNames: ['path'], argumentsPreview: '{"path":"/tmp/a"}', ruleIds: ['ask-writes'], timeoutSeconds: 30 }

  it('queues a question that a person answers from another connection', async () => {
    await start()
    const proxy = await connect()
    const person = await connect()
    const outcome = proxy.requestApproval(question, new AbortController().signal)
    await expect.poll(async () => (await person.listApprovals()).length).toBe(1)
    const [pending] = await person.listApprovals()
    expect(pending?.question).toEqual(question)
    await person.answerApproval(pending!.id, 'allow')
    expect(await outcome).toEqual({ answer: 'allow' })
  })

  it('withdraws the question when the asker aborts: it is no longer listed', async () => {
    await start()
    const proxy = await connect()
    const person = await connect()
    const controller = new AbortController()
    const outcome = proxy.requestApproval(question, controller.signal)
    await expect.poll(async () => (await person.listApprovals()).length).toBe(1)
    controller.abort(new Error('stage timed out'))
    await expect(outcome).rejects.toThrow('stage timed out')
    await expect.poll(async () => (await person.listApprovals()).length).toBe(0)
  })

  it('says to update the agent when it speaks protocol 1 only', async () => {
    const old = createServer((socket) => {
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter((l) => l !== '')) {
          const { id } = JSON.parse(line) as { id: number }
          socket.write(`${JSON.stringify({ v: 1, id, ok: true, result: { protocol: 1, agent: { version: '0.0.9' } } })}\n`)
        }
      })
    })
    await new Promise<void>((resolve) => old.listen(socketPath, resolve))
    try {
      const agent = await connect()
      await expect(agent.requestApproval(question, new AbortController().signal)).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('speaks protocol 1 and has no approvals queue (protocol 2). Update MCP Warden') })
      await expect(agent.listApprovals()).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE' })
    } finally {
      old.close()
    }
  })
})
