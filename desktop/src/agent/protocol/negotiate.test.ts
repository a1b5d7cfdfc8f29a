import { describe, expect, it } from 'vitest'
import { negotiateProtocol } from './negotiate.js'

describe('negotiateProtocol', () => {
  it.each([
    [{ min: 1, max: 1 }, { min: 1, max: 1 }, 1],
    [{ min: 1, max: 3 }, { min: 2, max: 2 }, 2],
    [{ min: 2, max: 5 }, { min: 1, max: 4 }, 4],
  ])('client %o and agent %o agree on %i', (client, agent, chosen) => {
    expect(negotiateProtocol(client, agent)).toBe(chosen)
  })

  it.each([
    [{ min: 1, max: 1 }, { min: 2, max: 3 }, 'Update this mcp-warden proxy'],
    [{ min: 3, max: 4 }, { min: 1, max: 2 }, 'Update the MCP Warden agent'],
  ])('client %o and agent %o do not overlap: the message names the older side', (client, agent, fix) => {
    expect(() => negotiateProtocol(client, agent)).toThrow(expect.objectContaining({ code: 'ERR_AGENT_UNAVAILABLE', message: expect.stringContaining(fix) }))
  })
})
