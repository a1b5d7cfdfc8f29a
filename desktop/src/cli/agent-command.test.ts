import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AgentSession } from '../agent/session/agent-session.js'
import { connectAgent } from '../agent/client/agent-client.js'
import { verifyAuditLog, type AuditRecord } from '@mcp-warden/core'
import { defaultAuditDir, defaultAuditSpoolDir } from '../agent/audit/audit-paths.js'
import { AGENT_HELP, agentCommand } from './agent-command.js'
import { createTestIo, type TestIo } from './testing/test-io.js'
import { main } from './main.js'

const status = { state: 'signed-out', reason: 'never' } as const
const session: AgentSession = {
  status: async () => status,
  reload: async () => status,
  idToken: async () => ({ token: 'id-1', expiresAt: 2e9 }),
  upstreamToken: async () => ({ token: 'up', expiresAt: 2e9 }),
}

function testIo(stopSignal?: AbortSignal, env: NodeJS.ProcessEnv = {}): TestIo {
  return createTestIo({ stopSignal, env })
}

let dir: string
let socketPath: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-agent-cli-'))
  socketPath = join(dir, 'run', 'agent.sock')
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('mcp-warden agent', () => {
  it('prints its help', async () => {
    const io = testIo()
    expect(await main(['agent', '--help'], io)).toBe(0)
    expect(io.out()).toBe(AGENT_HELP)
  })

  it('refuses an unknown option with exit code 2', async () => {
    expect(await main(['agent', '--sockets', socketPath], testIo())).toBe(2)
  })

  it('says which settings are missing when it has no identity provider to sign in with', async () => {
    const io = testIo(undefined, { MCP_WARDEN_DEV_SETTINGS: join(dir, 'missing-settings.yaml') })
    expect(await main(['agent', '--socket', socketPath], io)).toBe(2)
    await io.logged('MCP_WARDEN_DEV_SETTINGS names')
    expect(existsSync(socketPath)).toBe(false)
  })

  it('refuses a retention that is not a whole number from 1, with exit code 2', async () => {
    const io = testIo()
    expect(await main(['agent', '--socket', socketPath, '--audit-keep-files', '0'], io)).toBe(2)
    await io.logged('--audit-keep-files must be a whole number from 1, e.g. --audit-keep-files 90.')
  })

  it('serves until stopped, exits 0 and removes its socket; a second one exits 0 at once', async () => {
    const stop = new AbortController()
    const io = testIo(stop.signal, { XDG_STATE_HOME: join(dir, 'state') })
    const auditDir = join(dir, 'audit')
    const args = ['--socket', socketPath, '--audit-dir', auditDir, '--audit-keep-files', '3', '--audit-keep-mb', '10']
    const running = agentCommand(args, io, { createSession: async () => session })
    await io.logged(`listening on ${socketPath}`)

    const second = testIo()
    expect(await agentCommand(args, second, { createSession: async () => session })).toBe(0)
    await second.logged('already running')

    const client = await connectAgent({ socketPath, client: { name: 't', version: '1' }, server: { name: 's' } })
    expect(await client.sessionStatus()).toEqual(status)
    await client.appendAudit(record)
    client.close()
    stop.abort()
    expect(await running).toBe(0)
    expect(existsSync(socketPath)).toBe(false)
    expect(await verifyAuditLog(auditDir)).toMatchObject({ ok: true, files: 1, entries: 1 })
  })
})

const record: AuditRecord = {
  id: 'r1',
  time: '2026-12-04T12:00:00.000Z',
  kind: 'decision',
  direction: 'to-server',
  server: 's',
  sessionId: 'x',
  method: 'tools/call',
  identity: null,
  decision: 'allow',
  reasons: [],
  findings: [],
  modifications: [],
  outcome: 'forwarded',
  latencyMs: 1,
}

describe('defaultAuditDir and defaultAuditSpoolDir', () => {
  it.each([
    ['linux', {}, '/home/a/.local/state/mcp-warden'],
    ['linux', { XDG_STATE_HOME: '/state' }, '/state/mcp-warden'],
    ['linux', { XDG_STATE_HOME: 'relative' }, '/home/a/.local/state/mcp-warden'],
    ['darwin', {}, '/home/a/Library/Application Support/MCP Warden'],
  ] as const)('on %s with %o', (platform, env, expected) => {
    expect(defaultAuditDir(env, platform, '/home/a')).toBe(`${expected}/audit`)
    expect(defaultAuditSpoolDir(env, platform, '/home/a')).toBe(`${expected}/audit-spool`)
  })
})
