import { describe, expect, it, vi } from 'vitest'
import { isWardenError } from '@mcp-warden/core'
import { createApprovalQueue } from './approval-queue.js'
import type { ApprovalQuestion } from '../protocol/schemas.js'

const question: ApprovalQuestion = {
  server: 'files',
  target: 'write_file',
  method: 'tools/call',
  argumentNames: ['path', 'content'],
  argumentsPreview: '{"path":"/tmp/a","content":"[MASKED:EMAIL]"}',
  ruleIds: ['writes-need-approval'],
  timeoutSeconds: 30,
}

describe('approval queue', () => {
  it('lists a question until a person answers it, then resolves the asker with that answer', async () => {
    const onChange = vi.fn()
    const queue = createApprovalQueue({ now: () => 1_000, onChange })
    const outcome = queue.request(question, new AbortController().signal)
    const [pending] = queue.list()
    expect(pending).toMatchObject({ question, requestedAt: 1_000, expiresAt: 31_000 })
    queue.answer(pending!.id, 'allow')
    await expect(outcome).resolves.toEqual({ answer: 'allow' })
    expect(queue.list()).toEqual([])
    expect(onChange).toHaveBeenCalledTimes(2)
  })

  it('answers each question once: a second answer is refused with what to do', async () => {
    const queue = createApprovalQueue()
    const outcome = queue.request(question, new AbortController().signal)
    const id = queue.list()[0]!.id
    queue.answer(id, 'deny')
    await expect(outcome).resolves.toEqual({ answer: 'deny' })
    let thrown: unknown
    try {
      queue.answer(id, 'allow')
    } catch (error) {
      thrown = error
    }
    expect(isWardenError(thrown) && thrown.code).toBe('ERR_INVALID_MESSAGE')
    expect((thrown as Error).message).toContain('mcp-warden approvals list')
  })

  it('times a question out after its timeoutSeconds and withdraws it when the asker leaves', async () => {
    vi.useFakeTimers()
    try {
      const queue = createApprovalQueue()
      const timedOut = queue.request(question, new AbortController().signal)
      const asker = new AbortController()
      const withdrawn = queue.request({ ...question, timeoutSeconds: 600 }, asker.signal)
      expect(queue.list()).toHaveLength(2)
      vi.advanceTimersByTime(30_000)
      await expect(timedOut).resolves.toEqual({ answer: 'timeout' })
      asker.abort()
      await expect(withdrawn).resolves.toEqual({ answer: 'withdrawn' })
      expect(queue.list()).toEqual([])
      await expect(queue.request(question, asker.signal)).resolves.toEqual({ answer: 'withdrawn' })
      expect(queue.list()).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })
})
