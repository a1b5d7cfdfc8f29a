import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppBackend } from '../contract/ipc-contract.js'
import type { ClientInstallers } from '../../installers/client-config.js'
import { createAppBackend } from './create-app-backend.js'
import { createClientHandlers, PLAN_TTL_MS } from './clients.js'

let dir: string
let backend: AppBackend
const opened: string[] = []
let applied = 0

const installers: ClientInstallers = {
  detectClients: async () => [],
  planChange: async (_context, client, action) => ({
    plan: { client, action, configPath: '/c.json', diff: '-a\n+b', summary: ['x: launched through mcp-warden proxy'] },
    apply: async () => (applied += 1, 'Restart Cursor to use the protected servers.'),
  }),
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-app-backend-'))
  // Settings whose agent socket directory holds no agent.
  await writeFile(join(dir, 'settings.yaml'), `identity:\n  issuer: http://127.0.0.1:9/\n  clientId: app-test\n  allowInsecureLoopbackHttp: true\nagent:\n  socketDir: ${join(dir, 'run')}\n`)
  backend = await createAppBackend({
    env: { MCP_WARDEN_DEV_SETTINGS: join(dir, 'settings.yaml'), XDG_STATE_HOME: join(dir, 'state'), HOME: dir },
    openExternal: async (url) => void opened.push(url),
    writeClipboard: () => undefined,
    launcher: { command: 'mcp-warden', args: [] },
    installers,
    openAtLogin: { get: () => false, set: () => undefined },
    stateDir: join(dir, 'app'),
  })
})
afterEach(async () => {
  await backend.close()
  await rm(dir, { recursive: true, force: true })
})

describe('createAppBackend', () => {
  it('reports the agent down with what to do, instead of failing, and has no policy to show then', async () => {
    const status = await backend.handlers['app:status']({})
    expect(status).toEqual({
      agent: { state: 'down', message: expect.stringMatching(/agent is not running.*`mcp-warden agent`/) },
      session: null,
      policy: null,
      today: { calls: 0, blocked: 0 },
      pendingApprovals: 0,
    })
    expect(await backend.handlers['policy:get']({})).toBeNull()
    await expect(backend.handlers['approvals:list']({})).rejects.toMatchObject({ code: 'ERR_AGENT_UNAVAILABLE' })
  })

  it('opens only http(s) addresses in the browser', async () => {
    await backend.handlers['shell:open']({ url: 'https://login.example.com/device?code=AB' })
    expect(opened).toEqual(['https://login.example.com/device?code=AB'])
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      await expect(backend.handlers['shell:open']({ url })).rejects.toMatchObject({ code: 'ERR_USAGE', message: 'Only http and https addresses can be opened in the browser; this one was refused.' })
    }
    expect(opened).toHaveLength(1)
  })

  it('refuses a sign-in id it does not know, saying to start again', async () => {
    await expect(backend.handlers['signin:wait']({ flowId: 'nope' })).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringMatching(/Start the sign-in again/) })
  })
})

describe('clients:plan and clients:apply', () => {
  it('applies a plan once, by its id, and refuses it after it expired', async () => {
    let now = 1_000
    const clients = createClientHandlers({ env: {}, launcher: { command: 'm', args: [] }, installers, stateDir: dir } as never, () => now)
    const { planId, plan } = await clients.plan({ client: 'cursor', action: 'install' })
    expect(plan.summary).toEqual(['x: launched through mcp-warden proxy'])
    expect(await clients.apply({ planId })).toEqual({ message: 'Restart Cursor to use the protected servers.' })
    await expect(clients.apply({ planId })).rejects.toMatchObject({ code: 'ERR_USAGE' })
    const late = await clients.plan({ client: 'cursor', action: 'install' })
    now += PLAN_TTL_MS
    await expect(clients.apply({ planId: late.planId })).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringMatching(/Review it again/) })
    expect(applied).toBe(1)
  })
})
