import { describe, expect, it } from 'vitest'
import { agentEnvironment } from './governance-sources.js'

describe.runIf(process.platform === 'linux')('agentEnvironment', () => {
  const host = { PATH: '/usr/bin', HOME: '/home/alice', GITHUB_TOKEN: 'for the server only', MCP_WARDEN_DEV_SETTINGS: '/tmp/s.yaml' }

  it("keeps what the agent needs and none of the host's variables meant for the server", () => {
    expect(agentEnvironment(host, 1000, () => false)).toEqual({ PATH: '/usr/bin', HOME: '/home/alice', MCP_WARDEN_DEV_SETTINGS: '/tmp/s.yaml' })
  })

  it('finds the session bus under the systemd runtime directory when the host dropped it', () => {
    const exists = (path: string): boolean => path === '/run/user/1000' || path === '/run/user/1000/bus'
    expect(agentEnvironment(host, 1000, exists)).toMatchObject({ XDG_RUNTIME_DIR: '/run/user/1000', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' })
    expect(agentEnvironment({ ...host, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/mine' }, 1000, exists)['DBUS_SESSION_BUS_ADDRESS']).toBe('unix:path=/tmp/mine')
  })
})
