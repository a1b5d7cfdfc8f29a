import type { ApprovalRequest } from '@mcp-warden/core'
import { describe, expect, it } from 'vitest'
import type { ApprovalQuestion } from '../agent/protocol/schemas.js'
import { createProxyApprover } from './proxy-approver.js'

const request: ApprovalRequest = {
  server: 'files',
  target: 'write_file',
  method: 'tools/call',
  argumentNames: ['path'],
  argumentsPreview: '{"path":"/tmp/a"}',
  ruleIds: ['ask-writes'],
  timeoutSeconds: 1.5,
  signal: new AbortController().signal,
}

describe('createProxyApprover', () => {
  it('asks the host when it can elicit, without touching the agent', async () => {
    const approve = createProxyApprover({
      host: { supported: true, ask: async () => ({ answer: 'allow', via: 'elicitation' }) },
      agent: { requestApproval: () => Promise.reject(new Error('not used')) },
    })
    expect(await approve(request)).toEqual({ answer: 'allow', via: 'elicitation' })
  })

  it("falls back to the agent's queue with the masked preview; a withdrawn question counts as no answer", async () => {
    const asked: ApprovalQuestion[] = []
    const outcomes = [{ answer: 'deny' }, { answer: 'withdrawn' }, { answer: 'timeout' }] as const
    const approve = createProxyApprover({
      host: { supported: false, ask: () => Promise.reject(new Error('not used')) },
      agent: { requestApproval: async (question) => (asked.push(question), outcomes[asked.length - 1]!) },
    })
    expect(await approve(request)).toEqual({ answer: 'deny', via: 'agent' })
    expect(await approve(request)).toEqual({ answer: 'timeout', via: 'agent' })
    expect(await approve(request)).toEqual({ answer: 'timeout', via: 'agent' })
    expect(asked[0]).toEqual({ server: 'files', target: 'write_file', method: 'tools/call', argumentNames: ['path'], argumentsPreview: '{"path":"/tmp/a"}', ruleIds: ['ask-writes'], timeoutSeconds: 2 })
  })

  it('rejects with how to approve such calls when there is nobody to ask', async () => {
    const approve = createProxyApprover({ host: { supported: false, ask: () => Promise.reject(new Error('not used')) } })
    await expect(approve(request)).rejects.toMatchObject({ code: 'ERR_POLICY_DENIED', message: expect.stringContaining('Use an MCP client that supports elicitation') })
  })
})
