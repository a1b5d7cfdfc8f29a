#!/usr/bin/env node
// test/content-safety/score.mjs — measures the content-safety detectors against the labelled corpus.
//
//   npx tsc -b && node test/content-safety/score.mjs [--json] [--errors] [--corpus DIR] [--core DIR]
//
// --json prints a machine-readable summary (with --errors, the error list too); --errors lists every false positive
// and false negative with case id, type, path and value; --corpus reads another directory of .jsonl files; --core
// scores another build of the core package (a directory holding dist/index.js, e.g. a checkout of an older commit).
//
// Runs `scanJson` from the built @mcp-warden/core over every case's `args` with the default detectors, matches
// findings to labels and prints per-type precision, recall, TP/FP/FN, overall precision and recall, evasion recall
// and the false-positive rate on clean cases. A measurement, not a test: it always exits 0.
//
// Matching (README.md beside this file): a finding matches a label when the type, the path and "in a member name"
// agree and the spans overlap (finding.start < label.end && label.start < finding.end). A label is a true positive
// when some finding matches it; the fragments of a split value (labels sharing a `group`) count as one label, found
// only when every fragment is matched. A finding that matches no label is a false positive of its own type; extra
// findings on an already-found label are not counted either way.
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { labelSpans, loadCorpus, textAt } from './labels.mjs'

const argv = process.argv.slice(2)
const wantJson = argv.includes('--json')
const wantErrors = argv.includes('--errors')
const corpusIndex = argv.indexOf('--corpus')
const corpusDir = corpusIndex >= 0 ? argv[corpusIndex + 1] : fileURLToPath(new URL('./corpus', import.meta.url))
const coreIndex = argv.indexOf('--core')
const coreModule = coreIndex >= 0 ? pathToFileURL(resolve(argv[coreIndex + 1], 'dist/index.js')).href : '@mcp-warden/core'

const ratio = (num, den) => (den === 0 ? null : num / den)
const fmt = (value) => (value === null ? '   -  ' : value.toFixed(3).padStart(6))
const show = (value, max = 100) => {
  const text = JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 4)}…"` : text
}

