import { spawnSync } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WardenError, createMemoryAuditSink, createMemoryLimitStore, type MemoryAuditSink } from '@mcp-warden/core'
import type { AgentSession } from '../session/agent-session.js'
import { MAX_FRAME_BYTES } from '../protocol/frames.js'
import { isAgentAlreadyRunning } from './agent-lock.js'
import { startAgentServer, type AgentServer } from './agent-server.js'

const UPSTREAM = 'https://mcp.example.com/mcp'

function fakeSession(overrides: Partial<AgentSession> = {}): AgentSession {
  const status = { state: 'signed-in', user: { issuer: 'https://idp.example.com', subject: 'alice' }, idTokenExpiresAt: 2e9, refreshable: true } as const
  return {
    status: async () => status,
    reload: async () => status,
    idToken: async () => ({ token: 'id-token-1', expiresAt: 2e9 }),
    upstreamToken: async (resource) => ({ token: `access-for-${resource}`, expiresAt: 2e9 }),
    ...overrides,
  }
}

/** A raw line-level client: what a buggy or hostile peer could send. */
interface RawClient {
  send(text: string): void
  next(): Promise<Record<string, unknown>>
  socket: Socket
}

async function rawClient(socketPath: string): Promise<RawClient> {
  const socket = connect(socketPath)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at)
      buffer = buffer.slice(at + 1)
      const waiter = waiters.shift()
      if (waiter === undefined) lines.push(line)
      else waiter(line)
    }
  })
  return {
    socket,
    send: (text) => socket.write(text),
    next: async () => JSON.parse(lines.shift() ?? (await new Promise<string>((resolve) => waiters.push(resolve)))) as Record<string, unknown>,
  }
}

const HELLO = { protocol: { min: 1, max: 1 }, client: { name: 'test', version: '1' }, server: { name: 'files', upstreamUrl: UPSTREAM } }

function request(id: number, method: string, params: unknown): string {
  return `${JSON.stringify({ v: 1, id, method, params })}\n`
}

let dir: string
let socketPath: string
let audit: MemoryAuditSink
let server: AgentServer | undefined

async function start(session: AgentSession = fakeSession(), path = socketPath): Promise<AgentServer> {
  server = await startAgentServer({ socketPath: path, session, limitStore: createMemoryLimitStore(), audit, version: '9.9.9', policySnapshot: () => ({ revision: 1, policyText: 'rules: []', checkedAt: 1, expiresAt: 2, stale: false }) })
  return server
}

async function greeted(): Promise<RawClient> {
  const client = await rawClient(socketPath)
  client.send(request(0, 'hello', HELLO))
  expect(await client.next()).toEqual({ v: 1, id: 0, ok: true, result: { protocol: 1, agent: { version: '9.9.9' } } })
  return client
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-agent-'))
  socketPath = join(dir, 'run', 'agent.sock')
  audit = createMemoryAuditSink()
})

afterEach(async () => {
  await server?.close()
  server = undefined
  rmSync(dir, { recursive: true, force: true })
})

describe('startAgentServer', () => {
  it('creates a 0700 directory and a 0600 socket, and removes socket and lock on close', async () => {
    await start()
    expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700)
    expect(statSync(socketPath).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'run', 'agent.lock')).isFile()).toBe(true)
    await server?.close()
    expect(() => statSync(socketPath)).toThrow(/ENOENT/)
    expect(() => statSync(join(dir, 'run', 'agent.lock'))).toThrow(/ENOENT/)
  })

  it('refuses a socket directory open to other users, and says how to fix it', async () => {
    const open = join(dir, 'open')
    mkdirSync(open)
    chmodSync(open, 0o755)
    const failure = startAgentServer({ socketPath: join(open, 'agent.sock'), session: fakeSession(), limitStore: createMemoryLimitStore(), audit, version: '1' })
    await expect(failure).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining(`chmod 700 ${open}`) })
  })

  it('refuses a socket directory that is a symbolic link', async () => {
    const real = join(dir, 'real')
    mkdirSync(real, { mode: 0o700 })
    symlinkSync(real, join(dir, 'link'))
    const failure = startAgentServer({ socketPath: join(dir, 'link', 'agent.sock'), session: fakeSession(), limitStore: createMemoryLimitStore(), audit, version: '1' })
    await expect(failure).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('is not a directory') })
  })

  it('rejects a second agent on the same socket as already running', async () => {
    await start()
    const second = startAgentServer({ socketPath, session: fakeSession(), limitStore: createMemoryLimitStore(), audit, version: '1' })
    const error = await second.catch((e: unknown) => e)
    expect(isAgentAlreadyRunning(error)).toBe(true)
    expect((error as Error).message).toMatch(/already running/)
    await greeted()
  })

  it('takes over the lock and socket a killed agent left behind', async () => {
    const run = join(dir, 'run')
    mkdirSync(run, { mode: 0o700 })
    // An agent that exits without closing its server leaves its socket file behind, as kill -9 does.
    const listenAndDie = `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => process.exit(0))`
    const dead = spawnSync(process.execPath, ['-e', listenAndDie]).pid
    writeFileSync(join(run, 'agent.lock'), `${dead}\n`)
    expect(lstatSync(socketPath).isSocket()).toBe(true)
    await start()
    expect(statSync(join(run, 'agent.lock'), { throwIfNoEntry: true }).isFile()).toBe(true)
    await greeted()
  })
})

