// `npm run bench`, part 2: what the governance pipeline costs inside one process, with no I/O between the
// stages but the audit sink, and one policy decision on a large policy. Explains the proxy's added latency.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { classifyMessage, createFileAuditSink, createMemoryLimitStore, createStandardPipeline, evaluatePolicy, parsePolicy } from '@mcp-warden/core'

const CALLS = Number(process.env.BENCH_PIPELINE_CALLS ?? 50_000)
const identity = { issuer: 'https://id.example.com', subject: 'alice', email: 'alice@example.com', emailVerified: true, groups: ['engineering'], claims: {} }
const session = { server: 'everything', sessionId: 'bench', transport: 'stdio' }

const policy = parsePolicy(`version: 1
revision: bench
defaults:
  rateLimits: [ { id: r, scope: user-tool, capacity: 100000000, windowSeconds: 1 } ]
  budgets: [ { id: b, scope: user, limit: 1000000000, period: day } ]
rules:
  - { id: a, effect: allow, subjects: { groups: [engineering] }, servers: [everything], tools: [echo] }
`)

async function perCall(audit) {
  const pipeline = createStandardPipeline({ resolveToken: () => 'token', verifier: { verify: async () => identity }, policy, limitStore: createMemoryLimitStore(), audit })
  const call = async (i) => {
    const request = { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'echo', arguments: { message: `benchmark message number ${i}, with some ordinary text` } } }
    const decided = await pipeline.process({ direction: 'to-server', message: request, operation: classifyMessage(request, 'to-server'), session, findings: [], modifications: [], receivedAt: Date.now() })
    const response = { jsonrpc: '2.0', id: i, result: { content: [{ type: 'text', text: 'Echo: benchmark message' }] } }
    await pipeline.process({ direction: 'to-client', message: response, operation: { kind: 'response', of: decided.context.operation }, request, requestDecision: decided.context.decision, requestReceivedAt: Date.now(), session, findings: [], modifications: [], receivedAt: Date.now() })
  }
  for (let i = 0; i < 10_000; i++) await call(i)
  const start = performance.now()
  for (let i = 0; i < CALLS; i++) await call(i)
  return ((performance.now() - start) / CALLS) * 1000
}

function largePolicy() {
  const rules = []
  for (let i = 0; i < 1000; i++) {
    const wildcard = i % 2 === 0
    rules.push(`  - id: r${i}
    effect: ${i % 10 === 0 ? 'deny' : 'allow'}
    subjects: { groups: [team-${i % 40}] }
    servers: [${wildcard ? `"srv-${i % 50}*"` : `srv-${i % 50}`}]
    tools: [${wildcard ? `"tool_${i}_*"` : `tool_${i}`}]${wildcard ? `
    when: { path: { prefix: "/data/${i}/" }, count: { range: { min: 0, max: ${i} } } }` : ''}`)
  }
  return parsePolicy(`version: 1\nrevision: big\nrules:\n${rules.join('\n')}\n`)
}

function decisionMedian(big) {
  const who = { ...identity, groups: ['team-7', 'team-12'] }
  const operations = Array.from({ length: 1000 }, (_, i) => ({ kind: 'tool', method: 'tools/call', name: i % 2 === 0 ? `tool_${i}_read` : `tool_${i}`, arguments: { path: `/data/${i}/x`, count: 1 } }))
  const samples = []
  for (let round = 0; round < 200; round++) {
    const start = performance.now()
    for (let i = 0; i < operations.length; i++) evaluatePolicy(big, { identity: who, server: `srv-${i % 50}x`, operation: operations[i] })
    samples.push(((performance.now() - start) / operations.length) * 1000)
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]
}

const file = join(tmpdir(), `warden-bench-audit-${process.pid}.jsonl`)
try {
  const none = await perCall({ append() {} })
  const withFile = await perCall(createFileAuditSink(file))
  console.log(`\nGovernance pipeline in process (${CALLS} calls, request + response each):`)
  console.log(`  without audit          ${none.toFixed(1)} µs per call`)
  console.log(`  with the file audit    ${withFile.toFixed(1)} µs per call (two records: decision and result)`)
  console.log(`Policy decision, 1,000 rules (half wildcard with argument conditions): median ${decisionMedian(largePolicy()).toFixed(2)} µs (target < 20 µs)`)
} finally {
  rmSync(file, { force: true })
}
