/**
 * desktop/src/agent/approvals/approval-queue.ts — the agent's queue of calls waiting for a person's approval.
 *
 * A proxy whose host cannot ask the person itself (no MCP elicitation) queues the question here
 * (`approvals.request`); the desktop app's prompt or `mcp-warden approvals` lists and answers it. Each question
 * ends exactly once: answered, expired (`timeout`), or withdrawn because the asker went away. Nothing is persisted:
 * a question outlives neither the agent nor the proxy that asked it, and the proxy denies when it gets no answer.
 */
import { randomUUID } from 'node:crypto'
import { WardenError } from '@mcp-warden/core'
import type { ApprovalOutcome, ApprovalQuestion, PendingApproval } from '../protocol/schemas.js'

export interface ApprovalQueueOptions {
  /** Wall-clock milliseconds, for `requestedAt`/`expiresAt` shown to people. Defaults to Date.now. */
  readonly now?: () => number
  /** Called whenever a question is queued or leaves the queue (the app refreshes its prompt). */
  readonly onChange?: () => void
}

export interface ApprovalQueue {
  /** Queues `question`; resolves when it is answered, expires, or `signal` aborts (the asker left). */
  request(question: ApprovalQuestion, signal: AbortSignal): Promise<ApprovalOutcome>
  /** Pending questions, oldest first. */
  list(): PendingApproval[]
  /** Answers one pending question. @throws WardenError ERR_INVALID_MESSAGE when `id` is not pending. */
  answer(id: string, answer: 'allow' | 'deny'): void
}

interface Entry {
  readonly pending: PendingApproval
  readonly settle: (outcome: ApprovalOutcome) => void
}

/**
 * @example
 * const queue = createApprovalQueue()
 * const outcome = await queue.request(question, connectionClosed)   // elsewhere: queue.answer(id, 'allow')
 */
export function createApprovalQueue(options: ApprovalQueueOptions = {}): ApprovalQueue {
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const changed = (): void => options.onChange?.()

  return {
    request(question, signal) {
      if (signal.aborted) return Promise.resolve({ answer: 'withdrawn' })
      return new Promise<ApprovalOutcome>((resolve) => {
        const id = randomUUID()
        const requestedAt = now()
        const timer = setTimeout(() => settle({ answer: 'timeout' }), question.timeoutSeconds * 1000)
        timer.unref()
        const onAbort = (): void => settle({ answer: 'withdrawn' })
        function settle(outcome: ApprovalOutcome): void {
          if (!entries.delete(id)) return
          clearTimeout(timer)
          signal.removeEventListener('abort', onAbort)
          resolve(outcome)
          changed()
        }
        entries.set(id, { pending: { id, question, requestedAt, expiresAt: requestedAt + question.timeoutSeconds * 1000 }, settle })
        signal.addEventListener('abort', onAbort, { once: true })
        changed()
      })
    },
    list() {
      return [...entries.values()].map((entry) => entry.pending)
    },
    answer(id, answer) {
      const entry = entries.get(id)
      if (entry === undefined) {
        throw new WardenError('ERR_INVALID_MESSAGE', `No approval with id ${JSON.stringify(id.slice(0, 128))} is waiting: it was answered already, expired, or its call was withdrawn. List the pending ones with \`mcp-warden approvals list\`.`)
      }
      entry.settle({ answer })
    },
  }
}
