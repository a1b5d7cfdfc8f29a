/**
 * shared/src/limits/file-limit-store.ts — a LimitStore that survives restarts: the per-user agent's ledger.
 *
 * The state lives in memory, as in the memory store, so every check-and-take stays atomic (synchronous code
 * between two awaits); each change is then appended to a JSON Lines journal (limits-file-format.ts) and the call
 * answers only once the line is written. At open, and again when the journal has grown to several lines per key,
 * it is compacted: written whole to a temporary file, fsync'ed, renamed over the journal, and the directory
 * fsync'ed, so a crash leaves either the old or the new file, never half of one.
 *
 * Durability: appends are not fsync'ed one by one (that would cost a disk flush per tool call). A killed or
 * crashed agent loses nothing (the line is in the kernel's page cache); a power cut or kernel crash can lose the
 * last seconds of changes — at most that many calls are counted twice as freely as they should.
 *
 * Restarts: monotonic time does not survive one, so a bucket is persisted with the wall-clock time it held its
 * level, and after a restart it refills by the wall-clock time elapsed since — only if the clock went forward,
 * and never above its capacity. Budgets keep their latest period (never an earlier one), as the contract says.
 *
 * A journal that cannot be read (corrupt, or not readable) is never reset silently: the store fails closed,
 * every call rejects with ERR_INTERNAL saying which file and what to do, and the file is left as it is.
 * One writer only: the agent's socket lock keeps one agent per user, and so one store per file.
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, join, sep } from 'node:path'
import { WardenError } from '../errors.js'
import { systemClock, type Clock } from '../pipeline/types.js'
import type { BudgetResult, LimitStore, RateResult, RateWindow } from './limit-store.js'
import { formatLimitsFile, formatLimitsLine, LimitsFileCorrupt, parseLimitsFile, type LimitsFileLine, type LimitsFileState, type PersistedBudget, type PersistedRate } from './limits-file-format.js'
import { advancePeriod, assertBudgetArguments, assertRateArguments, chargeCounter, EPSILON, refill, takeTokens, tokensAt, tokensPerMs, type Bucket } from './token-bucket.js'

/** Options of {@link openFileLimitStore}. */
export interface FileLimitStoreOptions {
  /** The journal; its directory is created (0700) and the file written 0600. */
  readonly file: string
  /** Wall-clock time stamps the persisted buckets (`now()`); defaults to the system clock. Tests inject one. */
  readonly clock?: Clock | undefined
}

/** A {@link LimitStore} backed by a file; `close` waits for pending writes. */
export interface FileLimitStore extends LimitStore {
  /** Waits for the journal writes under way, then closes the file. Later calls reject. */
  close(): Promise<void>
}

interface LiveBucket extends Bucket {
  /** Wall-clock time of the last change: persisted beside the level. */
  wallMs: number
}

/** Compact when the journal holds this many lines per key (and at least MIN_COMPACT_LINES). */
const LINES_PER_KEY = 4
const MIN_COMPACT_LINES = 1000

function shown(file: string): string {
  const home = homedir()
  return home !== '' && file.startsWith(`${home}${sep}`) ? `~${file.slice(home.length)}` : file
}

function unusable(file: string, why: string, cause: unknown): WardenError {
  const message =
    `The usage-limit ledger ${shown(file)} ${why}, so MCP Warden allows no tool call rather than reset your usage silently. ` +
    'Move the file aside (or delete it to start every limit afresh) and restart the MCP Warden agent; if it happens again, tell your administrator.'
  return new WardenError('ERR_INTERNAL', message, { stage: 'limits', cause, details: { reason: 'limits-file-unusable' } })
}

async function readState(file: string): Promise<LimitsFileState> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return parseLimitsFile('')
    throw unusable(file, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'I/O error'})`, cause)
  }
  try {
    return parseLimitsFile(text)
  } catch (cause) {
    if (cause instanceof LimitsFileCorrupt) throw unusable(file, `is damaged (${cause.message})`, cause)
    throw cause
  }
}

/** Replaces `file` by `text` atomically: temporary file, fsync, rename, fsync of the directory. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`)
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, file)
  const directory = await open(dirname(file), 'r')
  try {
    await directory.sync()
  } catch {
    // Some file systems (and Windows) cannot fsync a directory; the rename itself is still atomic.
  } finally {
    await directory.close()
  }
}

function brokenStore(error: WardenError): FileLimitStore {
  const fail = (): Promise<never> => Promise.reject(error)
  return { consumeRate: fail, refundRate: fail, chargeBudget: fail, refundBudget: fail, close: async () => {} }
}

/**
 * Opens (or creates) the journal at `options.file` and returns a store over it. A journal that cannot be read
 * gives a store whose every call rejects with ERR_INTERNAL naming the file (fail closed); the file is untouched.
 * Rejects when the directory or file cannot be created or written.
 *
 * @example
 * const store = await openFileLimitStore({ file: join(stateDir, 'limits.jsonl') })
 * await store.chargeBudget('budget:daily:https%3A%2F%2Fidp|alice', 100, '2026-12-04', 5)
 * await store.close()
 */
