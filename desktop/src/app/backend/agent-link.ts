/**
 * desktop/src/app/backend/agent-link.ts — the app's one connection to the user's agent: opened when first needed,
 * opened again on the next call after the agent went away, never starting an agent itself (the app's main process
 * does at start, and proxies do on their next call). "Agent down" is a state the screens show, not a crash.
 */
import { isWardenError } from '@mcp-warden/core'
import { connectAgent, type AgentClient } from '../../agent/client/index.js'

/** The app as the agent's log names it. */
const APP_CLIENT = { name: 'mcp-warden app', version: '0.1.0' } as const

export interface AgentLink {
  /**
   * Runs `call` on a connected agent. Rejects with ERR_AGENT_UNAVAILABLE (its message says what to do) when no
   * agent answers; the next call tries again.
   */
  use<T>(call: (agent: AgentClient) => Promise<T>): Promise<T>
  close(): void
}

export interface AgentLinkOptions {
  /** `agentSocketFor(env, settings)`, resolved when first needed (the settings may be missing at start). */
  readonly socketPath: () => Promise<string>
  /** Per request. Default 3000 ms: the screens poll, a hung agent must not freeze them. */
  readonly timeoutMs?: number
}

function isAgentGone(error: unknown): boolean {
  return isWardenError(error) && error.code === 'ERR_AGENT_UNAVAILABLE'
}

/**
 * @example
 * const link = createAgentLink({ socketPath: async () => agentSocketFor(env, (await loadOrgSettings({ env })).settings) })
 * const status = await link.use((agent) => agent.sessionStatus())
 */
export function createAgentLink(options: AgentLinkOptions): AgentLink {
  const timeoutMs = options.timeoutMs ?? 3000
  let current: AgentClient | undefined
  let connecting: Promise<AgentClient> | undefined

  const connected = async (): Promise<AgentClient> => {
    if (current !== undefined) return current
    connecting ??= options
      .socketPath()
      .then((socketPath) => connectAgent({ socketPath, client: APP_CLIENT, server: { name: 'app' }, timeoutMs }))
      .then((client) => (current = client))
      .finally(() => (connecting = undefined))
    return connecting
  }

  return {
    async use(call) {
      const agent = await connected()
      try {
        return await call(agent)
      } catch (error) {
        if (isAgentGone(error) && current === agent) {
          current = undefined
          agent.close()
        }
        throw error
      }
    },
    close() {
      current?.close()
      current = undefined
    },
  }
}
