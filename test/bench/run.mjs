// `npm run bench`: the proxy's cost, measured in one run against baselines on the same machine.
//
// Sequential tools/call latency (median and p99) on server-everything's echo tool: direct, through a bare relay
// (our bridge with zero stages) and through the governed proxy (all five concerns, file audit); then throughput
// with 32 calls in flight. Five rounds; within a round the modes take turns every 20 calls; figures are medians
// over rounds. Targets (issue 2): governed
// adds at most 10% to the bare relay's per-call time, and its median stays under 1.8x direct.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { startDevIdp } from '../../desktop/dist/demo/dev-idp.js'
import { signInWithDeviceFlow } from '../../desktop/dist/demo/device-sign-in.js'

const require = createRequire(import.meta.url)
const SERVER = require.resolve('@modelcontextprotocol/server-everything/dist/index.js')
const CLI = fileURLToPath(new URL('../../desktop/bin/mcp-warden.js', import.meta.url))
const BARE = fileURLToPath(new URL('./bare-relay.mjs', import.meta.url))

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1000)
const PARALLEL_CALLS = Number(process.env.BENCH_PARALLEL_CALLS ?? 2000)
const IN_FLIGHT = 32
const CHUNK = 20
/** BENCH_PROFILE_DIR=dir writes V8 CPU profiles of the relay and the proxy there (open them in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []

const POLICY = `version: 1
revision: bench-1
defaults:
  content: { action: redact, types: { CREDIT_CARD: block } }
  rateLimits: [ { id: bench, scope: user-tool, capacity: 1000000, windowSeconds: 1 } ]
  budgets: [ { id: bench-budget, scope: user, limit: 100000000, period: day } ]
rules:
  - id: bench
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo]
`

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5)

const pids = new Map()

async function connect(command, args, env) {
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} })
  const transport = new StdioClientTransport({ command, args, env, stderr: 'ignore' })
  await client.connect(transport)
  pids.set(client, transport.pid)
  return client
}

/** Nanoseconds a process (all its threads) has spent on a CPU: scheduling noise does not enter this figure. */
function cpuNs(pid) {
  let total = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  return total
}
const canReadCpu = existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`)

const echo = (client, i) => client.callTool({ name: 'echo', arguments: { message: `benchmark message number ${i}, with some ordinary text` } })

/** Sequential calls in small interleaved chunks, so drift in the machine's state hits every mode alike. */
async function sequentialInterleaved(modes, order) {
  const times = Object.fromEntries(order.map((mode) => [mode, []]))
  for (let done = 0; done < SEQUENTIAL; done += CHUNK) {
    for (const mode of order) {
      for (let i = 0; i < CHUNK; i++) {
        const start = performance.now()
        const result = await echo(modes[mode], done + i)
        times[mode].push(performance.now() - start)
        if (result.isError) throw new Error(`call failed: ${JSON.stringify(result)}`)
      }
    }
  }
  for (const mode of order) times[mode].sort((a, b) => a - b)
  return times
}

async function parallel(client) {
  let next = 0
  const start = performance.now()
  const worker = async () => {
    while (next < PARALLEL_CALLS) {
      const result = await echo(client, next++)
      if (result.isError) throw new Error(`call failed: ${JSON.stringify(result)}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return PARALLEL_CALLS / ((performance.now() - start) / 1000)
}

