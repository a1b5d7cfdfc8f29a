/**
 * desktop/src/agent/audit/audit-checkpoints.ts — signs the head of the audit chain now and then: every
 * `intervalMs` when entries were added since the last checkpoint, and once more when the agent stops. Each
 * checkpoint is appended (fsync'ed) to `checkpoints.jsonl` in the audit directory; the shipper sends it on.
 *
 * The key is asked for at the first checkpoint, not at start: a locked keychain delays checkpoints (reported, tried
 * again at the next interval) and never stops the agent.
 */
import { appendCheckpoint, peekCheckpoint, readCheckpoints, systemClock, type CheckpointSigningKey, type Clock } from '@mcp-warden/core'

export interface AuditCheckpointsOptions {
  /** The audit directory (`checkpoints.jsonl` lives there). */
  readonly dir: string
  /** The device key (`loadDeviceSigningKey`), asked for until it is given once. */
  readonly key: () => Promise<CheckpointSigningKey>
  /** The chain's newest entry on disk (`ChainedAuditLog.head`). */
  readonly head: () => { readonly seq: number; readonly hash: string; readonly file: string } | undefined
  /** Default 60 s. */
  readonly intervalMs?: number | undefined
  readonly clock?: Pick<Clock, 'now'> | undefined
  /** A checkpoint that could not be made (keychain, disk); tried again at the next interval. */
  readonly onError?: ((error: unknown) => void) | undefined
}

export interface AuditCheckpoints {
  /** Starts the timer (after the log is open). */
  start(): void
  /** Makes a checkpoint now if entries were added since the last one; resolves once it is on disk. */
  checkpoint(): Promise<void>
  /** Stops the timer and makes a last checkpoint. */
  close(): Promise<void>
}

const DEFAULT_INTERVAL_MS = 60_000

/**
 * @example
 * const checkpoints = createAuditCheckpoints({ dir, key: () => loadDeviceSigningKey(secrets), head: () => log.head() })
 * checkpoints.start()
 * await checkpoints.close()
 */
export function createAuditCheckpoints(options: AuditCheckpointsOptions): AuditCheckpoints {
  if (typeof options?.key !== 'function' || typeof options.head !== 'function') throw new TypeError('createAuditCheckpoints: options.key and options.head must be functions')
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw new TypeError('createAuditCheckpoints: options.intervalMs must be a positive integer')
  const clock = options.clock ?? systemClock
  let key: CheckpointSigningKey | undefined
  let lastSeq: number | undefined
  let timer: NodeJS.Timeout | undefined
  let queue: Promise<void> = Promise.resolve()

  async function lastCheckpointedSeq(): Promise<number> {
    const { lines } = await readCheckpoints(options.dir)
    const last = lines.at(-1)?.checkpoint
    return (last === undefined ? undefined : peekCheckpoint(last)?.seq) ?? 0
  }

  async function make(): Promise<void> {
    const head = options.head()
    if (head === undefined) return
    lastSeq ??= await lastCheckpointedSeq()
    if (head.seq === lastSeq) return
    key ??= await options.key()
    await appendCheckpoint(options.dir, await key.sign({ seq: head.seq, file: head.file, hash: head.hash, time: new Date(clock.now()).toISOString() }))
    lastSeq = head.seq
  }

  function checkpoint(): Promise<void> {
    queue = queue.then(make).catch((error: unknown) => options.onError?.(error))
    return queue
  }

  return {
    start() {
      timer ??= setInterval(() => void checkpoint(), intervalMs)
      timer.unref()
    },
    checkpoint,
    async close() {
      clearInterval(timer)
      await checkpoint()
    },
  }
}
