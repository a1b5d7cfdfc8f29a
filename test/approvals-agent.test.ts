/**
 * `effect: ask` through the agent's approvals queue, end to end with real parts: `mcp-warden login --device` against
 * the development IdP, the session in a real gnome-keyring on a private D-Bus bus, the proxy in agent mode in front
 * of server-everything, driven by the MCP SDK's Client without the elicitation capability, and the person answering
 * with `mcp-warden approvals list|allow|deny`.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` / CI): skipped with a message without
 * them, and failing instead when MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditRecord } from '../shared/src/index.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy, type ToolResult } from './helpers/governed.js'
import { connectProxy, EVERYTHING, keyringSuite, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const { skip, title } = keyringSuite('approvals through the agent')

const DENIAL = 'dev.mcpwarden/denial'
const POLICY = testPolicy(`rules:
  - { id: echo-needs-approval, effect: ask, askTimeoutSeconds: 60, subjects: { groups: [engineering] }, servers: [everything], tools: [echo] }
  - { id: sums-quick-approval, effect: ask, askTimeoutSeconds: 1, subjects: { groups: [engineering] }, servers: [everything], tools: [get-sum] }
`)

interface Pending {
  id: string
  question: { server: string; target: string; argumentNames: string[]; argumentsPreview?: string; ruleIds: string[]; timeoutSeconds: number }
}

let world: SignedInWorld
let host: Client

async function approvals(...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNode([CLI, 'approvals', ...argv], world.env)
}

async function pending(): Promise<Pending[]> {
  const listed = await approvals('list', '--json')
  expect(listed.code).toBe(0)
  return (JSON.parse(listed.stdout) as { pending: Pending[] }).pending
}

/** The one question waiting, once the proxy has queued it. */
async function waitingQuestion(): Promise<Pending> {
  await expect.poll(async () => (await pending()).length, { timeout: 10_000, interval: 100 }).toBe(1)
  return (await pending())[0] as Pending
}

async function lastDecision(target: string): Promise<AuditRecord | undefined> {
  const records = await world.readAudit()
  return records.filter((r) => r.kind === 'decision' && r.method === 'tools/call' && r.target === target).at(-1)
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    world = await startSignedInWorld({ prefix: 'warden-approvals-', policy: POLICY })
    expect((await world.login('alice')).code).toBe(0)
    // No elicitation capability: the proxy falls back to the agent's queue.
    host = await connectProxy(world, { name: 'everything', upstream: EVERYTHING, clientName: 'warden-approvals-e2e' })
  })

  afterAll(async () => {
    await host?.close()
    await world?.stop()
  })

  it('queues the call with a masked preview; `mcp-warden approvals allow ID` lets it through, and the audit says so', async () => {
    const call = host.callTool({ name: 'echo', arguments: { message: 'mail ada@example.org' } }) as Promise<ToolResult>
    const question = await waitingQuestion()
    expect(question.question).toMatchObject({
      server: 'everything',
      target: 'echo',
      argumentNames: ['message'],
      argumentsPreview: '{"message":"mail [REDACTED:EMAIL]"}',
      ruleIds: ['echo-needs-approval'],
      timeoutSeconds: 60,
    })
    const text = await approvals('list')
    expect(text.stdout).toContain(`${question.id}  everything/echo  (rule echo-needs-approval;`)
    expect(text.stdout).not.toContain('ada@example.org')

    const allowed = await approvals('allow', question.id)
    expect([allowed.code, allowed.stdout]).toEqual([0, `Allowed ${question.id}: the call goes through.\n`])
    const result = await call
    expect(result.isError ?? false).toBe(false)
    expect(result.content[0]?.text).toBe('Echo: mail [REDACTED:EMAIL]')
    expect(await lastDecision('echo')).toMatchObject({
      decision: 'allow',
      reasons: ['echo-needs-approval', 'approval:allowed-by-user', 'approval-via:agent'],
      identity: { subject: 'alice' },
    })
    expect(await pending()).toEqual([])
  })

  it('`mcp-warden approvals deny ID` refuses the call with a reason; the same id cannot be answered twice', async () => {
    const call = host.callTool({ name: 'echo', arguments: { message: 'no' } }) as Promise<ToolResult>
    const question = await waitingQuestion()
    expect((await approvals('deny', question.id)).code).toBe(0)
    const result = await call
    expect(result.isError).toBe(true)
    expect(result._meta?.[DENIAL]?.code).toBe('ERR_POLICY_DENIED')
    expect(result.content[0]?.text).toContain('declined by you')
    expect(await lastDecision('echo')).toMatchObject({ decision: 'deny', code: 'ERR_POLICY_DENIED', reasons: ['echo-needs-approval', 'approval:declined', 'approval-via:agent'] })
    const again = await approvals('allow', question.id)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('was answered already, expired, or its call was withdrawn')
  })

  it('denies with ERR_APPROVAL_TIMEOUT when nobody answers, and the question leaves the queue', async () => {
    const result = (await host.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })) as ToolResult
    expect(result.isError).toBe(true)
    expect(result._meta?.[DENIAL]?.code).toBe('ERR_APPROVAL_TIMEOUT')
    const decision = await lastDecision('get-sum')
    expect(decision).toMatchObject({ decision: 'deny', code: 'ERR_APPROVAL_TIMEOUT' })
    expect(decision?.reasons.slice(0, 2)).toEqual(['sums-quick-approval', 'approval:timeout'])
    expect(await pending()).toEqual([])
  })
})
