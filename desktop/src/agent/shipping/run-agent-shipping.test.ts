import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peekCheckpoint, verifyAuditLog, verifyCheckpoint, type AuditRecord, type SignedCheckpoint } from '@mcp-warden/core'
import { loadDeviceSigningKey } from '../audit/device-signing-key.js'
import { createMemorySecretStore } from '../secrets/memory-secret-store.js'
import type { ChainedEntry } from './otlp.js'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { connectAgent } from '../client/agent-client.js'
import { runAgent } from '../run-agent.js'
import type { AgentSession } from '../session/agent-session.js'

const status = { state: 'signed-in', user: { issuer: 'https://idp.example.com', subject: 'alice' }, idTokenExpiresAt: 2e9, refreshable: true } as const

/** A finding as a proxy with the organisation's finding hash key records it. */
const FINDING = { type: 'EMAIL', path: '/to', action: 'redact', hash: 'q1w2e3r4t5y6u7i8o9p0aa' } as const

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-agent-ship-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

it('runAgent ships what proxies append to the collector, with a token for the collector, and stops with the agent', async () => {
  const received: Array<{ authorization: string | undefined; ids: string[]; findings: unknown[] }> = []
  let arrived: () => void = () => undefined
  const arrival = new Promise<void>((resolve) => (arrived = resolve))
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: Array<{ id: string; findings?: unknown }> }
      received.push({ authorization: request.headers.authorization, ids: body.records.map((entry) => entry.id), findings: body.records.map((entry) => entry.findings) })
      response.writeHead(200).end()
      arrived()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`
  const audiences: string[] = []
  const session: AgentSession = {
    status: async () => status,
    reload: async () => status,
    idToken: async () => ({ token: 'id-1', expiresAt: 2e9 }),
    upstreamToken: async (resource) => {
      audiences.push(resource)
      return { token: 'audit-token', expiresAt: 2e9 }
    },
  }
  const stop = new AbortController()
  const agent = await runAgent({
    socketPath: join(dir, 'agent.sock'),
    session,
    audit: { dir: join(dir, 'state', 'audit') },
    shipping: { url, token: async () => (await session.upstreamToken(url)).token, pollMs: 10 },
    version: '1.2.3',
    signal: stop.signal,
  })
  const client = await connectAgent({ socketPath: join(dir, 'agent.sock'), client: { name: 'test', version: '1' }, server: { name: 'fs' } })
  const id = randomUUID()
  await client.appendAudit({ id, time: new Date().toISOString(), kind: 'decision', direction: 'to-server', server: 'fs', sessionId: 's', method: 'tools/call', identity: null, decision: 'allow', reasons: [], findings: [FINDING], modifications: ['redacted'], outcome: 'forwarded', latencyMs: 1 } as AuditRecord)
  await arrival
  client.close()
  stop.abort()
  await agent.stopped
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  expect(received.flatMap((batch) => batch.ids)).toContain(id)
  expect(received[0]?.authorization).toBe('Bearer audit-token')
  // The keyed hash of a finding goes over the agent's socket into the log and on to the collector.
  expect(received.flatMap((batch) => batch.findings)).toContainEqual([FINDING])
  expect(new Set(audiences)).toEqual(new Set([url]))
})

it('runAgent keeps audit files past the retention cap while the collector does not have them, and deletes them once shipped', async () => {
  let up = false
  const shipped = new Set<string>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (!up) return void response.writeHead(503).end()
      for (const entry of (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: Array<{ id: string }> }).records) shipped.add(entry.id)
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`
  const warnings: string[] = []
  const stop = new AbortController()
  const auditDir = join(dir, 'state', 'audit')
  const agent = await runAgent({
    socketPath: join(dir, 'agent.sock'),
    session: { status: async () => status, reload: async () => status, idToken: async () => ({ token: 'id', expiresAt: 2e9 }), upstreamToken: async () => ({ token: 't', expiresAt: 2e9 }) },
    // One record per file, at most one file kept.
    audit: { dir: auditDir, maxFileBytes: 200, maxFiles: 1, onWarning: (message) => warnings.push(message) },
    shipping: { url, token: async () => 't', pollMs: 10, backoff: { initialMs: 10, maxMs: 20 } },
    version: '1.2.3',
    signal: stop.signal,
  })
  const client = await connectAgent({ socketPath: join(dir, 'agent.sock'), client: { name: 'test', version: '1' }, server: { name: 'fs' } })
  const append = async (): Promise<string> => {
    const id = randomUUID()
    await client.appendAudit({ id, time: new Date().toISOString(), kind: 'decision', direction: 'to-server', server: 'fs', sessionId: 's', method: 'tools/call', identity: null, decision: 'allow', reasons: [], findings: [], modifications: [], outcome: 'forwarded', latencyMs: 1 } as AuditRecord)
    return id
  }
  const ids = [await append(), await append(), await append(), await append()]
  expect(readdirSync(auditDir).filter((name) => name.endsWith('.jsonl'))).toHaveLength(4)
  expect(warnings.at(-1)).toContain('are kept because they are not shipped to the collector yet')
  up = true
  await vi.waitFor(() => expect(ids.every((id) => shipped.has(id))).toBe(true), { timeout: 5000, interval: 10 })
  // The next rotation deletes what was shipped; the file the cursor is in and the new one stay.
  await vi.waitFor(async () => {
    await append()
    expect(readdirSync(auditDir).filter((name) => name.endsWith('.jsonl')).length).toBeLessThanOrEqual(2)
  }, { timeout: 5000, interval: 50 })
  client.close()
  stop.abort()
  await agent.stopped
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

it('runAgent signs the chain head now and then, keeps the checkpoints beside the log and ships them after the entries they name', async () => {
  const bodies: Array<{ records: ChainedEntry[]; checkpoints: SignedCheckpoint[] }> = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof bodies)[number])
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`
  const secrets = createMemorySecretStore()
  const stop = new AbortController()
  const auditDir = join(dir, 'state', 'audit')
  const agent = await runAgent({
    socketPath: join(dir, 'agent.sock'),
    session: { status: async () => status, reload: async () => status, idToken: async () => ({ token: 'id', expiresAt: 2e9 }), upstreamToken: async () => ({ token: 't', expiresAt: 2e9 }) },
    audit: { dir: auditDir },
    shipping: { url, token: async () => 't', pollMs: 10 },
    checkpoints: { key: () => loadDeviceSigningKey(secrets), intervalMs: 20 },
    version: '1.2.3',
    signal: stop.signal,
  })
  const client = await connectAgent({ socketPath: join(dir, 'agent.sock'), client: { name: 'test', version: '1' }, server: { name: 'fs' } })
  for (let i = 0; i < 3; i += 1) {
    await client.appendAudit({ id: randomUUID(), time: new Date().toISOString(), kind: 'decision', direction: 'to-server', server: 'fs', sessionId: 's', method: 'tools/call', identity: null, decision: 'allow', reasons: [], findings: [], modifications: [], outcome: 'forwarded', latencyMs: 1 } as AuditRecord)
  }
  await vi.waitFor(() => expect(bodies.some((body) => body.checkpoints.some((c) => peekCheckpoint(c)?.seq === 3))).toBe(true), { timeout: 5000, interval: 10 })
  client.close()
  stop.abort()
  await agent.stopped
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  const shipped = new Map<number, string>()
  for (const body of bodies) {
    for (const record of body.records) shipped.set(record.seq, record.hash)
    for (const checkpoint of body.checkpoints) {
      // Each checkpoint verifies with the key it carries, and names an entry the collector already has, with its hash.
      const { kid, claims } = await verifyCheckpoint(checkpoint)
      expect(kid).toBe((await loadDeviceSigningKey(secrets)).kid)
      expect(shipped.get(claims.seq)).toBe(claims.hash)
    }
  }
  expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, lastSeq: 3, checkpoints: { checked: expect.any(Number) } })
})
