/**
 * desktop/src/app/main/approval-notices.test.ts — which pending approvals raise a notification, and its text.
 */
import { describe, expect, it } from 'vitest'
import { pendingApprovalSchema, type PendingApproval } from '../../agent/protocol/schemas.js'
import { createApprovalNotices } from './approval-notices.js'

function approval(id: string, target = 'write_file', server = 'files'): PendingApproval {
  return pendingApprovalSchema.parse({
    id,
    question: { server, target, method: 'tools/call', argumentNames: ['path', 'content'], ruleIds: ['ask-writes'], timeoutSeconds: 120 },
    requestedAt: 1,
    expiresAt: 2,
  })
}

const hidden = { windowVisible: false, enabled: true }

describe('createApprovalNotices', () => {
  it('announces a new approval while the window is hidden', () => {
    const notices = createApprovalNotices()
    expect(notices.next({ pending: [approval('a1')], ...hidden })).toEqual({ title: 'MCP Warden', body: 'Approve write_file on files?', ids: ['a1'] })
  })

  it('announces each approval once', () => {
    const notices = createApprovalNotices()
    notices.next({ pending: [approval('a1')], ...hidden })
    expect(notices.next({ pending: [approval('a1')], ...hidden })).toBeNull()
    expect(notices.next({ pending: [approval('a1'), approval('a2', 'delete_file')], ...hidden })).toEqual({
      title: 'MCP Warden',
      body: 'Approve delete_file on files?',
      ids: ['a2'],
    })
  })

  it('stays quiet while the window is visible, and does not announce those approvals later', () => {
    const notices = createApprovalNotices()
    expect(notices.next({ pending: [approval('a1')], windowVisible: true, enabled: true })).toBeNull()
    expect(notices.next({ pending: [approval('a1')], ...hidden })).toBeNull()
  })

  it('stays quiet when notifications are off', () => {
    expect(createApprovalNotices().next({ pending: [approval('a1')], windowVisible: false, enabled: false })).toBeNull()
  })

  it('folds several new approvals into one notice', () => {
    const notices = createApprovalNotices()
    expect(notices.next({ pending: [approval('a1'), approval('a2'), approval('a3')], ...hidden })).toEqual({
      title: 'MCP Warden',
      body: '3 calls are waiting for your approval.',
      ids: ['a1', 'a2', 'a3'],
    })
  })

  it('forgets approvals that left the queue', () => {
    const notices = createApprovalNotices()
    notices.next({ pending: [approval('a1')], ...hidden })
    notices.next({ pending: [], ...hidden })
    expect(notices.next({ pending: [approval('a1')], ...hidden })?.ids).toEqual(['a1'])
  })

  it('keeps server-supplied names to one short line', () => {
    const notices = createApprovalNotices()
    const notice = notices.next({ pending: [approval('a1', 'write\u0007_file\u202e', 'x'.repeat(100))], ...hidden })
    expect(notice?.body).toBe(`Approve write _file on ${'x'.repeat(47)}…?`)
  })
})