export async function openFileLimitStore(options: FileLimitStoreOptions): Promise<FileLimitStore> {
  if (typeof options !== 'object' || options === null) throw new TypeError('openFileLimitStore: options must be an object')
  if (typeof options.file !== 'string' || options.file === '') throw new TypeError('openFileLimitStore: options.file must be a non-empty path')
  const clock = options.clock ?? systemClock
  if (typeof clock.now !== 'function') throw new TypeError('openFileLimitStore: options.clock must be a Clock')
  const file = options.file
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  let loaded: LimitsFileState
  try {
    loaded = await readState(file)
  } catch (error) {
    if (error instanceof WardenError) return brokenStore(error)
    throw error
  }
  // Buckets read from disk, not yet touched in this run: they get a monotonic time on first use.
  const parked = loaded.rates
  const buckets = new Map<string, LiveBucket>()
  const budgets = loaded.budgets
  let latestMs = Number.NEGATIVE_INFINITY

  function snapshot(): LimitsFileState {
    const rates = new Map<string, PersistedRate>()
    for (const [key, rate] of parked) if (rate.tokens + EPSILON < rate.capacity) rates.set(key, rate)
    for (const [key, bucket] of buckets) {
      // A full bucket need not be kept: a new one starts full.
      if (tokensAt(bucket, latestMs) + EPSILON >= bucket.capacity) continue
      rates.set(key, { tokens: bucket.tokens, capacity: bucket.capacity, windowSeconds: bucket.windowSeconds, wallMs: bucket.wallMs })
    }
    return { rates, budgets: new Map(budgets) }
  }

  await writeWhole(file, formatLimitsFile(snapshot()))
  let handle: FileHandle | undefined = await open(file, 'a', 0o600)
  let lines = 1 + parked.size + budgets.size
  let queue: Promise<void> = Promise.resolve()

  function enqueue(task: (current: FileHandle) => Promise<void>): Promise<void> {
    const run = queue.then(() => {
      if (handle === undefined) throw new WardenError('ERR_INTERNAL', `The usage-limit ledger ${shown(file)} is closed: restart the MCP Warden agent.`, { stage: 'limits' })
      return task(handle)
    })
    queue = run.catch(() => {})
    return run
  }

  async function compact(current: FileHandle): Promise<void> {
    await current.close()
    handle = undefined
    const state = snapshot()
    await writeWhole(file, formatLimitsFile(state))
    lines = 1 + state.rates.size + state.budgets.size
    handle = await open(file, 'a', 0o600)
  }

  function persist(line: LimitsFileLine): Promise<void> {
    lines += 1
    const due = lines > Math.max(MIN_COMPACT_LINES, LINES_PER_KEY * (buckets.size + parked.size + budgets.size))
    return enqueue(async (current) => {
      await current.appendFile(formatLimitsLine(line))
      if (due) await compact(current)
    })
  }

  function bucketFor(key: string, spec: RateWindow, nowMs: number): LiveBucket {
    latestMs = Math.max(latestMs, nowMs)
    let bucket = buckets.get(key)
    if (bucket === undefined) {
      const stored = parked.get(key)
      parked.delete(key)
      bucket = stored === undefined
        ? { kind: 'rate', tokens: spec.capacity, updatedMs: nowMs, capacity: spec.capacity, windowSeconds: spec.windowSeconds, wallMs: clock.now() }
        : resumed(stored, nowMs)
      buckets.set(key, bucket)
    }
    refill(bucket, spec, nowMs)
    bucket.wallMs = clock.now()
    return bucket
  }

  /** A bucket from before the restart: refilled by the wall-clock time since, if the clock went forward. */
  function resumed(stored: PersistedRate, nowMs: number): LiveBucket {
    const elapsed = Math.max(0, clock.now() - stored.wallMs)
    const tokens = Math.min(stored.capacity, stored.tokens + elapsed * tokensPerMs(stored))
    return { kind: 'rate', tokens, updatedMs: nowMs, capacity: stored.capacity, windowSeconds: stored.windowSeconds, wallMs: stored.wallMs }
  }

  function saveBucket(key: string, bucket: LiveBucket): Promise<void> {
    const { tokens, capacity, windowSeconds, wallMs } = bucket
    return persist({ key, rate: { tokens, capacity, windowSeconds, wallMs } })
  }

  function counterFor(key: string, periodKey: string): PersistedBudget {
    const counter = budgets.get(key) ?? { periodKey, used: 0 }
    advancePeriod(counter, periodKey)
    budgets.set(key, counter)
    return counter
  }

  return {
    async consumeRate(key, spec, cost, nowMs): Promise<RateResult> {
      assertRateArguments(key, spec, cost, nowMs)
      const bucket = bucketFor(key, spec, nowMs)
      const result = takeTokens(bucket, cost)
      if (!result.allowed) return result
      await saveBucket(key, bucket)
      return result
    },

    async refundRate(key, spec, cost, nowMs): Promise<void> {
      assertRateArguments(key, spec, cost, nowMs)
      const bucket = bucketFor(key, spec, nowMs)
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + cost)
      await saveBucket(key, bucket)
    },

    async chargeBudget(key, limit, periodKey, cost): Promise<BudgetResult> {
      assertBudgetArguments(key, periodKey, cost, limit)
      const counter = counterFor(key, periodKey)
      const result = chargeCounter(counter, limit, cost)
      await persist({ key, budget: { ...counter } })
      return result
    },

    async refundBudget(key, periodKey, cost): Promise<void> {
      assertBudgetArguments(key, periodKey, cost)
      const counter = budgets.get(key)
      if (counter === undefined || counter.periodKey !== periodKey) return
      counter.used = Math.max(0, counter.used - cost)
      await persist({ key, budget: { ...counter } })
    },

    async close(): Promise<void> {
      await enqueue(async (current) => {
        handle = undefined
        await current.close()
      }).catch(() => {})
    },
  }
}
