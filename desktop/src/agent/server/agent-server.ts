/**
 * desktop/src/agent/server/agent-server.ts — the agent's socket server: one per user, serving every proxy of
 * that user (session tokens, limit reservations, audit appends, the policy snapshot).
 */
import { chmodSync, lstatSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { systemClock, WardenError, type AuditSink, type Clock, type LimitStore } from '@mcp-warden/core'
import type { AgentSession } from '../session/agent-session.js'
import { isNamedPipe } from '../protocol/socket-path.js'
import { acquireAgentLock, type AgentLock } from './agent-lock.js'
import { createApprovalQueue, type ApprovalQueue } from '../approvals/approval-queue.js'
import { createHandlers, type HandlerContext } from './handlers.js'
import { ensurePrivateDirectory } from './private-directory.js'
import { probeSocket } from './probe-socket.js'
import { serveConnection } from './serve-connection.js'

export interface AgentServerOptions {
  readonly socketPath: string
  readonly session: AgentSession
  readonly limitStore: LimitStore
  readonly audit: AuditSink
  /** Placeholder source of `policy.snapshot` (any JSON value, e.g. `{ revision, text }`) until central policy lands. */
  readonly policySnapshot?: HandlerContext['policySnapshot'] | undefined
  /** Calls waiting for a person's approval (`approvals.*`). Default: a new, empty queue. */
  readonly approvals?: ApprovalQueue | undefined
  /** The agent's version, sent in `hello`. */
  readonly version: string
  /** Its monotonic clock times the rate buckets. Default: the system clock. */
  readonly clock?: Clock | undefined
  /** Unexpected failures (a handler that threw a non-WardenError); the client only sees ERR_INTERNAL. */
  readonly onError?: ((error: unknown) => void) | undefined
}

export interface AgentServer {
  readonly socketPath: string
  /** Stops listening, drops connections, removes the socket and the lock. Idempotent. */
  close(): Promise<void>
}

function checkOptions(options: AgentServerOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('startAgentServer: options must be an object')
  if (typeof options.socketPath !== 'string' || options.socketPath === '') throw new TypeError('startAgentServer: options.socketPath must be a non-empty string')
  for (const name of ['session', 'limitStore', 'audit'] as const) {
    if (typeof options[name] !== 'object' || options[name] === null) throw new TypeError(`startAgentServer: options.${name} is required`)
  }
  if (typeof options.version !== 'string' || options.version === '') throw new TypeError('startAgentServer: options.version must be a non-empty string')
  if (options.policySnapshot !== undefined && typeof options.policySnapshot !== 'function') throw new TypeError('startAgentServer: options.policySnapshot must be a function')
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Removes a socket file left by a dead agent; only the lock holder calls this. Anything else there is refused. */
function removeStaleSocket(socketPath: string): void {
  let stat
  try {
    stat = lstatSync(socketPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (!stat.isSocket()) {
    throw new WardenError('ERR_CONFIG_INVALID', `${socketPath} exists and is not a socket. Move it away, or choose another path with --socket.`)
  }
  rmSync(socketPath, { force: true })
}

function alreadyRunning(socketPath: string): WardenError {
  return new WardenError('ERR_AGENT_UNAVAILABLE', `An MCP Warden agent is already running (socket ${socketPath}). Connect to it, or stop it before starting another.`, {
    details: { reason: 'already-running' },
  })
}

/**
 * Starts the agent's server. Rejects with an "already running" error (`isAgentAlreadyRunning`) when another
 * agent of this user answers on the socket; removes what a killed agent left behind and listens otherwise.
 * On Unix the socket's directory must be private (checked), and the socket is made 0600.
 *
 * @example
 * const server = await startAgentServer({ socketPath, session, limitStore: createMemoryLimitStore(), audit, version: '0.1.0' })
 * process.once('SIGTERM', () => void server.close())
 */
export async function startAgentServer(options: AgentServerOptions): Promise<AgentServer> {
  checkOptions(options)
  const { socketPath } = options
  const handlers = createHandlers({
    session: options.session,
    limitStore: options.limitStore,
    audit: options.audit,
    policySnapshot: options.policySnapshot ?? (() => null),
    approvals: options.approvals ?? createApprovalQueue(),
    version: options.version,
    clock: options.clock ?? systemClock,
  })
  const onError = options.onError ?? (() => undefined)
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    serveConnection(socket, handlers, onError)
  })

  let lock: AgentLock | undefined
  if (isNamedPipe(socketPath)) {
    // A pipe vanishes with its process, so there is nothing stale to remove and no lock to take.
    try {
      await listen(server, socketPath)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && (await probeSocket(socketPath))) throw alreadyRunning(socketPath)
      throw error
    }
  } else {
    const dir = dirname(socketPath)
    ensurePrivateDirectory(dir)
    lock = await acquireAgentLock({ lockPath: join(dir, 'agent.lock'), socketPath })
    try {
      removeStaleSocket(socketPath)
      await listen(server, socketPath)
      chmodSync(socketPath, 0o600)
    } catch (error) {
      server.close()
      lock.release()
      throw error
    }
  }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    }).then(() => {
      if (lock === undefined) return
      rmSync(socketPath, { force: true })
      lock.release()
    })
    return closing
  }
  return { socketPath, close }
}
