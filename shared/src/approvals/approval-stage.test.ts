import { describe, expect, it } from 'vitest'
import { WardenError } from '../errors.js'
import type { JsonObject } from '../jsonrpc/message.js'
import type { MessageContext } from '../pipeline/types.js'
import { evaluatePolicy } from '../policy/evaluate-policy.js'
import { parsePolicy } from '../policy/parse-policy.js'
import { policyStage } from '../policy/policy-stage.js'
import { approvalStage } from './approval-stage.js'
import type { ApprovalAnswer, ApprovalRequest } from './approval-stage.js'

const policy = parsePolicy(
  JSON.stringify({
    version: 1,
    revision: 'r1',
    rules: [{ id: 'writes', effect: 'ask', askTimeoutSeconds: 5, subjects: { anyone: true }, servers: ['fs'], tools: ['write_file'] }],
  }),
  'json',
)
const identity = { issuer: 'https://idp.example', subject: 'u-1', groups: [], claims: {} }

function askCall(args: JsonObject = { path: '/home/alice/secret.txt' }): MessageContext {
  const operation = { kind: 'tool', method: 'tools/call', name: 'write_file', arguments: args } as const
  return {
    direction: 'to-server',
    message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_file', arguments: operation.arguments } },
    operation,
    session: { server: 'fs', sessionId: 's', transport: 'stdio' },
    identity,
    decision: evaluatePolicy(policy, { identity, server: 'fs', operation }),
    findings: [],
    modifications: [],
    receivedAt: 0,
  } as unknown as MessageContext
}

/** A wait that resolves only when the test says so: the fake clock. */
function fakeWait() {
  const waits: { ms: number; fire: () => void }[] = []
  return { waits, wait: (ms: number) => new Promise<void>((resolve) => waits.push({ ms, fire: resolve })) }
}

describe('approvalStage', () => {
  it('passes an approved call as allowed, recording the answer and the channel', async () => {
    const seen: ApprovalRequest[] = []
    const stage = approvalStage({ approve: async (request) => (seen.push(request), { answer: 'allow', via: 'elicitation' }), wait: fakeWait().wait })
    const verdict = await stage.process(askCall())
    expect(verdict.action).toBe('pass')
    expect(verdict.context?.decision).toMatchObject({ effect: 'allow', ruleIds: ['writes', 'approval:allowed-by-user', 'approval-via:elicitation'] })
    expect(seen[0]).toMatchObject({ server: 'fs', target: 'write_file', argumentNames: ['path'], timeoutSeconds: 5 })
  })

  it('shows the arguments to the approver only with every content-safety finding masked', async () => {
    const seen: ApprovalRequest[] = []
    const stage = approvalStage({ approve: async (request) => (seen.push(request), { answer: 'deny', via: 'agent' }), wait: fakeWait().wait })
    await stage.process(askCall({ path: '/tmp/x', to: 'ada@example.org', card: '4111 1111 1111 1111' }))
    expect(seen[0]?.argumentNames).toEqual(['path', 'to', 'card'])
    expect(seen[0]?.argumentsPreview).toBe('{"path":"/tmp/x","to":"[REDACTED:EMAIL]","card":"[MASKED:CREDIT_CARD:****1111]"}')
  })

  it('denies with the approver\'s own error when nobody can be asked, and records it', async () => {
    const cannotAsk = new WardenError('ERR_POLICY_DENIED', 'Use an MCP client that supports elicitation.')
    const stage = approvalStage({ approve: () => Promise.reject(cannotAsk), wait: fakeWait().wait })
    const verdict = await stage.process(askCall())
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect([verdict.error.code, verdict.error.message, verdict.error.stage]).toEqual(['ERR_POLICY_DENIED', 'Use an MCP client that supports elicitation.', 'approval'])
    expect(verdict.context?.decision?.ruleIds).toEqual(['writes', 'approval:unavailable'])
  })

  it('treats a channel that reports nobody answered as a timeout', async () => {
    const stage = approvalStage({ approve: async () => ({ answer: 'timeout', via: 'agent' }), wait: fakeWait().wait })
    const verdict = await stage.process(askCall())
    expect(verdict.action === 'deny' && verdict.error.code).toBe('ERR_APPROVAL_TIMEOUT')
    expect(verdict.context?.decision?.ruleIds).toEqual(['writes', 'approval:timeout', 'approval-via:agent'])
  })

  it('denies a declined call with ERR_POLICY_DENIED saying it was declined by you', async () => {
    const stage = approvalStage({ approve: async () => ({ answer: 'deny', via: 'agent' }), wait: fakeWait().wait })
    const verdict = await stage.process(askCall())
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect(verdict.error.code).toBe('ERR_POLICY_DENIED')
    expect(verdict.error.message).toContain('declined by you')
    expect(verdict.context?.decision?.ruleIds).toContain('approval:declined')
  })

  it('denies with ERR_APPROVAL_TIMEOUT when nobody answers in time, and withdraws the question', async () => {
    const clock = fakeWait()
    let signal: AbortSignal | undefined
    const stage = approvalStage({ approve: (request) => ((signal = request.signal), new Promise<ApprovalAnswer>(() => {})), wait: clock.wait })
    const pending = stage.process(askCall())
    await Promise.resolve()
    expect(clock.waits.map((w) => w.ms)).toEqual([5000])
    clock.waits[0]?.fire()
    const verdict = await pending
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect(verdict.error.code).toBe('ERR_APPROVAL_TIMEOUT')
    expect(verdict.error.message).toContain('approve it in time, or ask your administrator')
    expect(verdict.context?.decision?.ruleIds).toContain('approval:timeout')
    expect(signal?.aborted).toBe(true)
  })

  it('denies an approver failure (fail closed)', async () => {
    const stage = approvalStage({ approve: () => Promise.reject(new Error('host gone')), wait: fakeWait().wait })
    expect((await stage.process(askCall())).action).toBe('deny')
  })

  it('is needed: without approvals the policy stage denies ask decisions', async () => {
    const context = { ...askCall(), decision: undefined }
    expect((await policyStage({ policy }).process(context)).action).toBe('deny')
    expect((await policyStage({ policy, approvals: true }).process(context)).action).toBe('pass')
  })
})
