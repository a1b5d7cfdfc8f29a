/**
 * desktop/src/agent/run-agent.ts — the agent process: the socket server over a limit store and an audit file,
 * for the session it is given, until its stop signal.
 */
import { dirname, join } from 'node:path'
import { createFileAuditSink, type Clock, type LimitStore } from '@mcp-warden/core'
import { createAgentLedger } from './limits/agent-ledger.js'
import type { AgentSession } from './session/agent-session.js'
import { startAgentServer } from './server/agent-server.js'

export interface RunAgentOptions {
  readonly socketPath: string
  readonly session: AgentSession
  /** The user's audit log (JSON Lines, 0600); the agent is its single writer. */
  readonly auditFile: string
  readonly version: string
  /** Stops the agent: the socket and the lock are removed, the audit file is closed. */
  readonly signal: AbortSignal
  /** The user's limit ledger (JSON Lines, 0600), kept across restarts. Default: limits.jsonl beside `auditFile`. */
  readonly limitsFile?: string | undefined
  /** Replaces the ledger file (tests); the caller closes it. */
  readonly limitStore?: LimitStore | undefined
  readonly policySnapshot?: (() => unknown) | undefined
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
 * const agent = await runAgent({ socketPath, session, auditFile, version: '0.1.0', signal: stop.signal })
 * await agent.stopped
 */
export async function runAgent(options: RunAgentOptions): Promise<RunningAgent> {
  if (!(options?.signal instanceof AbortSignal)) throw new TypeError('runAgent: options.signal must be an AbortSignal')
  const ledger = createAgentLedger(options.limitsFile ?? join(dirname(options.auditFile), 'limits.jsonl'), options.clock)
  const audit = createFileAuditSink(options.auditFile)
  let server
  try {
    server = await startAgentServer({
      socketPath: options.socketPath,
      session: options.session,
      limitStore: options.limitStore ?? ledger.store,
      audit,
      policySnapshot: options.policySnapshot,
      version: options.version,
      clock: options.clock,
      onError: options.onError,
    })
  } catch (error) {
    await audit.close?.()
    throw error
  }
  // Only the lock holder may open the ledger: opening compacts it in place.
  if (options.limitStore === undefined) await ledger.open()
  const running = server
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      void running
        .close()
        .then(() => audit.close?.())
        .then(() => ledger.close())
        .catch((error: unknown) => options.onError?.(error))
        .finally(resolve)
    }
    if (options.signal.aborted) stop()
    else options.signal.addEventListener('abort', stop, { once: true })
  })
  return { socketPath: running.socketPath, stopped }
}
