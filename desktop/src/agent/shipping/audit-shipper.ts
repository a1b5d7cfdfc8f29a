/**
 * desktop/src/agent/shipping/audit-shipper.ts — ships the agent's chained audit log to the organisation's
 * collector: reads the files in order from a durable cursor, POSTs batches with the user's token, retries with
 * exponential backoff and jitter, never skips, and moves the cursor only after the collector acknowledged (2xx).
 * Delivery is at least once; every record carries its `id` (and `seq`) for de-duplication.
 * Signed checkpoints (`checkpoints.jsonl`) go with the batches, each once the entry it names was sent (in the same
 * batch or an earlier one), and on their own when no entry is waiting; their offset is kept in the same cursor.
 */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { listAuditFiles, peekCheckpoint, readCheckpoints, type SignedCheckpoint } from '@mcp-warden/core'
import { toOtlpLogs, type ChainedEntry } from './otlp.js'
import { readShipCursor, writeShipCursor, type ShipCursor } from './ship-cursor.js'

export type AuditShipFormat = 'warden' | 'otlp'

export interface AuditShipperOptions {
  /** The chained audit log's directory. */
  readonly dir: string
  /** The cursor file (0600 JSON), e.g. `audit-ship.json` beside `dir`. */
  readonly cursorFile: string
  /** The collector (settings `audit.url`); for `otlp`, the full `/v1/logs` URL. */
  readonly url: string
  readonly format?: AuditShipFormat | undefined
  /** An access token whose audience is `url` (`session.upstreamToken(url)`); asked before every POST. */
  readonly token: () => Promise<string>
  /** Who ships: sent with every batch (warden) or as OTLP resource attributes. */
  readonly agent: Readonly<Record<string, string>>
  readonly maxLines?: number | undefined
  readonly maxBytes?: number | undefined
  /** First retry delay and its cap, in ms (defaults 1 s and 5 min); the delay doubles, with full jitter. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number } | undefined
  /** How often to look for new entries once everything is shipped, in ms (default 2 s). */
  readonly pollMs?: number | undefined
  readonly fetch?: typeof fetch | undefined
  readonly random?: (() => number) | undefined
  /** Failures (collector down, token unavailable); shipping goes on. Never carries a token. */
  readonly onError?: ((error: unknown) => void) | undefined
}

export interface AuditShipper {
  /** Starts shipping in the background. */
  start(): void
  /** Stops after the current attempt; the cursor stays where the collector acknowledged. */
  close(): Promise<void>
}

interface Batch {
  readonly entries: ChainedEntry[]
  readonly checkpoints: SignedCheckpoint[]
  readonly next: ShipCursor
}

/**
 * Adds the checkpoints after the cursor's offset that name entries up to the batch's head (`next.seq`), in file
 * order, stopping at the first that names a later entry. A line that is not a checkpoint is passed over (and
 * reported): it cannot be verified by anyone, and `audit verify` names it.
 */
async function withCheckpoints(dir: string, batch: Omit<Batch, 'checkpoints'>, from: number, report: (error: unknown) => void): Promise<Batch> {
  const { lines } = await readCheckpoints(dir, from)
  const checkpoints: SignedCheckpoint[] = []
  let checkpointOffset = from
  for (const line of lines) {
    const claims = line.checkpoint === undefined ? undefined : peekCheckpoint(line.checkpoint)
    if (claims === undefined) report(new Error(`checkpoints.jsonl at byte ${line.start} is not a checkpoint; it is not shipped (run \`mcp-warden audit verify\`).`))
    else if (claims.seq > batch.next.seq) break
    else checkpoints.push(line.checkpoint as SignedCheckpoint)
    checkpointOffset = line.end
  }
  return { ...batch, checkpoints, next: { ...batch.next, checkpointOffset } }
}

const NEWLINE = 0x0a

/** A file name's place in the log: day, then number (numbers may outgrow three digits, so not the name's text). */
function fileOrder(name: string): number {
  const match = /^audit-(\d{8})-(\d+)\.jsonl$/.exec(name)
  return match === null ? -1 : Number(match[1]) * 1e6 + Number(match[2])
}

