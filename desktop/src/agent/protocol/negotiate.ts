/**
 * desktop/src/agent/protocol/negotiate.ts — choosing the protocol version in `hello`.
 */
import { WardenError } from '@mcp-warden/core'

export interface VersionRange {
  readonly min: number
  readonly max: number
}

/**
 * The highest version both ranges hold, or an `ERR_AGENT_UNAVAILABLE` that says which side is older and so
 * must be updated.
 *
 * @example
 * negotiateProtocol({ min: 1, max: 2 }, { min: 1, max: 1 }) // → 1
 */
export function negotiateProtocol(client: VersionRange, agent: VersionRange): number {
  const chosen = Math.min(client.max, agent.max)
  if (chosen >= Math.max(client.min, agent.min)) return chosen
  const older = client.max < agent.min ? 'this mcp-warden proxy' : 'the MCP Warden agent'
  const message =
    `The MCP Warden agent speaks protocol ${agent.min}–${agent.max}, this client ${client.min}–${client.max}: ` +
    `${older} is older. Update ${older} (or install the same MCP Warden version everywhere) and try again.`
  throw new WardenError('ERR_AGENT_UNAVAILABLE', message)
}
