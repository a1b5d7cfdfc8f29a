/**
 * test/audit-agent.test.ts — the agent's chained audit log with real processes on a real socket: the agent killed
 * with SIGKILL under load loses no acknowledged record and leaves a log that verifies; a proxy killed under load
 * leaves a decision record for every call that reached the server; an unwritable directory or a full disk makes a
 * pipeline through the agent deny; outcome records spooled while the agent was gone are taken in by the next.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPipeline, verifyAuditLog, type AuditRecord, type MessageContext } from '../shared/dist/index.js'
import { connectAgent, createRemoteAuditSink, type AgentClient } from '../desktop/dist/agent/client/index.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/agent-process.mjs', import.meta.url))
const LOAD_PROXY = fileURLToPath(new URL('./fixtures/audit-load-proxy.mjs', import.meta.url))
const runningAsRoot = process.getuid?.() === 0

interface AgentProcess {
  readonly child: ChildProcess
  readonly serving: Promise<void>
  readonly exited: Promise<void>
  stderr(): string
}

let dir: string
let socketPath: string
let auditDir: string
let spoolDir: string
const processes: AgentProcess[] = []
const clients: AgentClient[] = []

function startAgent(): AgentProcess {
  const child = spawn(process.execPath, [FIXTURE, socketPath, auditDir, spoolDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const serving = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (stdout.includes('serving\n')) resolve()
    })
    void exited.then(() => reject(new Error(`the agent exited before serving: ${stderr}`)))
  })
  const started = { child, serving, exited, stderr: () => stderr }
  processes.push(started)
  return started
}

async function connect(): Promise<AgentClient> {
  const client = await connectAgent({ socketPath, client: { name: 'audit-it', version: '1' }, server: { name: 'fs' } })
  clients.push(client)
  return client
}

function record(id: string, kind: AuditRecord['kind'] = 'decision'): AuditRecord {
  return {
    id,
    time: new Date().toISOString(),
    kind,
    direction: kind === 'decision' ? 'to-server' : 'to-client',
    server: 'fs',
    sessionId: 'load',
    method: 'tools/call',
    target: 'read_file',
    requestId: id,
    identity: { issuer: 'https://idp.example.com', subject: 'alice' },
    decision: 'allow',
    reasons: ['engineers-fs'],
    findings: [],
    modifications: [],
    outcome: kind === 'decision' ? 'forwarded' : 'ok',
    latencyMs: 0.5,
  }
}

function loggedIds(): Set<string> {
  const ids = new Set<string>()
  for (const name of readdirSync(auditDir).sort()) {
    for (const line of readFileSync(join(auditDir, name), 'utf8').split('\n')) {
      try {
        const id = (JSON.parse(line) as { id?: unknown }).id
        if (typeof id === 'string') ids.add(id)
      } catch {
        // a torn last line: verifyAuditLog accounts for it
      }
    }
  }
  return ids
}

const toolCall = (): MessageContext => ({
  direction: 'to-server',
  message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: {} } },
  operation: { kind: 'tool', method: 'tools/call', name: 'read_file', arguments: {} },
  session: { server: 'fs', sessionId: 's1', transport: 'stdio' },
  findings: [],
  modifications: [],
  receivedAt: Date.now(),
})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-it-'))
  socketPath = join(dir, 'run', 'agent.sock')
  auditDir = join(dir, 'audit')
  spoolDir = join(dir, 'audit-spool')
})

let mounted: string | undefined

/** A 512 KiB tmpfs at `path`, to fill the disk for real; false where mounting is not allowed (not root, a container). */
function smallDisk(path: string): boolean {
  mkdirSync(path, { recursive: true })
  if (!runningAsRoot || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', path]).status !== 0) return false
  mounted = path
  return true
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  for (const started of processes.splice(0)) {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL')
    await started.exited
  }
  if (mounted !== undefined) spawnSync('umount', [mounted])
  mounted = undefined
  chmodSync(dir, 0o700)
  rmSync(dir, { recursive: true, force: true })
})