async function main() {
  let core
  try {
    core = await import(coreModule)
  } catch (error) {
    console.error(`cannot load ${coreModule} (run \`npx tsc -b\` first): ${error.message}`)
    return
  }
  const { scanJson, ENTITY_TYPES } = core
  const cases = loadCorpus(corpusDir)

  const stats = new Map(ENTITY_TYPES.map((type) => [type, { labels: 0, tp: 0, fn: 0, fp: 0, evasionLabels: 0, evasionTp: 0 }]))
  const statsOf = (type) => {
    if (!stats.has(type)) stats.set(type, { labels: 0, tp: 0, fn: 0, fp: 0, evasionLabels: 0, evasionTp: 0 })
    return stats.get(type)
  }
  const techniques = new Map()
  const cleanByKind = new Map()
  const errors = []
  const corpusProblems = []
  let scanMs = 0

  for (const item of cases) {
    const spans = labelSpans(item.args, item.expect ?? [])
    for (const span of spans) if (span.error !== undefined) corpusProblems.push(`${item.id} (${item.file}:${item.line}): ${span.error}`)

    let findings
    const began = performance.now()
    try {
      findings = scanJson(item.args)
    } catch (error) {
      corpusProblems.push(`${item.id}: scanJson threw ${error.message}`)
      findings = []
    }
    scanMs += performance.now() - began

    const matched = spans.map(() => false)
    for (const finding of findings) {
      const text = textAt(item.args, finding.path, finding.inKey) ?? ''
      let hit = false
      spans.forEach((span, index) => {
        if (span.error !== undefined || span.type !== finding.type || span.path !== finding.path) return
        if ((span.inKey === true) !== finding.inKey) return
        if (finding.start < span.end && span.start < finding.end) {
          matched[index] = true
          hit = true
        }
      })
      if (!hit) {
        statsOf(finding.type).fp += 1
        errors.push({ kind: 'FP', id: item.id, path: finding.path, inKey: finding.inKey, type: finding.type, value: text.slice(finding.start, finding.end), tags: item.tags })
      }
    }

    // Label units: a label alone, or all the fragments of one group.
    const units = new Map()
    spans.forEach((span, index) => {
      const key = span.group !== undefined ? `g:${span.group}` : `l:${index}`
      if (!units.has(key)) units.set(key, [])
      units.get(key).push(index)
    })
    const isEvasion = item.tags.includes('evasion')
    for (const members of units.values()) {
      const first = spans[members[0]]
      const found = members.every((index) => matched[index])
      const s = statsOf(first.type)
      s.labels += 1
      if (found) s.tp += 1
      else {
        s.fn += 1
        errors.push({ kind: 'FN', id: item.id, path: first.path, inKey: first.inKey === true, type: first.type, value: members.map((index) => spans[index].value).join(' ⧸ '), tags: item.tags })
      }
      if (isEvasion) {
        s.evasionLabels += 1
        if (found) s.evasionTp += 1
        for (const tag of item.tags.filter((t) => t !== 'evasion')) {
          const t = techniques.get(tag) ?? { labels: 0, tp: 0 }
          t.labels += 1
          if (found) t.tp += 1
          techniques.set(tag, t)
        }
      }
    }

    if (spans.length === 0) {
      const kind = item.tags.includes('near-miss') ? 'near-miss' : item.tags.includes('negative') ? 'negative' : 'other'
      const c = cleanByKind.get(kind) ?? { cases: 0, flagged: 0 }
      c.cases += 1
      if (findings.length > 0) c.flagged += 1
      cleanByKind.set(kind, c)
    }
  }

  const total = { labels: 0, tp: 0, fn: 0, fp: 0, evasionLabels: 0, evasionTp: 0 }
  for (const s of stats.values()) for (const key of Object.keys(total)) total[key] += s[key]
  const clean = [...cleanByKind.values()].reduce((acc, c) => ({ cases: acc.cases + c.cases, flagged: acc.flagged + c.flagged }), { cases: 0, flagged: 0 })
  const plainLabels = total.labels - total.evasionLabels
  const plainTp = total.tp - total.evasionTp

  const summary = {
    core: coreModule,
    corpus: { dir: corpusDir, cases: cases.length, labelledCases: cases.length - clean.cases, cleanCases: clean.cases, labels: total.labels, evasionLabels: total.evasionLabels },
    types: Object.fromEntries(
      [...stats].map(([type, s]) => [
        type,
        { ...s, precision: ratio(s.tp, s.tp + s.fp), recall: ratio(s.tp, s.labels), plainRecall: ratio(s.tp - s.evasionTp, s.labels - s.evasionLabels), evasionRecall: ratio(s.evasionTp, s.evasionLabels) },
      ]),
    ),
    overall: {
      tp: total.tp,
      fp: total.fp,
      fn: total.fn,
      precision: ratio(total.tp, total.tp + total.fp),
      recall: ratio(total.tp, total.labels),
      plainRecall: ratio(plainTp, plainLabels),
      evasionRecall: ratio(total.evasionTp, total.evasionLabels),
      cleanCases: clean.cases,
      cleanFlagged: clean.flagged,
      cleanFalsePositiveRate: ratio(clean.flagged, clean.cases),
      cleanByKind: Object.fromEntries([...cleanByKind].map(([kind, c]) => [kind, { ...c, rate: ratio(c.flagged, c.cases) }])),
    },
    evasionByTechnique: Object.fromEntries([...techniques].sort(([a], [b]) => a.localeCompare(b)).map(([tag, t]) => [tag, { ...t, recall: ratio(t.tp, t.labels) }])),
    scanMs: Math.round(scanMs),
    corpusProblems,
  }

  if (wantJson) {
    if (wantErrors) summary.errors = errors
    console.log(JSON.stringify(summary, null, 2))
    return
  }

  const lines = []
  lines.push(`corpus: ${cases.length} cases (${summary.corpus.labelledCases} labelled, ${clean.cases} clean), ${total.labels} labels (${total.evasionLabels} in evasion cases)`)
  lines.push('')
  lines.push(`${'type'.padEnd(18)} ${'labels'.padStart(6)} ${'TP'.padStart(5)} ${'FP'.padStart(5)} ${'FN'.padStart(5)}  precision  recall  evasion recall`)
  for (const [type, s] of Object.entries(summary.types)) {
    const evasion = s.evasionLabels === 0 ? '     -' : `${fmt(s.evasionRecall)} (${s.evasionTp}/${s.evasionLabels})`
    lines.push(`${type.padEnd(18)} ${String(s.labels).padStart(6)} ${String(s.tp).padStart(5)} ${String(s.fp).padStart(5)} ${String(s.fn).padStart(5)}     ${fmt(s.precision)}  ${fmt(s.recall)}  ${evasion}`)
  }
  const o = summary.overall
  lines.push(`${'overall'.padEnd(18)} ${String(total.labels).padStart(6)} ${String(o.tp).padStart(5)} ${String(o.fp).padStart(5)} ${String(o.fn).padStart(5)}     ${fmt(o.precision)}  ${fmt(o.recall)}  ${fmt(o.evasionRecall)} (${total.evasionTp}/${total.evasionLabels})`)
  lines.push('')
  lines.push(`precision           ${fmt(o.precision)}   (TP ${o.tp}, FP ${o.fp})`)
  lines.push(`recall              ${fmt(o.recall)}   (${o.tp}/${total.labels})`)
  lines.push(`recall, no evasions ${fmt(o.plainRecall)}   (${plainTp}/${plainLabels})`)
  lines.push(`evasion recall      ${fmt(o.evasionRecall)}   (${total.evasionTp}/${total.evasionLabels})`)
  lines.push(`clean-case FP rate  ${fmt(o.cleanFalsePositiveRate)}   (${o.cleanFlagged}/${o.cleanCases} clean cases with any finding; ${Object.entries(o.cleanByKind).map(([kind, c]) => `${kind} ${c.flagged}/${c.cases}`).join(', ')})`)
  lines.push('')
  lines.push(`evasion recall by technique: ${Object.entries(summary.evasionByTechnique).map(([tag, t]) => `${tag} ${t.tp}/${t.labels}`).join(', ')}`)
  lines.push(`scan time: ${summary.scanMs} ms for ${cases.length} cases`)
  if (corpusProblems.length > 0) {
    lines.push('')
    lines.push(`corpus problems (${corpusProblems.length}):`)
    for (const problem of corpusProblems) lines.push(`  ${problem}`)
  }
  if (wantErrors) {
    lines.push('')
    lines.push(`errors (${errors.length}):`)
    for (const e of errors) lines.push(`  ${e.kind}  ${e.id.padEnd(20)} ${e.type.padEnd(18)} ${(e.path + (e.inKey ? ' (name)' : '')).padEnd(28)} ${show(e.value)}`)
  }
  console.log(lines.join('\n'))
}

try {
  await main()
} catch (error) {
  console.error(`score.mjs failed: ${error.stack ?? error}`)
}
process.exitCode = 0