describe('the protocol, frame by frame', () => {
  beforeEach(async () => {
    await start()
  })

  it('answers a line that is not JSON with ERR_INVALID_MESSAGE and keeps serving', async () => {
    const client = await rawClient(socketPath)
    client.send('{"v":1,"id":3,\n')
    expect(await client.next()).toMatchObject({ v: 1, ok: false, error: { code: 'ERR_INVALID_MESSAGE' } })
    client.send(request(4, 'hello', HELLO))
    expect(await client.next()).toMatchObject({ id: 4, ok: true })
  })

  it('answers a frame that is JSON but not a request with its id', async () => {
    const client = await rawClient(socketPath)
    client.send(`${JSON.stringify({ v: 2, id: 7, method: 'hello', params: HELLO })}\n`)
    expect(await client.next()).toMatchObject({ id: 7, ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: expect.stringContaining('v') } })
  })

  it('refuses an oversize frame without buffering it, then serves the next line', async () => {
    const client = await rawClient(socketPath)
    client.send(`{"v":1,"id":1,"method":"hello","params":"${'x'.repeat(MAX_FRAME_BYTES + 10)}"}\n`)
    expect(await client.next()).toMatchObject({ id: 1, ok: false, error: { code: 'ERR_MESSAGE_TOO_LARGE' } })
    client.send(request(2, 'hello', HELLO))
    expect(await client.next()).toMatchObject({ id: 2, ok: true })
  })

  it('requires hello first, and only once', async () => {
    const client = await rawClient(socketPath)
    client.send(request(1, 'identity.token', {}))
    expect(await client.next()).toMatchObject({ id: 1, ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: 'Send hello before identity.token.' } })
    client.send(request(2, 'hello', HELLO))
    await client.next()
    client.send(request(3, 'hello', HELLO))
    expect(await client.next()).toMatchObject({ id: 3, ok: false, error: { message: 'hello was already sent on this connection.' } })
  })

  it('names an unknown method and which side to update', async () => {
    const client = await greeted()
    client.send(request(1, 'tokens.steal', {}))
    expect(await client.next()).toEqual({
      v: 1, id: 1, ok: false,
      error: { code: 'ERR_INVALID_MESSAGE', message: 'Unknown agent method "tokens.steal". The client is newer than this MCP Warden agent: update the agent.' },
    })
  })

  it('refuses a hello whose protocol range it does not speak, and keeps the connection un-greeted', async () => {
    const client = await rawClient(socketPath)
    client.send(request(1, 'hello', { ...HELLO, protocol: { min: 3, max: 4 } }))
    expect(await client.next()).toMatchObject({ ok: false, error: { code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining('Update the MCP Warden agent') } })
    client.send(request(2, 'identity.token', {}))
    expect(await client.next()).toMatchObject({ ok: false, error: { message: 'Send hello before identity.token.' } })
  })

  it.each([
    ['limits.consumeRate', { key: 'k', spec: { capacity: 0, windowSeconds: 60 }, cost: 1 }, 'spec.capacity'],
    ['limits.chargeBudget', { key: 'k', limit: 10, periodKey: 'p', cost: -1 }, 'cost'],
    ['upstream.token', { resource: 'file:///etc/passwd' }, 'resource'],
    ['identity.token', { extra: true }, 'extra'],
    ['audit.append', { record: { id: 'a' } }, 'record'],
  ])('rejects bad params of %s with the path of the problem', async (method, params, path) => {
    const client = await greeted()
    client.send(request(1, method, params))
    expect(await client.next()).toMatchObject({ id: 1, ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: expect.stringContaining(path) } })
  })

  it('gives an upstream token only for the URL the connection declared in hello', async () => {
    const client = await greeted()
    client.send(request(1, 'upstream.token', { resource: UPSTREAM }))
    expect(await client.next()).toMatchObject({ ok: true, result: { token: `access-for-${UPSTREAM}` } })
    client.send(request(2, 'upstream.token', { resource: 'https://other.example.com/mcp' }))
    expect(await client.next()).toMatchObject({ ok: false, error: { code: 'ERR_POLICY_DENIED', message: expect.stringContaining('only for the upstream it declared') } })
  })

  it('gives no upstream token to a connection that declared no upstream', async () => {
    const client = await rawClient(socketPath)
    client.send(request(0, 'hello', { ...HELLO, server: { name: 'local-stdio' } }))
    await client.next()
    client.send(request(1, 'upstream.token', { resource: UPSTREAM }))
    expect(await client.next()).toMatchObject({ ok: false, error: { code: 'ERR_POLICY_DENIED', message: expect.stringContaining('declared no upstream URL') } })
  })

  it('passes the policy snapshot through', async () => {
    const client = await greeted()
    client.send(request(1, 'policy.snapshot', {}))
    expect(await client.next()).toMatchObject({ ok: true, result: { snapshot: { revision: 1, policyText: 'rules: []', stale: false } } })
  })

  it('queues an approval one connection asks for until another answers it, and withdraws it when the asker leaves', async () => {
    const asker = await greeted()
    const person = await greeted()
    const question = { server: 'files', target: 'write_file', method: 'tools/call', argumentNames: ['path'], ruleIds: ['ask-writes'], timeoutSeconds: 60 }
    asker.send(request(1, 'approvals.request', { question }))
    let pending: { id: string }[] = []
    while (pending.length === 0) {
      person.send(request(1, 'approvals.list', {}))
      pending = ((await person.next()).result as { pending: { id: string }[] }).pending
    }
    expect(pending[0]).toMatchObject({ question })
    person.send(request(2, 'approvals.answer', { id: pending[0]!.id, answer: 'allow' }))
    expect(await person.next()).toEqual({ v: 1, id: 2, ok: true, result: null })
    expect(await asker.next()).toEqual({ v: 1, id: 1, ok: true, result: { answer: 'allow' } })

    asker.send(request(2, 'approvals.request', { question }))
    do {
      person.send(request(3, 'approvals.list', {}))
      pending = ((await person.next()).result as { pending: { id: string }[] }).pending
    } while (pending.length === 0)
    asker.socket.destroy()
    do {
      person.send(request(4, 'approvals.list', {}))
      pending = ((await person.next()).result as { pending: { id: string }[] }).pending
    } while (pending.length > 0)
    person.send(request(5, 'approvals.answer', { id: 'gone', answer: 'deny' }))
    expect(await person.next()).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } })
  })
})

