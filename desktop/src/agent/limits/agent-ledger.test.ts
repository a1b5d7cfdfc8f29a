import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LimitStore } from '@mcp-warden/core'
import { connectAgent, type AgentClient } from '../client/agent-client.js'
import { createRemoteLimitStore } from '../client/remote-stores.js'
import { runAgent, type RunningAgent } from '../run-agent.js'
import { isAgentAlreadyRunning } from '../server/agent-lock.js'
import type { AgentSession } from '../session/agent-session.js'

const status = { state: 'signed-in', user: { issuer: 'https://idp.example.com', subject: 'alice' }, idTokenExpiresAt: 2e9, refreshable: true } as const
const session: AgentSession = {
  status: async () => status,
  reload: async () => status,
  idToken: async () => ({ token: 'id-1', expiresAt: 2e9 }),
  upstreamToken: async () => ({ token: 'up', expiresAt: 2e9 }),
}

let dir: string
let running: { agent: RunningAgent; stop: AbortController }[] = []
const clients: AgentClient[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-ledger-'))
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const { agent, stop } of running.splice(0)) {
    stop.abort()
    await agent.stopped
  }
  rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<() => Promise<void>> {
  const stop = new AbortController()
  const agent = await runAgent({ socketPath: join(dir, 'agent.sock'), session, audit: { dir: join(dir, 'state', 'audit') }, version: '1', signal: stop.signal })
  const entry = { agent, stop }
  running.push(entry)
  return async () => {
    running = running.filter((other) => other !== entry)
    stop.abort()
    await agent.stopped
  }
}

async function store(): Promise<LimitStore> {
  const client = await connectAgent({ socketPath: join(dir, 'agent.sock'), client: { name: 'test', version: '1' }, server: { name: 'files' } })
  clients.push(client)
  return createRemoteLimitStore(client)
}

describe('the agent ledger', () => {
  it('holds one limit for two clients hammering it: capacity 25 and budget 30 → exactly 25 and 30', async () => {
    await start()
    const stores = [await store(), await store()]
    const spec = { capacity: 25, windowSeconds: 3600 }
    const rates = await Promise.all(stores.flatMap((s) => Array.from({ length: 40 }, () => s.consumeRate('rate:alice', spec, 1, 0))))
    expect(rates.filter((r) => r.allowed)).toHaveLength(25)
    const budgets = await Promise.all(stores.flatMap((s) => Array.from({ length: 40 }, () => s.chargeBudget('budget:alice', 30, '2026-12-04', 1))))
    expect(budgets.filter((r) => r.allowed)).toHaveLength(30)
  })

  it('keeps the consumed budget and the empty bucket across an agent restart', async () => {
    const stop = await start()
    const before = await store()
    expect(await before.chargeBudget('budget:alice', 10, '2026-12-04', 7)).toMatchObject({ allowed: true, used: 7 })
    await before.consumeRate('rate:alice', { capacity: 1, windowSeconds: 3600 }, 1, 0)
    await stop()

    await start()
    const after = await store()
    expect(await after.chargeBudget('budget:alice', 10, '2026-12-04', 4)).toMatchObject({ allowed: false, used: 7 })
    expect(await after.consumeRate('rate:alice', { capacity: 1, windowSeconds: 3600 }, 1, 0)).toMatchObject({ allowed: false })
  })

  it('is left alone by a second agent that finds the first one running', async () => {
    const stop = await start()
    const first = await store()
    await first.chargeBudget('budget:alice', 10, '2026-12-04', 3)
    const error = await start().catch((e: unknown) => e)
    expect(isAgentAlreadyRunning(error)).toBe(true)
    expect(await first.chargeBudget('budget:alice', 10, '2026-12-04', 3)).toMatchObject({ allowed: true, used: 6 })
    await stop()
    await start() // had the second agent rewritten the file, the first one's last change would be lost
    expect(await (await store()).chargeBudget('budget:alice', 10, '2026-12-04', 0)).toMatchObject({ used: 6 })
  })

  it('fails closed over the socket when the ledger file is damaged, naming the file', async () => {
    const file = join(dir, 'state', 'limits.jsonl')
    const stop = await start()
    await stop()
    writeFileSync(file, '{"format":"mcp-warden-limits","version":1}\n{"key":\n')
    await start()
    const remote = await store()
    await expect(remote.chargeBudget('budget:alice', 10, '2026-12-04', 1)).rejects.toMatchObject({
      code: 'ERR_INTERNAL',
      message: expect.stringContaining(`The usage-limit ledger ${file} is damaged (line 2: not JSON)`),
    })
  })
})