describe('the agent as the single audit writer', () => {
  it('killed with SIGKILL under load: every acknowledged append is in the log, which verifies; a new agent continues the chain', async () => {
    const agent = startAgent()
    await agent.serving
    const loaders = await Promise.all([connect(), connect(), connect(), connect()])
    const acknowledged = new Set<string>()
    let failed = 0
    let killed = false
    const KILL_AFTER = 1500
    // 4 clients, 8 appends in flight each, until the agent is gone.
    const lanes = loaders.flatMap((client, c) =>
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = 0; !killed || acknowledged.size < KILL_AFTER; i += 1) {
          const id = `c${c}-l${lane}-${i}`
          try {
            await client.appendAudit(record(id))
            acknowledged.add(id)
            if (acknowledged.size >= KILL_AFTER && !killed) {
              killed = true
              agent.child.kill('SIGKILL')
            }
          } catch {
            failed += 1
            if (killed) return
          }
        }
      }),
    )
    await Promise.all(lanes)
    await agent.exited
    expect(killed).toBe(true)
    expect(failed).toBeGreaterThan(0) // appends were in flight when it died

    const report = await verifyAuditLog(auditDir)
    expect(report.problem).toBeUndefined()
    expect(report.ok).toBe(true)
    expect(report.torn.length).toBeLessThanOrEqual(1)
    const logged = loggedIds()
    expect([...acknowledged].filter((id) => !logged.has(id))).toEqual([])

    const next = startAgent()
    await next.serving
    await (await connect()).appendAudit(record('after-restart'))
    next.child.kill('SIGTERM')
    await next.exited
    const after = await verifyAuditLog(auditDir)
    expect(after).toMatchObject({ ok: true, lastSeq: report.lastSeq + report.torn.length + 1 })
  })

  it('a proxy killed with SIGKILL under load: every call that reached the server has its decision record, and the log verifies', async () => {
    const agent = startAgent()
    await agent.serving
    const serverLog = join(dir, 'server.log')
    const proxy = spawn(process.execPath, [LOAD_PROXY, socketPath, serverLog, spoolDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    const proxyExited = new Promise<void>((resolve) => proxy.once('exit', () => resolve()))
    let proxyErr = ''
    proxy.stderr.setEncoding('utf8').on('data', (chunk: string) => (proxyErr += chunk))
    await new Promise<void>((resolve, reject) => {
      proxy.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve())
      void proxyExited.then(() => reject(new Error(`the load proxy exited: ${proxyErr}`)))
    })
    proxy.kill('SIGKILL')
    await proxyExited

    const reached = readFileSync(serverLog, 'utf8').trim().split('\n')
    expect(reached.length).toBeGreaterThanOrEqual(200)
    // The agent has answered every append it will: stop it, so the log is complete and closed.
    agent.child.kill('SIGTERM')
    await agent.exited
    const decided = new Set<unknown>()
    for (const name of readdirSync(auditDir).sort()) {
      for (const line of readFileSync(join(auditDir, name), 'utf8').trim().split('\n')) {
        const entry = JSON.parse(line) as { kind?: string; requestId?: unknown; outcome?: string }
        if (entry.kind === 'decision' && entry.outcome === 'forwarded') decided.add(entry.requestId)
      }
    }
    expect(reached.filter((id) => !decided.has(id))).toEqual([])
    expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, torn: [] })
  })

  async function expectDenied(): Promise<void> {
    const agent = startAgent()
    await agent.serving
    const client = await connect()
    await expect(client.appendAudit(record('r1'))).rejects.toMatchObject({ message: expect.stringContaining('Cannot write the audit log at') })
    const pipeline = createPipeline({ stages: [], audit: createRemoteAuditSink(client, { spoolDir }) })
    const outcome = await pipeline.process(toolCall())
    expect(outcome.action).toBe('deny')
    expect(outcome.action === 'deny' && outcome.error.message).toBe(
      'MCP Warden could not write its audit log, so this call was blocked. Check the audit directory, or contact your administrator.',
    )
    expect(agent.stderr()).toContain('agent error: Cannot write the audit log at')
  }

  it('when a part of the audit directory\'s path is a file, appends reject and a pipeline through the agent denies', async () => {
    writeFileSync(join(dir, 'audit'), '')
    await expectDenied()
  })

  // root may write to a 0500 directory; the case above and the full disk below run as root too.
  it.skipIf(runningAsRoot)('when the audit directory is read-only, appends reject and a pipeline through the agent denies', async () => {
    mkdirSync(auditDir, { mode: 0o500 })
    await expectDenied()
  })

  it('when the disk is full, appends reject and a pipeline through the agent denies; with room again, the chain goes on', async (context) => {
    if (!smallDisk(auditDir)) {
      context.skip('needs root and permission to mount a tmpfs (the unit tests fake ENOSPC instead)')
      return
    }
    const agent = startAgent()
    await agent.serving
    const client = await connect()
    await client.appendAudit(record('before'))
    // Fill the disk: a filler file as large as the file system lets it be.
    const filler = join(auditDir, 'filler')
    const chunk = Buffer.alloc(4096, 120)
    const fd = openSync(filler, 'w')
    try {
      for (;;) writeSync(fd, chunk)
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
    } finally {
      closeSync(fd)
    }
    // The log's last page may still hold a few lines; the first append that needs a new one fails.
    const accepted = ['before']
    let failure: unknown
    for (let i = 0; i < 64 && failure === undefined; i += 1) {
      await client.appendAudit(record(`fill-${i}`)).then(() => accepted.push(`fill-${i}`), (error: unknown) => (failure = error))
    }
    expect(failure).toMatchObject({ message: expect.stringContaining('the disk is full (ENOSPC)') })
    const pipeline = createPipeline({ stages: [], audit: createRemoteAuditSink(client, { spoolDir }) })
    expect((await pipeline.process(toolCall())).action).toBe('deny')

    unlinkSync(filler)
    await client.appendAudit(record('after'))
    expect([...loggedIds()]).toEqual([...accepted, 'after'])
    expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, entries: accepted.length + 1, torn: [] })
  })

  it('outcome records of forwarded calls survive the agent: spooled by the proxy, taken in by the next agent; new calls fail closed', async () => {
    const agent = startAgent()
    await agent.serving
    const client = await connect()
    const sink = createRemoteAuditSink(client, { spoolDir })
    await sink.append(record('call-1'))
    agent.child.kill('SIGKILL')
    await agent.exited

    await sink.append(record('result-1', 'result'))
    await expect(sink.append(record('call-2'))).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE' })
    expect(readdirSync(spoolDir)).toHaveLength(1)

    const next = startAgent()
    await next.serving
    expect(readdirSync(spoolDir)).toEqual([])
    const entries = readdirSync(auditDir)
      .sort()
      .flatMap((name) => readFileSync(join(auditDir, name), 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.map((e) => e['id'] ?? e['event'])).toEqual(['call-1', 'result-1', 'spool-ingested'])
    expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, entries: 3 })
  })
})
