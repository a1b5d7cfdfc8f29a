import { describe, expect, it } from 'vitest'
import { agentSocketFor, agentSocketPath, isNamedPipe } from './socket-path.js'

const alice = { uid: 1000, username: 'alice', homedir: '/home/alice' }
const long = { uid: 501, username: 'bob', homedir: `/Users/${'b'.repeat(60)}` }

describe('agentSocketPath', () => {
  it.each([
    ['linux', { XDG_RUNTIME_DIR: '/run/user/1000' }, alice, '/run/user/1000/mcp-warden/agent.sock'],
    ['linux', {}, alice, '/home/alice/.local/state/mcp-warden/run/agent.sock'],
    ['linux', { XDG_RUNTIME_DIR: 'relative/dir' }, alice, '/home/alice/.local/state/mcp-warden/run/agent.sock'],
    ['darwin', {}, { ...alice, homedir: '/Users/alice' }, '/Users/alice/Library/Application Support/MCP Warden/run/agent.sock'],
    ['darwin', { XDG_RUNTIME_DIR: '/tmp/xdg' }, alice, '/tmp/xdg/mcp-warden/agent.sock'],
    // 104-byte sun_path on macOS: too long a home falls back to a short private directory under /tmp
    ['darwin', {}, long, '/tmp/mcp-warden-501/agent.sock'],
    ['linux', { XDG_RUNTIME_DIR: `/run/${'x'.repeat(100)}` }, alice, '/tmp/mcp-warden-1000/agent.sock'],
    ['win32', {}, { ...alice, username: 'Alice Smith' }, '\\\\.\\pipe\\mcp-warden-Alice_Smith'],
  ] as const)('on %s with %o is right', (platform, env, user, expected) => {
    expect(agentSocketPath(env, platform, user, () => false)).toBe(expected)
  })

  it('finds the systemd runtime directory on Linux when a host dropped XDG_RUNTIME_DIR from the environment', () => {
    const exists = (path: string): boolean => path === '/run/user/1000'
    expect(agentSocketPath({}, 'linux', alice, exists)).toBe('/run/user/1000/mcp-warden/agent.sock')
    expect(agentSocketPath({ XDG_RUNTIME_DIR: '/tmp/xdg' }, 'linux', alice, exists)).toBe('/tmp/xdg/mcp-warden/agent.sock')
    expect(agentSocketPath({}, 'darwin', { ...alice, homedir: '/Users/alice' }, exists)).toBe('/Users/alice/Library/Application Support/MCP Warden/run/agent.sock')
  })

  it('keeps a Linux path of 107 bytes, the most sun_path holds there', () => {
    const dir = `/r/${'x'.repeat(107 - '/r/'.length - '/mcp-warden/agent.sock'.length)}`
    const path = agentSocketPath({ XDG_RUNTIME_DIR: dir }, 'linux', alice)
    expect(path.length).toBe(107)
    expect(path.startsWith(dir)).toBe(true)
  })

  it("uses the directory the organisation's settings name, else the platform's place", () => {
    expect(agentSocketFor({}, { agent: { socketDir: '/run/mcp-warden' } })).toBe('/run/mcp-warden/agent.sock')
    expect(agentSocketFor({ XDG_RUNTIME_DIR: '/tmp/xdg' }, {})).toBe(agentSocketPath({ XDG_RUNTIME_DIR: '/tmp/xdg' }, process.platform))
  })

  it('tells a named pipe from a Unix socket path', () => {
    expect(isNamedPipe('\\\\.\\pipe\\mcp-warden-alice')).toBe(true)
    expect(isNamedPipe('/run/user/1000/mcp-warden/agent.sock')).toBe(false)
  })
})
