/**
 * shared/src/content-safety/text-map.ts — a rewritten text that remembers where each of its characters came from.
 *
 * The evasion passes (normalize.ts, decode.ts) rewrite a string before the detectors see it; a finding in the
 * rewritten text must still be reported as a span of the ORIGINAL string. A MappedText keeps, for every UTF-16
 * unit of the rewritten text, the half-open range of source offsets it was produced from, and whether it differs
 * from its source (only findings that touch a changed unit are new: the others were already found on the raw text).
 */

/** A rewritten text with, per UTF-16 unit, the source range `[starts[i], ends[i])` it came from. */
export interface MappedText {
  readonly text: string
  readonly starts: Int32Array
  readonly ends: Int32Array
  /** 1 where the unit differs from its source, or follows a dropped source character. */
  readonly changed: Uint8Array
}

/** Builds a MappedText piece by piece, in source order, with typed arrays grown by doubling (linear overall). */
export class MappedTextBuilder {
  private parts: string[] = []
  private length = 0
  private starts: Int32Array
  private ends: Int32Array
  private changed: Uint8Array
  private pendingChange = false

  constructor(capacity: number) {
    const size = Math.max(16, capacity)
    this.starts = new Int32Array(size)
    this.ends = new Int32Array(size)
    this.changed = new Uint8Array(size)
  }

  /** Appends `output`, produced from source `[start, end)`; `changed` marks it as rewritten. Empty output = dropped. */
  push(output: string, start: number, end: number, changed: boolean): void {
    if (output.length === 0) {
      this.pendingChange = true
      return
    }
    this.reserve(output.length)
    for (let i = 0; i < output.length; i += 1) {
      this.starts[this.length] = start
      this.ends[this.length] = end
      this.changed[this.length] = changed || this.pendingChange ? 1 : 0
      this.pendingChange = false
      this.length += 1
    }
    this.parts.push(output)
  }

  /** Appends an unchanged slice of the source, `source.slice(start, end)`, one unit per source unit. */
  pushSame(source: string, start: number, end: number): void {
    if (end <= start) return
    this.reserve(end - start)
    for (let offset = start; offset < end; offset += 1) {
      this.starts[this.length] = offset
      this.ends[this.length] = offset + 1
      this.changed[this.length] = this.pendingChange ? 1 : 0
      this.pendingChange = false
      this.length += 1
    }
    this.parts.push(source.slice(start, end))
  }

  build(): MappedText {
    return {
      text: this.parts.join(''),
      starts: this.starts.subarray(0, this.length),
      ends: this.ends.subarray(0, this.length),
      changed: this.changed.subarray(0, this.length),
    }
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.starts.length) return
    const size = Math.max(this.starts.length * 2, this.length + extra)
    const grow = <A extends Int32Array | Uint8Array>(old: A, fresh: A): A => (fresh.set(old), fresh)
    this.starts = grow(this.starts, new Int32Array(size))
    this.ends = grow(this.ends, new Int32Array(size))
    this.changed = grow(this.changed, new Uint8Array(size))
  }
}

/**
 * Maps a rewritten text's source ranges through an earlier rewrite: `outer` was produced from `inner.text`, the
 * result maps `outer.text` straight to `inner`'s source. A unit is changed when it or any unit it came from is.
 */
export function composeMaps(outer: MappedText, inner: MappedText): MappedText {
  const count = outer.text.length
  const starts = new Int32Array(count)
  const ends = new Int32Array(count)
  const changed = new Uint8Array(count)
  for (let i = 0; i < count; i += 1) {
    const from = outer.starts[i] ?? 0
    const to = outer.ends[i] ?? 0
    starts[i] = inner.starts[from] ?? 0
    ends[i] = inner.ends[to - 1] ?? 0
    let change = outer.changed[i] ?? 0
    for (let j = from; j < to && change === 0; j += 1) change = inner.changed[j] ?? 0
    changed[i] = change
  }
  return { text: outer.text, starts, ends, changed }
}

/**
 * The source span of the rewritten span `[start, end)`, or undefined when no unit in it was changed (the raw scan
 * already saw that text as it is). Offsets are shifted by `base` (the window's start in the original string).
 */
export function mapSpanBack(mapped: MappedText, start: number, end: number, base: number): { start: number; end: number } | undefined {
  let touched = false
  for (let i = start; i < end && !touched; i += 1) touched = mapped.changed[i] === 1
  if (!touched) return undefined
  return { start: base + (mapped.starts[start] ?? 0), end: base + (mapped.ends[end - 1] ?? 0) }
}
