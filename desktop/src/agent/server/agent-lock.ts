/**
 * desktop/src/agent/server/agent-lock.ts — one agent per user: an exclusive lock file next to the socket, held
 * for the server's lifetime.
 *
 * Why a lock file and not just the socket: binding a Unix socket fails while its file exists, live or stale, so
 * a stale socket must be removed first, and "probe, unlink, listen" run by two starters at once lets the second
 * unlink the first one's live socket. Only the lock holder touches the socket, so that race cannot happen.
 *
 * How: the lock is created complete and atomically with `link(2)` of a temporary file holding our pid (so no one
 * ever reads a half-written lock); `link` fails with EEXIST when a lock exists. A lock whose pid is dead (agent
 * killed with -9) is stale; it is removed under a short-lived takeover file, so two starters never both remove
 * it and one of them the other's fresh lock. The only gap left: a starter killed inside that takeover (a few
 * system calls) leaves a takeover file with a dead pid, which the next starter removes without that protection.
 * A field-made library was not used: proper-lockfile judges staleness by mtime, so after a kill -9 a new agent
 * would wait out the stale period (10 s by default) or need an mtime refresh timer; a pid check answers at once.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { WardenError, isWardenError } from '@mcp-warden/core'
import { probeSocket } from './probe-socket.js'

/** A held lock. `release()` removes the file if it is still ours. */
export interface AgentLock {
  readonly path: string
  release(): void
}

export interface AcquireAgentLockOptions {
  readonly lockPath: string
  readonly socketPath: string
  /** How long a live lock holder may take to answer on the socket (it may be starting). Default 3000 ms. */
  readonly answerTimeoutMs?: number | undefined
}

const ALREADY_RUNNING = 'already-running'
const MAX_ATTEMPTS = 50

/**
 * True for the error {@link acquireAgentLock} (and so `startAgentServer`) rejects with when another agent of
 * this user is running: the caller connects to it, or exits quietly.
 *
 * @example
 * try { await startAgentServer(options) } catch (error) { if (isAgentAlreadyRunning(error)) return 0; throw error }
 */
export function isAgentAlreadyRunning(error: unknown): boolean {
  return isWardenError(error) && error.code === 'ERR_AGENT_UNAVAILABLE' && error.details?.['reason'] === ALREADY_RUNNING
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid in a lock file; `null` when the file is gone, `0` when it holds no pid (never a live one). */
function readPid(path: string): number | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const pid = Number.parseInt(text.trim(), 10)
  return Number.isInteger(pid) && pid > 0 ? pid : 0
}

/** Creates `path` holding our pid, complete, or returns false if it exists. */
function createExclusive(path: string): boolean {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}`
  writeFileSync(temporary, `${process.pid}\n`, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(temporary, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(temporary)
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

async function answersWithin(socketPath: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    if (await probeSocket(socketPath, Math.max(1, deadline - performance.now()))) return true
    if (performance.now() + wait >= deadline) return false
    await delay(wait)
  }
}

/** Removes the lock if it still names the dead `holder`, under the takeover file. */
async function removeStaleLock(lockPath: string, holder: number, attempt: number): Promise<void> {
  const takeover = `${lockPath}.takeover`
  if (!createExclusive(takeover)) {
    const owner = readPid(takeover)
    if (owner !== null && !isAlive(owner)) removeQuietly(takeover)
    else await delay(Math.min(2 ** attempt, 100))
    return
  }
  try {
    if (readPid(lockPath) === holder) removeQuietly(lockPath)
  } finally {
    removeQuietly(takeover)
  }
}

/**
 * Takes the agent lock, removing a stale one. Rejects with an "already running" `ERR_AGENT_UNAVAILABLE` (see
 * {@link isAgentAlreadyRunning}) when a live agent holds it and answers on `socketPath`.
 *
 * @example
 * const lock = await acquireAgentLock({ lockPath: `${dir}/agent.lock`, socketPath: `${dir}/agent.sock` })
 * try { … } finally { lock.release() }
 */
export async function acquireAgentLock(options: AcquireAgentLockOptions): Promise<AgentLock> {
  const { lockPath, socketPath, answerTimeoutMs = 3000 } = options
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(lockPath)) {
      return {
        path: lockPath,
        release: () => {
          if (readPid(lockPath) === process.pid) removeQuietly(lockPath)
        },
      }
    }
    const holder = readPid(lockPath)
    if (holder === null) continue
    if (holder !== 0 && isAlive(holder)) {
      if (await answersWithin(socketPath, answerTimeoutMs)) {
        throw new WardenError('ERR_AGENT_UNAVAILABLE', `An MCP Warden agent is already running (pid ${holder}, socket ${socketPath}). Connect to it, or stop it before starting another.`, {
          details: { reason: ALREADY_RUNNING, pid: holder },
        })
      }
      if (readPid(lockPath) === holder && isAlive(holder)) {
        throw new WardenError('ERR_AGENT_UNAVAILABLE', `Process ${holder} holds the MCP Warden agent lock ${lockPath} but does not answer on ${socketPath}. If it is not an MCP Warden agent, delete ${lockPath} and start the agent again.`)
      }
      continue
    }
    await removeStaleLock(lockPath, holder, attempt)
  }
  throw new WardenError('ERR_AGENT_UNAVAILABLE', `Could not take the MCP Warden agent lock ${lockPath}: other agents keep starting and stopping. Try again.`)
}
