/**
 * desktop/src/agent/client/ensure-agent.ts — connect to the user's agent, starting one when none answers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import { WardenError, isWardenError } from '@mcp-warden/core'
import { connectAgent, type AgentClient, type ConnectAgentOptions } from './agent-client.js'
import { START_HINT, UNREACHABLE } from './agent-connection.js'

export interface EnsureAgentOptions extends ConnectAgentOptions {
  /**
   * Starts an agent (see {@link spawnDetachedAgent}). Several proxies may call it at once: the agents they start
   * settle among themselves, one serves and the others exit.
   */
  readonly spawnAgent: () => ChildProcess | void
  /** How long to wait for the started agent to answer. Default 10000 ms. */
  readonly readyTimeoutMs?: number | undefined
}

function isUnreachable(error: unknown): boolean {
  return isWardenError(error) && error.details?.['reason'] === UNREACHABLE
}

/** Resolves when `child` exits, with its exit code; never when there is no child. */
function exitOf(child: ChildProcess | void): Promise<number | null> {
  if (child === undefined) return new Promise(() => undefined)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/**
 * Connects to the agent; if none answers, calls `spawnAgent` once and retries with backoff (10 ms doubling to
 * 250 ms) until it answers or `readyTimeoutMs` passes. A started agent that exits with a non-zero code ends the
 * wait at once. Rejects with `ERR_AGENT_UNAVAILABLE` that says what to do.
 *
 * @example
 * const agent = await ensureAgent({ socketPath, client, server, spawnAgent: () => spawnDetachedAgent(process.execPath, [cli, 'agent']) })
 */
export async function ensureAgent(options: EnsureAgentOptions): Promise<AgentClient> {
  if (typeof options?.spawnAgent !== 'function') throw new TypeError('ensureAgent: options.spawnAgent must be a function')
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000
  if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0) throw new TypeError('ensureAgent: options.readyTimeoutMs must be a positive number')
  try {
    return await connectAgent(options)
  } catch (error) {
    if (!isUnreachable(error)) throw error
  }
  const child = options.spawnAgent()
  let exitCode: number | null | undefined
  const exited = exitOf(child).then((code) => (exitCode = code))
  const deadline = performance.now() + readyTimeoutMs
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    try {
      return await connectAgent({ ...options, timeoutMs: Math.max(1, Math.min(options.timeoutMs ?? 5000, deadline - performance.now())) })
    } catch (error) {
      if (!isUnreachable(error)) throw error
    }
    if (exitCode !== undefined && exitCode !== 0) {
      throw new WardenError('ERR_AGENT_UNAVAILABLE', `The MCP Warden agent could not start (it exited with code ${exitCode}). Run \`mcp-warden agent\` in a terminal to see why.`)
    }
    const left = deadline - performance.now()
    if (left <= 0) break
    // Until the started agent exits, its exit also wakes the wait; after that, only the backoff does.
    await (exitCode === undefined ? Promise.race([delay(Math.min(wait, left)), exited]) : delay(Math.min(wait, left)))
  }
  throw new WardenError('ERR_AGENT_UNAVAILABLE', `The MCP Warden agent did not start within ${readyTimeoutMs} ms. ${START_HINT}`)
}

/**
 * Starts an agent process that outlives its starter: detached, no stdio (a proxy's stdout carries only protocol
 * frames, and an agent must not hold a host's pipes open), unreferenced. Pass the agent's own command: the socket
 * path is the agent's business and is never passed to an MCP server.
 *
 * @example
 * spawnDetachedAgent(process.execPath, [cliPath, 'agent'])
 */
export function spawnDetachedAgent(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, [...args], { detached: true, stdio: 'ignore', env, shell: false })
  child.unref()
  return child
}
