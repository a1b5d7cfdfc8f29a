/**
 * desktop/src/cli/agent-notify.ts — what the sign-in verbs ask of a running agent: read the session again, or say
 * how it sees it. They never start one: an agent that starts later reads the keychain anyway.
 */
import { isWardenError } from '@mcp-warden/core'
import { connectAgent, type AgentClient } from '../agent/client/index.js'
import { VERSION } from './main.js'

/**
 * Runs `use` against the agent answering on `socketPath` (`agentSocketFor(env, settings)`); resolves `undefined`
 * when no agent answers.
 *
 * @example
 * const status = await withRunningAgent(agentSocketFor(io.env, loaded.settings), 'mcp-warden status', (agent) => agent.sessionStatus())
 */
export async function withRunningAgent<T>(socketPath: string, who: string, use: (agent: AgentClient) => Promise<T>): Promise<T | undefined> {
  let agent: AgentClient
  try {
    agent = await connectAgent({ socketPath, client: { name: who, version: VERSION }, server: { name: 'cli' }, timeoutMs: 3000 })
  } catch (error) {
    if (isWardenError(error) && error.code === 'ERR_AGENT_UNAVAILABLE') return undefined
    throw error
  }
  try {
    return await use(agent)
  } finally {
    agent.close()
  }
}
