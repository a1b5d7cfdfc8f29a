// `npm run bench`, checkpoints and keyed hashes: what the tamper anchor and the finding hashes cost.
//  1. signing one checkpoint (Ed25519 compact JWS), and appending it to checkpoints.jsonl with its fdatasync;
//  2. verifying one checkpoint as a collector does (thumbprint, header, signature);
//  3. the content-safety stage on a tool call with one email address, without and with findingHashKey.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendCheckpoint, checkpointSigningKey, contentSafetyStage, generateCheckpointJwk, verifyCheckpoint } from '@mcp-warden/core'

const scratch = mkdtempSync(join(tmpdir(), 'warden-bench-checkpoint-'))

/** Median and p99 of `runs` timings of `task`, in microseconds. */
async function measure(runs, task) {
  const times = []
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint()
    await task(i)
    times.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(runs / 2)], p99: times[Math.floor(runs * 0.99)] }
}

const show = (name, { median, p99 }) => console.log(`${name.padEnd(48)} median ${median.toFixed(1).padStart(8)} µs   p99 ${p99.toFixed(1).padStart(8)} µs`)

try {
  const key = await checkpointSigningKey(generateCheckpointJwk())
  const claims = (i) => ({ seq: i + 1, file: 'audit-20261204-001.jsonl', hash: 'ab'.repeat(32), time: new Date().toISOString() })
  show('sign a checkpoint', await measure(2000, (i) => key.sign(claims(i))))
  const signed = await key.sign(claims(0))
  show('verify a checkpoint (collector)', await measure(2000, () => verifyCheckpoint(signed)))
  show('sign + append + fdatasync a checkpoint', await measure(300, async (i) => appendCheckpoint(scratch, await key.sign(claims(i)))))

  const args = { message: 'please write to ada@example.org about the invoice' }
  const context = {
    direction: 'to-server',
    message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: args } },
    operation: { kind: 'tool', method: 'tools/call', name: 'echo', arguments: args },
    session: { server: 'bench', sessionId: 's', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 0,
    decision: { effect: 'allow', ruleIds: ['r'], obligations: { defaultContentAction: 'redact' } },
  }
  const plain = contentSafetyStage()
  const keyed = contentSafetyStage({ findingHashKey: Buffer.alloc(32, 1) })
  for (let i = 0; i < 2000; i += 1) {
    plain.process(context)
    keyed.process(context)
  }
  show('content safety, one email, no finding key', await measure(20000, () => plain.process(context)))
  show('content safety, one email, with finding key', await measure(20000, () => keyed.process(context)))
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
