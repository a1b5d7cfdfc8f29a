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

/** Lines as small integers (equal lines, equal numbers), so the search compares numbers, not strings. */
function toIds(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>()
  const id = (line: string): number => {
    let value = ids.get(line)
    if (value === undefined) ids.set(line, (value = ids.size))
    return value
  }
  return [Int32Array.from(a, id), Int32Array.from(b, id)]
}

/**
 * The shortest edit script from `a` to `b` (Myers 1986, forward greedy). The common head and tail are taken off
 * first, and each round keeps only its own diagonals (2d + 1 values) for the way back, so memory is O(D²), not O(N·D).
 */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const [x0, y0] = toIds(a.slice(head, a.length - tail), b.slice(head, b.length - tail))
  const n = x0.length
  const m = y0.length
  const trace: Int32Array[] = []
  let v = new Int32Array(3) // diagonals -1..1 of round 0's predecessor, all 0
  for (let d = 0; d <= n + m; d++) {
    // next[k + d] holds the furthest x on diagonal k, for k in -d..d; v holds round d-1's (k in -(d-1)..d-1).
    const next = new Int32Array(2 * d + 1)
    const at = (k: number): number => (k < -(d - 1) || k > d - 1 ? -1 : (v[k + d - 1] as number))
    let done = false
    for (let k = -d; k <= d; k += 2) {
      let x = d === 0 ? 0 : k === -d || (k !== d && at(k - 1) < at(k + 1)) ? at(k + 1) : at(k - 1) + 1
      let y = x - k
      while (x < n && y < m && x0[x] === y0[y]) {
        x++
        y++
      }
      next[k + d] = x
      if (x >= n && y >= m) done = true
    }
    trace.push(next)
    v = next
    if (done) break
  }
  const ops: Op[] = []
  let x = n
  let y = m
  for (let d = trace.length - 1; d > 0; d--) {
    const before = trace[d - 1] as Int32Array
    const at = (k: number): number => (k < -(d - 1) || k > d - 1 ? -1 : (before[k + d - 1] as number))
    const k = x - y
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1))
    const previousK = down ? k + 1 : k - 1
    const previousX = at(previousK)
    const previousY = previousX - previousK
    while (x > previousX && y > previousY) {
      y--
      ops.push({ kind: ' ', line: a[head + --x] as string })
    }
    if (down) ops.push({ kind: '+', line: b[head + --y] as string })
    else ops.push({ kind: '-', line: a[head + --x] as string })
  }
  while (x > 0) {
    y--
    ops.push({ kind: ' ', line: a[head + --x] as string })
  }
  const common = (from: number, to: number): Op[] => a.slice(from, to).map((line) => ({ kind: ' ' as const, line }))
  return [...common(0, head), ...ops.reverse(), ...common(a.length - tail, a.length)]
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
