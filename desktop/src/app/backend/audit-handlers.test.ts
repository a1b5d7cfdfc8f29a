import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createChainedAuditLog, type AuditRecord } from '@mcp-warden/core'
import type { AppBackendOptions } from '../contract/ipc-contract.js'
import type { ClientInstallers } from '../../installers/client-config.js'
import { listServers, queryAudit, todayTotals } from './audit-handlers.js'
import { createAuditIndex } from './audit-index.js'

let dir: string

function record(overrides: Partial<AuditRecord>): AuditRecord {
  return {
    id: `r-${Math.random()}`,
    time: new Date().toISOString(),
    kind: 'decision',
    direction: 'to-server',
    server: 'files',
    sessionId: 'session-secret-id',
    method: 'tools/call',
    target: 'read_file',
    requestId: 7,
    identity: { issuer: 'https://idp', subject: 'alice', email: 'alice@example.com' },
    decision: 'allow',
    reasons: ['engineers-read'],
    policyRevision: '3',
    findings: [],
    modifications: [],
    outcome: 'forwarded',
    latencyMs: 1.5,
    ...overrides,
  }
}

async function write(records: AuditRecord[]): Promise<void> {
  const log = createChainedAuditLog({ dir })
  for (const r of records) await log.append(r)
  await log.close()
}

const installers: ClientInstallers = {
  detectClients: async () => [
    { client: 'cursor', label: 'Cursor', configPath: '/c.json', state: 'found', launcherMissing: false, servers: [{ name: 'files', kind: 'stdio', protected: true, drift: false }, { name: 'raw', kind: 'stdio', protected: false, drift: true }] },
    { client: 'vscode', label: 'VS Code', configPath: '/v.json', state: 'found', launcherMissing: false, servers: [{ name: 'wiki', kind: 'stdio', protected: true, drift: false }] },
  ],
  planChange: async () => {
    throw new Error('not used')
  },
}
const options = { env: {}, launcher: { command: 'mcp-warden', args: [] }, installers, stateDir: '/state' } as unknown as AppBackendOptions

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-app-audit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('audit:query', () => {
  it('answers newest first, without session or request ids, and only newer entries after a cursor', async () => {
    await write([record({ target: 'a' }), record({ target: 'b', decision: 'deny', code: 'ERR_POLICY_DENIED', stage: 'policy', reasons: [], outcome: 'denied' })])
    const index = createAuditIndex(dir)
    const first = await queryAudit(index, { filter: {}, limit: 50 })
    expect(first.entries.map((e) => [e.id, e.target, e.decision])).toEqual([
      ['2', 'b', 'deny'],
      ['1', 'a', 'allow'],
    ])
    expect(first.entries[0]).toMatchObject({ code: 'ERR_POLICY_DENIED', stage: 'policy', user: 'alice@example.com', policyRevision: '3' })
    expect(JSON.stringify(first)).not.toMatch(/session-secret-id|requestId/)

    expect((await queryAudit(index, { filter: {}, after: '2', limit: 50 })).entries).toEqual([])
    await write([record({ target: 'c' })])
    expect((await queryAudit(index, { filter: {}, after: '2', limit: 50 })).entries.map((e) => e.target)).toEqual(['c'])
  })

  it('filters by server, tool, decision and time, and caps the answer at the limit', async () => {
    const old = new Date(Date.now() - 3 * 86400_000).toISOString()
    await write([record({ server: 'wiki', target: 'search' }), record({ time: old }), record({ decision: 'deny', target: 'write_file' }), record({})])
    const index = createAuditIndex(dir)
    const ids = async (filter: Parameters<typeof queryAudit>[1]['filter'], limit = 50): Promise<string[]> => (await queryAudit(index, { filter, limit })).entries.map((e) => e.id)
    expect(await ids({ server: 'wiki' })).toEqual(['1'])
    expect(await ids({ tool: 'write_file' })).toEqual(['3'])
    expect(await ids({ decision: 'allow', server: 'files' })).toEqual(['4', '2'])
    expect(await ids({ since: new Date(Date.now() - 86400_000).toISOString() })).toEqual(['4', '3', '1'])
    expect(await ids({ until: old })).toEqual(['2'])
    expect(await ids({}, 2)).toEqual(['4', '3'])
  })

  it('refuses a time that is not a date and a cursor that is not an entry id, saying what to pass', async () => {
    const index = createAuditIndex(dir)
    await expect(queryAudit(index, { filter: { since: 'yesterday' }, limit: 5 })).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringMatching(/ISO 8601/) })
    await expect(queryAudit(index, { filter: {}, after: 'abc', limit: 5 })).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringMatching(/id of an entry/) })
  })

  it('reads an audit directory that does not exist yet as empty', async () => {
    expect(await queryAudit(createAuditIndex(join(dir, 'none')), { filter: {}, limit: 5 })).toEqual({ entries: [] })
  })
})

describe('servers:list and the totals of today', () => {
  it("counts today's calls and blocks per server, with the clients that launch it, and its last decision", async () => {
    const yesterday = new Date(Date.now() - 2 * 86400_000).toISOString()
    await write([
      record({ time: yesterday }),
      record({}),
      record({ target: undefined, method: 'tools/list' }),
      record({ kind: 'result', outcome: 'ok' }),
      record({ decision: 'deny', target: 'write_file', code: 'ERR_POLICY_DENIED', outcome: 'denied' }),
      record({ server: 'other', target: 'x' }),
    ])
    const index = createAuditIndex(dir)
    expect(await todayTotals(index)).toEqual({ calls: 3, blocked: 1 })
    const { servers } = await listServers(index, options)
    expect(servers.map((s) => [s.server, s.clients, s.calls, s.blocked, s.last?.decision ?? null, s.last?.target ?? null])).toEqual([
      ['files', ['cursor'], 2, 1, 'deny', 'write_file'],
      ['other', [], 1, 0, 'allow', 'x'],
      ['wiki', ['vscode'], 0, 0, null, null],
    ])
  })
})
