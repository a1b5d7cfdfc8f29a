/**
 * test/agent-limits.test.ts — the agent's limit ledger with real processes: two clients of one agent process hammer
 * one user's limit and budget, the agent is killed outright (SIGKILL, no clean shutdown), and the next agent
 * process finds both as they were.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LimitStore } from '@mcp-warden/core'
import { connectAgent, createRemoteLimitStore, type AgentClient } from '../desktop/dist/agent/client/index.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/agent-process.mjs', import.meta.url))

let dir: string
const children: ChildProcess[] = []
const clients: AgentClient[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-agent-limits-'))
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
  rmSync(dir, { recursive: true, force: true })
})

/** Starts the built agent (fixture over a fake session) and resolves once it serves. */
async function startAgent(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FIXTURE, join(dir, 'agent.sock'), join(dir, 'state', 'audit')], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('serving\n')) resolve()
    })
    child.once('exit', (code, signal) => reject(new Error(`agent exited (${code ?? signal}) before serving: ${stderr}`)))
  })
  return child
}

async function store(): Promise<LimitStore> {
  const client = await connectAgent({ socketPath: join(dir, 'agent.sock'), client: { name: 'proxy', version: '1' }, server: { name: 'files' } })
  clients.push(client)
  return createRemoteLimitStore(client)
}

describe('the agent limit ledger across processes', () => {
  it('gives two clients exactly the limit, and a killed agent\'s successor keeps what was used', async () => {
    const agent = await startAgent()
    const stores = [await store(), await store()]
    const spec = { capacity: 20, windowSeconds: 86_400 }
    const rates = await Promise.all(stores.flatMap((s) => Array.from({ length: 30 }, () => s.consumeRate('rate:default:alice', spec, 1, 0))))
    const budgets = await Promise.all(stores.flatMap((s) => Array.from({ length: 30 }, () => s.chargeBudget('budget:daily:alice', 25, '2026-12-04', 1))))
    expect(rates.filter((r) => r.allowed)).toHaveLength(20)
    expect(budgets.filter((r) => r.allowed)).toHaveLength(25)

    const exited = new Promise((resolve) => agent.once('exit', resolve))
    agent.kill('SIGKILL')
    await exited
    for (const client of clients.splice(0)) client.close()

    await startAgent()
    const after = await store()
    expect(await after.chargeBudget('budget:daily:alice', 25, '2026-12-04', 1)).toMatchObject({ allowed: false, used: 25 })
    expect(await after.consumeRate('rate:default:alice', spec, 1, 0)).toMatchObject({ allowed: false, remaining: 0 })
  })
})
