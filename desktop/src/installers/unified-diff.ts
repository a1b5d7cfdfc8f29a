/**
 * desktop/src/installers/unified-diff.ts — a unified diff of two texts, line by line (Myers' O(ND) shortest edit
 * script, so a large file with a few changed lines costs little), with three lines of context, as `diff -u` prints.
 */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string }

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** The shortest edit script from `a` to `b` (Myers 1986, forward greedy with a trace for the way back). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const max = a.length + b.length
  const offset = max + 1
  let v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  let found = false
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice())
    const next = v.slice()
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1
      let y = x - k
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++
        y++
      }
      next[offset + k] = x
      if (x >= a.length && y >= b.length) {
        found = true
        break
      }
    }
    v = next
  }
  const ops: Op[] = []
  let x = a.length
  let y = b.length
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d] as Int32Array
    const k = x - y
    const down = k === -d || (k !== d && (before[offset + k - 1] as number) < (before[offset + k + 1] as number))
    const previousK = down ? k + 1 : k - 1
    const previousX = d === 0 ? 0 : (before[offset + previousK] as number)
    const previousY = d === 0 ? 0 : previousX - previousK
    while (x > previousX && y > previousY) {
      y--
      ops.push({ kind: ' ', line: a[--x] as string })
    }
    if (d === 0) break
    if (down) ops.push({ kind: '+', line: b[--y] as string })
    else ops.push({ kind: '-', line: a[--x] as string })
  }
  return ops.reverse()
}

/**
 * A unified diff (`--- a/PATH`, `+++ b/PATH`, `@@` hunks with 3 lines of context); empty when the texts are equal.
 *
 * @example
 * unifiedDiff('/home/a/.cursor/mcp.json', before, after)
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return ''
  const ops = editScript(splitLines(before), splitLines(after))
  const out = [`--- a${path.startsWith('/') ? '' : '/'}${path}`, `+++ b${path.startsWith('/') ? '' : '/'}${path}`]
  let i = 0
  while (i < ops.length) {
    if ((ops[i] as Op).kind === ' ') {
      i++
      continue
    }
    const start = Math.max(0, i - context)
    let end = i
    // Extend the hunk while changes are within 2 × context lines of each other.
    for (;;) {
      while (end < ops.length && (ops[end] as Op).kind !== ' ') end++
      let gap = end
      while (gap < ops.length && (ops[gap] as Op).kind === ' ') gap++
      if (gap < ops.length && gap - end <= 2 * context) end = gap
      else break
    }
    const stop = Math.min(ops.length, end + context)
    const a = countBefore(ops, start)
    const b = countBefore(ops, start, true)
    const hunk = ops.slice(start, stop)
    const aLength = hunk.filter((op) => op.kind !== '+').length
    const bLength = hunk.filter((op) => op.kind !== '-').length
    out.push(`@@ -${aLength === 0 ? a : a + 1},${aLength} +${bLength === 0 ? b : b + 1},${bLength} @@`)
    for (const op of hunk) out.push(`${op.kind}${op.line.replace(/\r$/, '')}`)
    i = stop
  }
  return `${out.join('\n')}\n`
}

function countBefore(ops: readonly Op[], index: number, after = false): number {
  let count = 0
  for (let i = 0; i < index; i++) if ((ops[i] as Op).kind !== (after ? '-' : '+')) count++
  return count
}
