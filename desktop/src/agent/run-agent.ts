/**
 * desktop/src/agent/run-agent.ts — the agent process: the socket server over a limit store and an audit file,
 * for the session it is given, until its stop signal.
 */
import { createFileAuditSink, createMemoryLimitStore, type Clock, type LimitStore } from '@mcp-warden/core'
import type { CentralPolicySource } from './policy/central-policy-source.js'
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
  /** Default: an in-memory store (limits reset when the agent restarts). */
  readonly limitStore?: LimitStore | undefined
  /**
   * The organisation's signed policy (`openCentralPolicy`); started with the agent and stopped with it. Without
   * one, `policy.snapshot` answers null and each proxy uses its own policy file (development opt-in).
   */
  readonly policy?: CentralPolicySource | undefined
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
  const audit = createFileAuditSink(options.auditFile)
  const policy = options.policy
  let server
  try {
    server = await startAgentServer({
      socketPath: options.socketPath,
      session: options.session,
      limitStore: options.limitStore ?? createMemoryLimitStore(),
      audit,
      policySnapshot: policy === undefined ? () => null : () => policy.snapshot(),
      version: options.version,
      clock: options.clock,
      onError: options.onError,
    })
  } catch (error) {
    await audit.close?.()
    throw error
  }
  // Only the agent that holds the socket polls the policy URL.
  void policy?.start()
  const running = server
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      policy?.close()
      void running
        .close()
        .then(() => audit.close?.())
        .catch((error: unknown) => options.onError?.(error))
        .finally(resolve)
    }
    if (options.signal.aborted) stop()
    else options.signal.addEventListener('abort', stop, { once: true })
  })
  return { socketPath: running.socketPath, stopped }
}
