/**
 * desktop/src/agent/run-agent.ts — the agent process: the socket server over a limit store and the chained audit
 * log, for the session it is given, until its stop signal.
 */
import { dirname, join } from 'node:path'
import type { Clock, LimitStore } from '@mcp-warden/core'
import { createAgentAudit, type AgentAuditOptions } from './audit/agent-audit.js'
import { createAuditCheckpoints, type AuditCheckpointsOptions } from './audit/audit-checkpoints.js'
import { createAgentLedger } from './limits/agent-ledger.js'
import type { CentralPolicySource } from './policy/central-policy-source.js'
import type { AgentSession } from './session/agent-session.js'
import { startAgentServer } from './server/agent-server.js'
import { createAuditShipper, type AuditShipperOptions } from './shipping/audit-shipper.js'
import { readShipCursor } from './shipping/ship-cursor.js'

export interface RunAgentOptions {
  readonly socketPath: string
  readonly session: AgentSession
  /**
   * The user's audit log: its directory, retention and spool (see agent-audit.ts); the agent is its single writer.
   * With `shipping`, retention keeps every file not shipped yet (`shippedBefore` is set from the cursor here).
   */
  readonly audit: Omit<AgentAuditOptions, 'shippedBefore'>
  readonly version: string
  /** Stops the agent: the socket and the lock are removed, the audit log is closed. */
  readonly signal: AbortSignal
  /** The user's limit ledger (JSON Lines, 0600), kept across restarts. Default: limits.jsonl beside the audit directory. */
  readonly limitsFile?: string | undefined
  /** Replaces the ledger file (tests); the caller closes it. */
  readonly limitStore?: LimitStore | undefined
  /**
   * The organisation's signed policy (`openCentralPolicy`); started with the agent and stopped with it. Without
   * one, `policy.snapshot` answers null and each proxy uses its own policy file (development opt-in).
   */
  readonly policy?: CentralPolicySource | undefined
  /**
   * Ships the audit log to the organisation's collector (settings `audit.url`): started once the log is open, in the
   * lock holder only, stopped with the agent. The cursor is `audit-ship.json` beside the audit directory.
   */
  readonly shipping?: Pick<AuditShipperOptions, 'url' | 'format' | 'token' | 'backoff' | 'pollMs' | 'onError'> | undefined
  /**
   * Signed checkpoints of the chain's head (audit-checkpoints.ts): the device key, and how often (default 60 s).
   * Written to `checkpoints.jsonl` in the audit directory while the agent runs and once more when it stops.
   */
  readonly checkpoints?: Pick<AuditCheckpointsOptions, 'key' | 'intervalMs'> | undefined
  readonly clock?: Clock | undefined
  readonly onError?: ((error: unknown) => void) | undefined
}

export interface RunningAgent {
  readonly socketPath: string
  /** Resolves once the agent has stopped and cleaned up after `signal` fired. */
  readonly stopped: Promise<void>
}

/**
 * Starts the agent. Rejects when it cannot listen, e.g. with an "already running" error
 * (`isAgentAlreadyRunning`) when another agent of this user serves the socket.
 *
 * @example
 * const stop = new AbortController()
 * process.once('SIGTERM', () => stop.abort())
 * const agent = await runAgent({ socketPath, session, audit: { dir }, version: '0.1.0', signal: stop.signal })
 * await agent.stopped
 */
export async function runAgent(options: RunAgentOptions): Promise<RunningAgent> {
  if (!(options?.signal instanceof AbortSignal)) throw new TypeError('runAgent: options.signal must be an AbortSignal')
  const ledger = createAgentLedger(options.limitsFile ?? join(dirname(options.audit.dir), 'limits.jsonl'), options.clock)
  const cursorFile = join(dirname(options.audit.dir), 'audit-ship.json')
  // With shipping, retention never deletes what the collector does not have yet (files from the cursor's on).
  const shippedBefore = options.shipping === undefined ? undefined : async () => (await readShipCursor(cursorFile))?.file
  const audit = createAgentAudit({ ...options.audit, shippedBefore }, { clock: options.clock, onError: options.onError })
  const policy = options.policy
  let server
  try {
    server = await startAgentServer({
      socketPath: options.socketPath,
      session: options.session,
      limitStore: options.limitStore ?? ledger.store,
      audit,
      policySnapshot: policy === undefined ? () => null : () => policy.snapshot(),
      version: options.version,
      clock: options.clock,
      onError: options.onError,
    })
  } catch (error) {
    await audit.close()
    throw error
  }
  // Only the lock holder may open the ledger: opening compacts it in place.
  if (options.limitStore === undefined) await ledger.open()
  // Only the agent that holds the socket polls the policy URL.
  void policy?.start()
  const running = server
  // Only now, as the one agent of this user (the server holds the lock), is the log opened and the spool taken in.
  await audit.start()
  const checkpoints =
    options.checkpoints === undefined
      ? undefined
      : createAuditCheckpoints({ ...options.checkpoints, dir: options.audit.dir, head: () => audit.head(), clock: options.clock, onError: options.onError })
  checkpoints?.start()
  const shipper =
    options.shipping === undefined
      ? undefined
      : createAuditShipper({ ...options.shipping, dir: options.audit.dir, cursorFile, agent: { version: options.version } })
  shipper?.start()
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      policy?.close()
      void running
        .close()
        .then(() => shipper?.close())
        .then(() => checkpoints?.close())
        .then(() => audit.close())
        .then(() => ledger.close())
        .catch((error: unknown) => options.onError?.(error))
        .finally(resolve)
    }
    if (options.signal.aborted) stop()
    else options.signal.addEventListener('abort', stop, { once: true })
  })
  return { socketPath: running.socketPath, stopped }
}
