import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryAuditSink, createMemoryLimitStore } from '@mcp-warden/core'
import { createApprovalQueue, type ApprovalQueue } from '../agent/approvals/approval-queue.js'
import type { ApprovalQuestion } from '../agent/protocol/schemas.js'
import { startAgentServer, type AgentServer } from '../agent/server/agent-server.js'
import { devSettings } from './dev-idp-command.js'
import { main } from './main.js'
import { createTestIo } from './testing/test-io.js'

const QUESTION: ApprovalQuestion = {
  server: 'files',
  target: 'write_file',
  method: 'tools/call',
  argumentNames: ['path', 'content'],
  argumentsPreview: '{"path":"/tmp/a","content":"[REDACTED:EMAIL]"}',
  ruleIds: ['writes-need-approval'],
  timeoutSeconds: 60,
}

let dir: string
let env: NodeJS.ProcessEnv
let queue: ApprovalQueue
let agent: AgentServer | undefined

async function startAgent(): Promise<void> {
  agent = await startAgentServer({
    socketPath: join(dir, 'agent.sock'),
    session: { status: async () => ({ state: 'signed-out', reason: 'never' }) } as never,
    limitStore: createMemoryLimitStore(),
    audit: createMemoryAuditSink(),
    version: '9.9.9',
    policySnapshot: () => null,
    approvals: queue,
  })
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = createTestIo({ env })
  const code = await main(['approvals', ...argv], io)
  return { code, out: io.out(), err: io.err() }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-approvals-cli-'))
  writeFileSync(join(dir, 'settings.yaml'), `${devSettings('http://127.0.0.1:1/idp', 'cli')}agent: { socketDir: ${JSON.stringify(dir)} }\n`)
  env = { MCP_WARDEN_DEV_SETTINGS: join(dir, 'settings.yaml'), XDG_CONFIG_HOME: join(dir, 'config') }
  queue = createApprovalQueue()
})

afterEach(async () => {
  await agent?.close()
  agent = undefined
  rmSync(dir, { recursive: true, force: true })
})

describe('mcp-warden approvals', () => {
  it('lists the waiting calls with their masked preview, as text and as JSON', async () => {
    await startAgent()
    expect((await run('list')).out).toBe('No calls are waiting for your approval.\n')
    const asked = new AbortController()
    void queue.request(QUESTION, asked.signal)
    const [pending] = queue.list()
    const listed = await run('list')
    expect(listed.code).toBe(0)
    expect(listed.out).toContain(`${pending?.id}  files/write_file  (rule writes-need-approval; 60 s left)`)
    expect(listed.out).toContain('  arguments: path, content\n  preview:   {"path":"/tmp/a","content":"[REDACTED:EMAIL]"}')
    expect(JSON.parse((await run('list', '--json')).out)).toEqual({ pending: queue.list() })
    asked.abort()
  })

  it('shows control characters from MCP peers escaped, never raw', async () => {
    await startAgent()
    const asked = new AbortController()
    void queue.request({ ...QUESTION, target: 'write\u001b[2Jfile\nfake line', argumentNames: ['a\u202eb'] }, asked.signal)
    const listed = (await run('list')).out
    expect(listed).toContain('files/write\\u001b[2Jfile\\u000afake line')
    expect(listed).toContain('  arguments: a\\u202eb')
    expect(listed).not.toMatch(/[\u001b\u202e]/)
    asked.abort()
  })

  it('allow and deny answer the question the proxy waits on; an unknown id says how to find one', async () => {
    await startAgent()
    const allowed = queue.request(QUESTION, new AbortController().signal)
    const denied = queue.request(QUESTION, new AbortController().signal)
    const [first, second] = queue.list()
    expect(await run('allow', first!.id)).toMatchObject({ code: 0, out: `Allowed ${first!.id}: the call goes through.\n` })
    expect(await run('deny', second!.id)).toMatchObject({ code: 0, out: `Denied ${second!.id}: the call is refused.\n` })
    expect([await allowed, await denied]).toEqual([{ answer: 'allow' }, { answer: 'deny' }])
    const again = await run('allow', first!.id)
    expect(again.code).toBe(1)
    expect(again.err).toContain('was answered already, expired, or its call was withdrawn. List the pending ones with `mcp-warden approvals list`.')
  })

  it('says how to start an agent when none runs', async () => {
    const result = await run('list')
    expect(result.code).toBe(1)
    expect(result.err).toContain(`No MCP Warden agent is running (nothing answers on ${join(dir, 'agent.sock')})`)
    expect(result.err).toContain('start the MCP Warden app or run `mcp-warden agent`. (ERR_AGENT_UNAVAILABLE)')
  })

  it.each([
    [[], 'Say what to do: list, allow ID or deny ID.'],
    [['approve', 'x'], 'Unknown approvals command "approve"'],
    [['allow'], 'Give one approval ID'],
    [['deny', 'a', 'b'], 'Give one approval ID'],
    [['allow', 'x', '--json'], '--json applies to `approvals list` only.'],
  ])('refuses %j with a usage error (exit 2)', async (argv, message) => {
    const result = await run(...argv)
    expect(result.code).toBe(2)
    expect(result.err).toContain(message)
  })
})
