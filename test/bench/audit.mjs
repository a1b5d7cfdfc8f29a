// `npm run bench`, audit part: what the durable, hash-chained audit log costs. In one run, on the same disk:
//  1. in this process: 10,000 appends at 32 in flight to the chained log (group commit + fdatasync) against a sink
//     that keeps nothing (no audit): throughput, per-append latency, and this process's RSS before and after;
//  2. through a real agent process on its socket: 10,000 `audit.append` calls at 32 in flight against 10,000
//     `session.status` calls (the same round trip without a write): the added per-call latency of the durable
//     write, and the agent's RSS before and after. The agent's log then verifies.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createChainedAuditLog, verifyAuditLog } from '@mcp-warden/core'
import { connectAgent } from '../../desktop/dist/agent/client/index.js'

const CALLS = Number(process.env.BENCH_AUDIT_CALLS ?? 10_000)
const IN_FLIGHT = 32
const FIXTURE = fileURLToPath(new URL('../fixtures/agent-process.mjs', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'warden-bench-audit-'))

const record = (i) => ({
  id: `bench-${i}`,
  time: new Date().toISOString(),
  kind: 'decision',
  direction: 'to-server',
  server: 'everything',
  sessionId: 'bench',
  method: 'tools/call',
  target: 'echo',
  requestId: i,
  identity: { issuer: 'https://id.example.com', subject: 'alice', email: 'alice@example.com' },
  decision: 'allow',
  reasons: ['a'],
  policyRevision: 'bench',
  findings: [{ type: 'EMAIL', path: '/params/arguments/message', action: 'redact' }],
  modifications: ['redacted'],
  outcome: 'forwarded',
  latencyMs: 0.123,
})

/** Runs `call(i)` CALLS times, IN_FLIGHT at once; returns calls/s and latency percentiles (ms). */
async function drive(call) {
  const latencies = new Float64Array(CALLS)
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) {
        const i = next++
        const t = performance.now()
        await call(i)
        latencies[i] = performance.now() - t
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort()
  const at = (q) => latencies[Math.min(CALLS - 1, Math.floor(q * CALLS))].toFixed(2)
  return { perSecond: Math.round(CALLS / seconds), p50: at(0.5), p99: at(0.99) }
}

/** Live heap after a full collection (run with --expose-gc, as `npm run bench` does); NaN without it. */
const heapAfterGc = () => (globalThis.gc === undefined ? NaN : (globalThis.gc(), process.memoryUsage().heapUsed))
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1)
const agentRss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024

function show(name, result, extra = '') {
  console.log(`${name.padEnd(46)} ${String(result.perSecond).padStart(7)} /s   p50 ${result.p50.padStart(6)} ms   p99 ${result.p99.padStart(6)} ms${extra}`)
}

try {
  console.log(`audit: ${CALLS} appends, ${IN_FLIGHT} in flight (Node ${process.version})`)
  // 1. In process.
  const none = await drive(async () => {})
  show('in process, no audit', none)
  const dir = join(scratch, 'in-process')
  const log = createChainedAuditLog({ dir })
  await log.open()
  const heapBefore = heapAfterGc()
  const rssBefore = process.memoryUsage().rss
  const chained = await drive((i) => log.append(record(i)))
  const rssFirst = process.memoryUsage().rss
  const heapFirst = heapAfterGc()
  // A second round: memory that grows with the number of appends would show here.
  const again = await drive((i) => log.append(record(CALLS + i)))
  await log.close()
  show('in process, chained log (group commit + fsync)', chained, `   RSS ${mb(rssBefore)} -> ${mb(rssFirst)} MB`)
  show('  the same, a second round', again, `   RSS -> ${mb(process.memoryUsage().rss)} MB; heap after GC ${mb(heapBefore)} -> ${mb(heapFirst)} -> ${mb(heapAfterGc())} MB`)
  const report = await verifyAuditLog(dir)
  if (!report.ok || report.entries !== 2 * CALLS) throw new Error(`the in-process log did not verify: ${JSON.stringify(report)}`)

  // 2. Through the agent.
  const socketPath = join(scratch, 'run', 'agent.sock')
  const agentDir = join(scratch, 'agent-audit')
  const agent = spawn(process.execPath, [FIXTURE, socketPath, agentDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve, reject) => {
    agent.stdout.setEncoding('utf8').on('data', (chunk) => chunk.includes('serving') && resolve())
    agent.once('exit', (code) => reject(new Error(`the agent exited with ${code}`)))
  })
  const client = await connectAgent({ socketPath, client: { name: 'bench', version: '1' }, server: { name: 'everything' } })
  await drive(() => client.sessionStatus()) // warm-up
  const agentBefore = agentRss(agent.pid)
  const roundTrip = await drive(() => client.sessionStatus())
  show('agent: session.status (round trip, no audit)', roundTrip)
  const appended = await drive((i) => client.appendAudit(record(i)))
  const added = (Number(appended.p50) - Number(roundTrip.p50)).toFixed(2)
  show('agent: audit.append (durable)', appended, `   +${added} ms p50; agent RSS ${mb(agentBefore)} -> ${mb(agentRss(agent.pid))} MB`)
  client.close()
  agent.kill('SIGTERM')
  await new Promise((resolve) => agent.once('exit', resolve))
  const agentReport = await verifyAuditLog(agentDir)
  if (!agentReport.ok || agentReport.entries !== CALLS) throw new Error(`the agent's log did not verify: ${JSON.stringify(agentReport)}`)
  console.log(`both logs verify: ${report.entries} and ${agentReport.entries} entries`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
