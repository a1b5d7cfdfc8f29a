/**
 * desktop/src/agent/audit/agent-audit.ts — the agent's audit: the chained log (core) plus taking in the spool
 * files that proxies wrote while the agent was unreachable: when the agent starts, and again at most every
 * `spoolCheckMs` while records arrive (a proxy that reconnects appends soon after).
 */
import { createChainedAuditLog, systemClock, type ChainedAuditLog, type AuditLogEvent, type AuditRecord, type AuditSink, type Clock } from '@mcp-warden/core'
import { ingestAuditSpool } from './audit-spool.js'

export interface AgentAuditOptions {
  /** The log's directory (see `createChainedAuditLog`). */
  readonly dir: string
  /** The proxies' spool directory; without it no spool is taken in. */
  readonly spoolDir?: string | undefined
  readonly maxFileBytes?: number | undefined
  readonly maxFiles?: number | undefined
  readonly maxTotalBytes?: number | undefined
  /** Appends look for new spool files at most this often. Default 5000 ms. */
  readonly spoolCheckMs?: number | undefined
  /** Told about what the log writes about itself: a torn line found at start, a spool file taken in. */
  readonly onEvent?: ((event: AuditLogEvent) => void) | undefined
  /** With shipping: the file the shipper reads (see `createChainedAuditLog`); retention never deletes it or later files. */
  readonly shippedBefore?: (() => Promise<string | undefined>) | undefined
  /** Told when retention keeps files past its caps because they are not shipped yet. */
  readonly onWarning?: ((message: string) => void) | undefined
}

export interface AgentAudit extends AuditSink {
  append(record: AuditRecord): Promise<void>
  /** Opens the log and takes in the spool. Never rejects: failures go to `onError`, and appends then reject. */
  start(): Promise<void>
  /** The newest entry on disk, for checkpoints. */
  head(): ReturnType<ChainedAuditLog['head']>
  close(): Promise<void>
}

const DEFAULT_SPOOL_CHECK_MS = 5000

/**
 * @example
 * const audit = createAgentAudit({ dir, spoolDir }, { onError: (e) => log.error(String(e)) })
 * await audit.start()
 */
export function createAgentAudit(
  options: AgentAuditOptions,
  context: { readonly clock?: Clock | undefined; readonly onError?: ((error: unknown) => void) | undefined } = {},
): AgentAudit {
  if (typeof options !== 'object' || options === null) throw new TypeError('createAgentAudit: options must be an object')
  const clock = context.clock ?? systemClock
  const onError = context.onError ?? (() => undefined)
  const log = createChainedAuditLog({
    dir: options.dir,
    maxFileBytes: options.maxFileBytes,
    maxFiles: options.maxFiles,
    maxTotalBytes: options.maxTotalBytes,
    clock,
    onEvent: options.onEvent,
    onError,
    shippedBefore: options.shippedBefore,
    onWarning: options.onWarning,
  })
  const { spoolDir } = options
  const spoolCheckMs = options.spoolCheckMs ?? DEFAULT_SPOOL_CHECK_MS
  let lastSpoolCheck = Number.NEGATIVE_INFINITY
  let ingesting: Promise<void> | undefined

  function ingest(): Promise<void> {
    if (spoolDir === undefined) return Promise.resolve()
    lastSpoolCheck = clock.monotonic()
    ingesting ??= ingestAuditSpool(spoolDir, log, clock.now)
      .then((result) => {
        if (result.files > 0) options.onEvent?.({ kind: 'log', event: 'spool-ingested', time: new Date(clock.now()).toISOString(), file: spoolDir, records: result.records, skipped: result.skipped })
      })
      .catch(onError)
      .finally(() => (ingesting = undefined))
    return ingesting
  }

  return {
    append(record) {
      const written = log.append(record)
      if (spoolDir !== undefined && ingesting === undefined && clock.monotonic() - lastSpoolCheck >= spoolCheckMs) void ingest()
      return written
    },
    head: () => log.head(),
    async start() {
      try {
        await log.open()
      } catch (error) {
        onError(error)
        return
      }
      await ingest()
    },
    async close() {
      await ingesting
      await log.close()
    },
  }
}