/** The next batch after `cursor`, or undefined when everything is shipped. Moves past finished files. */
async function readBatch(dir: string, cursor: ShipCursor | undefined, maxLines: number, maxBytes: number): Promise<Omit<Batch, 'checkpoints'> | undefined> {
  const files = (await listAuditFiles(dir)).map((file) => file.name)
  // The cursor's file, or (deleted by retention) the first file written after it.
  let index = cursor === undefined ? 0 : files.indexOf(cursor.file)
  if (cursor !== undefined && index < 0) index = files.findIndex((name) => fileOrder(name) > fileOrder(cursor.file))
  if (index < 0 || index >= files.length) return undefined
  let offset = cursor !== undefined && files[index] === cursor.file ? cursor.offset : 0
  let seq = cursor?.seq ?? 0
  let hash = cursor?.hash ?? ''
  for (; index < files.length; index += 1, offset = 0) {
    const file = files[index] as string
    const handle = await open(join(dir, file), 'r')
    let buffer: Buffer
    try {
      const size = (await handle.stat()).size
      const length = Math.max(0, Math.min(size - offset, maxBytes))
      buffer = Buffer.alloc(length)
      if (length > 0) await handle.read(buffer, 0, length, offset)
    } finally {
      await handle.close()
    }
    const entries: ChainedEntry[] = []
    let consumed = 0
    while (entries.length < maxLines) {
      const end = buffer.indexOf(NEWLINE, consumed)
      // A line not yet complete: still being written, or torn (then the next file's torn-line event says so).
      if (end < 0) break
      const line = buffer.subarray(consumed, end).toString('utf8')
      consumed = end + 1
      const entry = JSON.parse(line) as ChainedEntry
      entries.push(entry)
      seq = entry.seq
      hash = entry.hash
    }
    if (entries.length > 0) return { entries, next: { file, offset: offset + consumed, seq, hash, checkpointOffset: cursor?.checkpointOffset ?? 0 } }
    if (buffer.length === maxBytes && maxBytes > 0) throw new RangeError(`An audit line in ${file} at byte ${offset} is longer than the batch limit of ${maxBytes} bytes.`)
  }
  return undefined
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Creates a shipper over the audit directory. Nothing is sent until `start()`.
 *
 * @example
 * const shipper = createAuditShipper({ dir, cursorFile: join(dirname(dir), 'audit-ship.json'), url: settings.audit.url,
 *   token: async () => (await session.upstreamToken(settings.audit.url)).token, agent: { version: '0.1.0' } })
 * shipper.start()
 * // … on stop:
 * await shipper.close()
 */
export function createAuditShipper(options: AuditShipperOptions): AuditShipper {
  if (typeof options?.dir !== 'string' || typeof options.cursorFile !== 'string') throw new TypeError('createAuditShipper: options.dir and options.cursorFile must be paths')
  if (typeof options.token !== 'function') throw new TypeError('createAuditShipper: options.token must be a function')
  const url = new URL(options.url).href
  const format = options.format ?? 'warden'
  const maxLines = options.maxLines ?? 500
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 5 * 60 * 1000 }
  const pollMs = options.pollMs ?? 2000
  const doFetch = options.fetch ?? fetch
  const random = options.random ?? Math.random
  const stop = new AbortController()
  let running: Promise<void> | undefined

  async function post(batch: Batch): Promise<void> {
    const token = await options.token()
    const last = batch.next
    const body =
      format === 'otlp'
        ? toOtlpLogs(batch.entries, { ...options.agent, 'service.name': 'mcp-warden-agent', 'mcp_warden.head.seq': String(last.seq), 'mcp_warden.head.hash': last.hash }, batch.checkpoints)
        : { agent: options.agent, head: { seq: last.seq, hash: last.hash }, records: batch.entries, checkpoints: batch.checkpoints }
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: stop.signal,
    })
    await response.body?.cancel()
    if (!response.ok) throw new Error(`The audit collector at ${url} answered HTTP ${response.status}; the batch will be sent again.`)
  }

  async function loop(): Promise<void> {
    let cursor = await readShipCursor(options.cursorFile)
    let failures = 0
    while (!stop.signal.aborted) {
      try {
        const from = cursor?.checkpointOffset ?? 0
        const read = await readBatch(options.dir, cursor, maxLines, maxBytes)
        // Nothing new in the log: checkpoints of entries already shipped may still be waiting.
        const base = read ?? (cursor === undefined ? undefined : { entries: [], next: cursor })
        const batch = base === undefined ? undefined : await withCheckpoints(options.dir, base, from, (error) => options.onError?.(error))
        if (batch === undefined || (batch.entries.length === 0 && batch.next.checkpointOffset === from)) {
          await delay(pollMs, stop.signal)
          continue
        }
        await post(batch)
        await writeShipCursor(options.cursorFile, batch.next)
        cursor = batch.next
        failures = 0
      } catch (error) {
        if (stop.signal.aborted) return
        options.onError?.(error)
        // Equal jitter: half the doubled delay plus a random half, so many agents do not retry in step.
        const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 30))
        failures += 1
        await delay(Math.round(ceiling * (0.5 + random() / 2)), stop.signal)
      }
    }
  }

  return {
    start() {
      running ??= loop().catch((error: unknown) => options.onError?.(error))
    },
    async close() {
      stop.abort()
      await running
    },
  }
}
