import { describe, it, expect } from 'vitest'
import { filterServerEnvironment } from './filter-server-environment.js'

describe('filterServerEnvironment', () => {
  it.each([
    ['keeps the host-given variables', { PATH: '/bin', GITHUB_TOKEN: 'x' }, { PATH: '/bin', GITHUB_TOKEN: 'x' }],
    ['drops every MCP_WARDEN_ variable', { MCP_WARDEN_SOCKET: '/s', MCP_WARDEN_CONFIG: '/c', HOME: '/h' }, { HOME: '/h' }],
    ['drops ELECTRON_RUN_AS_NODE', { ELECTRON_RUN_AS_NODE: '1', A: 'a' }, { A: 'a' }],
    ['matches the prefix exactly and case-sensitively', { mcp_warden_x: '1', MCP_WARDENX: '2', X_MCP_WARDEN_Y: '3' }, { mcp_warden_x: '1', MCP_WARDENX: '2', X_MCP_WARDEN_Y: '3' }],
    ['leaves out unset entries', { A: undefined, B: '' }, { B: '' }],
  ])('%s', (_name, env, expected) => {
    expect(filterServerEnvironment(env)).toEqual(expected)
  })

  it('does not change its input', () => {
    const env = { MCP_WARDEN_SOCKET: '/s', A: 'a' }
    filterServerEnvironment(env)
    expect(env).toEqual({ MCP_WARDEN_SOCKET: '/s', A: 'a' })
  })
})