describe('answers of the session', () => {
  it('carry only the fields the protocol names: nothing more of what the session returns leaves the agent', async () => {
    const leaky = { token: 'id-1', expiresAt: 2e9, refreshToken: 'must-not-leave' }
    await start(fakeSession({ idToken: async () => leaky }))
    const client = await greeted()
    client.send(request(1, 'identity.token', {}))
    expect(await client.next()).toEqual({ v: 1, id: 1, ok: true, result: { token: 'id-1', expiresAt: 2e9 } })
  })
})

describe('errors of the session', () => {
  it('travel with their code and message; other errors become ERR_INTERNAL without details', async () => {
    await start(
      fakeSession({
        idToken: () => Promise.reject(new WardenError('ERR_SIGNED_OUT', 'You are signed out of MCP Warden. Run `mcp-warden login`.')),
        status: () => Promise.reject(new Error('secret detail at /home/alice')),
      }),
    )
    const client = await greeted()
    client.send(request(1, 'identity.token', {}))
    expect(await client.next()).toEqual({ v: 1, id: 1, ok: false, error: { code: 'ERR_SIGNED_OUT', message: 'You are signed out of MCP Warden. Run `mcp-warden login`.' } })
    client.send(request(2, 'session.status', {}))
    const answer = await client.next()
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_INTERNAL' } })
    expect(JSON.stringify(answer)).not.toContain('secret detail')
  })
})
