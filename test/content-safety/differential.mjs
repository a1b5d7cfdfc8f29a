#!/usr/bin/env node
// test/content-safety/differential.mjs — do two builds of the detectors find exactly the same things?
//
//   npx tsc -b && node test/content-safety/differential.mjs --base DIR [--core DIR] [--show N]
//
// A speed change must not change a single finding. This runs `scanJson` of two builds of the core package (--base:
// a directory holding dist/index.js, e.g. a copy of main's shared/dist with a package.json of {"type":"module"} and
// node_modules beside it; --core: the build to check, default the workspace's) over the same values and compares
// every finding (type, path, span, inKey). The values, all made from the labelled corpus with a fixed seed:
//   - every case's arguments as they are;
//   - every string of the corpus alone, under its own member name and under none;
//   - every string cut into 2–5 pieces at random points, as array elements and as object members, and with
//     ordinary neighbours around the pieces (how split values arrive);
//   - strings with random edits (a character inserted, removed or replaced; digits changed; case flipped);
//   - random substrings, and pairs and triples of corpus strings as adjacent siblings;
//   - ordinary tool arguments of the kind the benchmark uses (paths, queries, versions, ids, tags).
// Prints how many values and findings were compared and every difference (the first --show of them, default 20);
// exits 1 when there is one.
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const argv = process.argv.slice(2)
const option = (name) => {
  const index = argv.indexOf(name)
  return index >= 0 ? argv[index + 1] : undefined
}
const baseDir = option('--base')
if (baseDir === undefined) {
  console.error('usage: node test/content-safety/differential.mjs --base DIR [--core DIR] [--show N]')
  process.exit(2)
}
const load = async (dir) => (await import(dir === undefined ? '@mcp-warden/core' : pathToFileURL(resolve(dir, 'dist/index.js')).href)).scanJson
const scanBase = await load(baseDir)
const scanCore = await load(option('--core'))
const show = Number(option('--show') ?? 20)

// mulberry32: seeded, and its low bits are as random as its high ones (a plain LCG's cycle in `% n`).
let seed = 20261204
const rand = (n) => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
}
const pick = (list) => list[rand(list.length)]

const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url))
const cases = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.jsonl'))
  .flatMap((name) => readFileSync(corpusDir + name, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).args))

/** Every string (values and member names) of a JSON value, with the member name it sits under. */
function stringsOf(value, key, out) {
  if (typeof value === 'string') out.push({ text: value, key })
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, key, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      out.push({ text: name, key })
      stringsOf(item, name, out)
    }
  }
  return out
}
const strings = cases.flatMap((args) => stringsOf(args, undefined, []))
const ordinary = ['deploy', 'v1.4.2', 'src/index.ts', 'main', '42', 'true', 'weekly report', '4f9c2a1168', 'en-US', 'https://example.com/a']

function cut(text, pieces) {
  const points = new Set()
  while (points.size < Math.min(pieces - 1, text.length - 1)) points.add(1 + rand(text.length - 1))
  const sorted = [...points].sort((a, b) => a - b)
  const parts = []
  let from = 0
  for (const point of [...sorted, text.length]) {
    parts.push(text.slice(from, point))
    from = point
  }
  return parts
}

const EDIT_CHARS = ['0', '7', 'a', 'Z', '-', '.', ' ', '@', '/', '_', '=', ':', '\u200b', '\uff11', '%', '+']
function edit(text) {
  const at = rand(text.length + 1)
  switch (rand(5)) {
    case 0:
      return text.slice(0, at) + pick(EDIT_CHARS) + text.slice(at)
    case 1:
      return text.slice(0, at) + text.slice(at + 1)
    case 2:
      return text.slice(0, at) + pick(EDIT_CHARS) + text.slice(at + 1)
    case 3:
      return text.replace(/[0-9]/g, (digit) => (rand(4) === 0 ? String(rand(10)) : digit))
    default:
      return text.replace(/[A-Za-z]/g, (letter) => (rand(3) === 0 ? letter.toUpperCase() : letter.toLowerCase()))
  }
}

const values = []
for (const args of cases) values.push(args)
for (const { text, key } of strings) {
  values.push(text, { [key ?? 'value']: text })
  for (let pieces = 2; pieces <= 5 && pieces <= text.length; pieces += 1) {
    const parts = cut(text, pieces)
    values.push(parts, Object.fromEntries(parts.map((part, index) => [`f${index}`, part])))
    values.push({ [key ?? 'items']: [pick(ordinary), ...parts, pick(ordinary)] })
  }
  for (let i = 0; i < 3; i += 1) values.push({ [key ?? 'value']: edit(text) })
  const from = rand(text.length)
  values.push(text.slice(from, from + 1 + rand(40)))
  values.push([text, pick(strings).text], { a: pick(strings).text, b: text, c: pick(strings).text })
}
for (let i = 0; i < 2000; i += 1) {
  values.push({
    path: `/home/dev/${pick(ordinary)}/${pick(ordinary)}`,
    options: { ref: `v1.${rand(20)}.${rand(10)}`, id: `4f9c2a${rand(1_000_000)}`, limit: rand(500) },
    tags: [pick(ordinary), pick(ordinary), pick(ordinary)],
  })
}

let findings = 0
let differences = 0
for (const value of values) {
  const before = JSON.stringify(scanBase(value))
  const after = JSON.stringify(scanCore(value))
  findings += JSON.parse(before).length
  if (before === after) continue
  differences += 1
  if (differences <= show) console.log(`difference on ${JSON.stringify(value).slice(0, 300)}\n  base: ${before}\n  core: ${after}`)
}
console.log(`${values.length} values, ${findings} findings in the base build: ${differences} values found differently`)
process.exit(differences === 0 ? 0 : 1)
