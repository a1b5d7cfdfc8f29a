// `npm run bench`, part 3: the content-safety detector's speed (issue targets: ≥ 50 MB/s on a realistic mix of
// tool arguments, a 1 MB string of prose with scattered PII in < 50 ms) and its hostile-input bounds.
//
//   node test/bench/content-safety.mjs [--core DIR]
//
// --core measures another build of the core package (a directory holding dist/index.js, e.g. a copy of main's
// dist), so a change can be compared with its baseline in the same minute on a shared machine.
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const coreIndex = process.argv.indexOf('--core')
const coreModule = coreIndex >= 0 ? pathToFileURL(resolve(process.argv[coreIndex + 1], 'dist/index.js')).href : '@mcp-warden/core'
const { scanJson } = await import(coreModule)

const corpusDir = fileURLToPath(new URL('../content-safety/corpus/', import.meta.url))
const cases = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.jsonl'))
  .flatMap((name) => readFileSync(corpusDir + name, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).args))
const bytes = cases.reduce((sum, args) => sum + Buffer.byteLength(JSON.stringify(args)), 0)

function bestOf(runs, work) {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    work()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

/**
 * Ordinary tool arguments (paths, queries, messages, ids, flags), one in ten carrying PII or a secret, parsed from
 * JSON text as the proxy and the SDK receive them (strings built here with template literals would be V8 cons
 * strings, which every pass over them reads through an indirection).
 */
function realisticMix(count) {
  const words = ['deploy', 'the', 'report', 'for', 'customer', 'orders', 'weekly', 'summary', 'fix', 'build', 'review', 'merge', 'branch', 'release', 'notes']
  const sensitive = ['contact ada.lovelace@example.org', 'card 4111 1111 1111 1111', 'token ghp_' + 'Ab3'.repeat(12), 'ssn: 123-45-6789', '+44 7700 900958']
  let seed = 7
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n)
  const sentence = (n) => Array.from({ length: n }, () => words[rand(words.length)]).join(' ')
  const values = Array.from({ length: count }, (_, i) => ({
    path: `/home/dev/projects/app/src/${words[rand(words.length)]}/${words[rand(words.length)]}.ts`,
    query: `SELECT id, status, total FROM orders WHERE status = '${words[rand(words.length)]}' LIMIT ${rand(100)}`,
    message: i % 10 === 0 ? `${sentence(6)} ${sensitive[rand(sensitive.length)]} ${sentence(4)}` : sentence(12),
    options: { recursive: rand(2) === 1, limit: rand(500), ref: `v1.${rand(20)}.${rand(10)}`, id: `4f9c2a${rand(1_000_000)}` },
    tags: [words[rand(words.length)], words[rand(words.length)]],
  }))
  return values.map((value) => JSON.parse(JSON.stringify(value)))
}
const mix = realisticMix(20_000)
const mixBytes = mix.reduce((sum, args) => sum + Buffer.byteLength(JSON.stringify(args)), 0)
for (const args of mix) scanJson(args) // warm-up
// The walk alone (no detectors: every string and key visited, nothing run on them), measured in the same run, so
// the ratio says what detection costs on top of walking the value, whatever else the machine is doing.
const noDetectors = Object.freeze([])
for (const args of mix) scanJson(args, { detectors: noDetectors })
let walkMs = Infinity
let mixMs = Infinity
for (let round = 0; round < 7; round++) {
  walkMs = Math.min(walkMs, bestOf(1, () => { for (const args of mix) scanJson(args, { detectors: noDetectors }) }))
  mixMs = Math.min(mixMs, bestOf(1, () => { for (const args of mix) scanJson(args) }))
}
const denseMs = bestOf(5, () => { for (const args of cases) scanJson(args) })

const sentence = 'The quarterly review covers onboarding, the migration plan and the open questions from the last sync. '
const pii = ['write to ada.lovelace@example.org', 'card 4111 1111 1111 1111', 'SSN 123-45-6789', 'call +1 415 555 0134', 'IBAN GB82 WEST 1234 5698 7654 32']
let prose = ''
for (let i = 0; prose.length < 1_000_000; i++) prose += i % 20 === 19 ? `${pii[i % pii.length]}. ` : sentence
prose = prose.slice(0, 1_000_000)
scanJson({ text: prose })
const proseMs = bestOf(5, () => scanJson({ text: prose }))

let deep = 'x'
for (let i = 0; i < 10_000; i++) deep = [deep]
const deepMs = bestOf(3, () => scanJson(deep))
const big = 'a@'.repeat(2_500_000) + ' 4111-1111-1111-1111 ' + '9'.repeat(5_000_000)
const bigMs = bestOf(1, () => scanJson({ big }))

console.log('\nContent safety:')
const mbPerS = (ms) => (mixBytes / 1e6 / (ms / 1000)).toFixed(0)
console.log(`  realistic mix: ${mix.length} tool-argument objects (one in ten with PII), ${(mixBytes / 1e6).toFixed(1)} MB: ${mbPerS(mixMs)} MB/s (target ≥ 50)`)
console.log(`    same run, the walk alone (no detectors): ${mbPerS(walkMs)} MB/s; full scan / walk = ${(mixMs / walkMs).toFixed(1)}×`)
console.log(`  the labelled corpus (dense: 61% of cases hold PII or secrets, many evasions), ${(bytes / 1e6).toFixed(2)} MB: ${(bytes / 1e6 / (denseMs / 1000)).toFixed(1)} MB/s`)
console.log(`  1 MB of prose with scattered PII: ${proseMs.toFixed(1)} ms (target < 50 ms)`)
console.log(`  hostile: 10,000 levels of nesting ${deepMs.toFixed(1)} ms; a 10 MB pathological string ${bigMs.toFixed(0)} ms`)