const dir = await mkdtemp(join(tmpdir(), 'warden-bench-'))
const idp = await startDevIdp()
try {
  const tokens = await signInWithDeviceFlow({
    issuer: idp.issuer,
    clientId: idp.clientId,
    scope: 'openid email profile groups',
    allowInsecureHttp: true,
    onUserCode: (code) => idp.approveDevice(code, 'alice'),
  })
  await writeFile(join(dir, 'policy.yaml'), POLICY)
  await writeFile(join(dir, 'proxy.yaml'), `identity: { issuer: "${idp.issuer}", audience: "${idp.clientId}" }\npolicy: { file: ./policy.yaml }\naudit: { file: ./audit.jsonl }\n`)
  const env = { ...process.env, MCP_WARDEN_TOKEN: tokens.idToken }
  const modes = {
    direct: await connect(process.execPath, [SERVER, 'stdio'], env),
    bare: await connect(process.execPath, [...PROFILE, BARE, process.execPath, SERVER, 'stdio'], env),
    governed: await connect(process.execPath, [...PROFILE, CLI, 'proxy', '--config', join(dir, 'proxy.yaml'), '--name', 'everything', '--log-level', 'error', '--', process.execPath, SERVER, 'stdio'], env),
  }
  for (const client of Object.values(modes)) for (let i = 0; i < 200; i++) await echo(client, i) // warm-up
  const results = Object.fromEntries(Object.keys(modes).map((mode) => [mode, { medians: [], p99s: [], throughputs: [], cpu: [] }]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = Object.keys(modes)
    if (round % 2 === 1) order.reverse()
    const before = canReadCpu ? Object.fromEntries(['bare', 'governed'].map((mode) => [mode, cpuNs(pids.get(modes[mode]))])) : {}
    const times = await sequentialInterleaved(modes, order)
    if (canReadCpu) for (const mode of ['bare', 'governed']) results[mode].cpu.push((cpuNs(pids.get(modes[mode])) - before[mode]) / SEQUENTIAL / 1000)
    for (const mode of order) {
      results[mode].medians.push(quantile(times[mode], 0.5))
      results[mode].p99s.push(quantile(times[mode], 0.99))
    }
    for (const mode of order) results[mode].throughputs.push(await parallel(modes[mode]))
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`)
  }
  for (const client of Object.values(modes)) await client.close()

  const summary = Object.fromEntries(
    Object.entries(results).map(([mode, r]) => [mode, { median: median(r.medians), p99: median(r.p99s), throughput: median(r.throughputs), cpu: r.cpu.length > 0 ? median(r.cpu) : undefined }]),
  )
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`
  console.log(`\nMCP Warden proxy benchmark — server-everything echo, ${ROUNDS} rounds × ${SEQUENTIAL} sequential calls (modes alternating every ${CHUNK}), ${PARALLEL_CALLS} calls at ${IN_FLIGHT} in flight`)
  console.log(`Node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`)
  console.log('mode       median     p99        throughput (calls/s, 32 in flight)   CPU per call in the relay/proxy')
  for (const [mode, s] of Object.entries(summary)) {
    const cpu = s.cpu === undefined ? '' : `${s.cpu.toFixed(1)} µs`
    console.log(`${mode.padEnd(10)} ${us(s.median).padEnd(10)} ${us(s.p99).padEnd(10)} ${s.throughput.toFixed(0).padEnd(36)} ${cpu}`)
  }
  const addedOverBare = summary.governed.median / summary.bare.median - 1
  const overDirect = summary.governed.median / summary.direct.median
  console.log(`\ngoverned vs bare relay: +${(addedOverBare * 100).toFixed(1)}% per call (target ≤ 10%)  ${addedOverBare <= 0.1 ? 'MET' : 'MISSED'}`)
  console.log(`governed vs direct:     ${overDirect.toFixed(2)}× median (target < 1.8×)  ${overDirect < 1.8 ? 'MET' : 'MISSED'}`)
  if (summary.governed.cpu !== undefined) {
    console.log(`CPU per call: governed proxy ${summary.governed.cpu.toFixed(1)} µs vs bare relay ${summary.bare.cpu.toFixed(1)} µs (+${((summary.governed.cpu / summary.bare.cpu - 1) * 100).toFixed(0)}%)`)
  }
  console.log(`throughput governed/direct: ${(summary.governed.throughput / summary.direct.throughput).toFixed(2)}, governed/bare: ${(summary.governed.throughput / summary.bare.throughput).toFixed(2)}`)
} finally {
  await idp.close()
  await rm(dir, { recursive: true, force: true })
}
