/**
 * desktop/src/app/main/approval-notices.ts — decides when a pending approval deserves a system notification: once per
 * approval, only while the window is hidden (a visible window shows the queue itself), only when the person has
 * notifications on. Several new approvals at once become one notice. Pure: the glue polls and shows.
 */
import type { PendingApproval } from '../../agent/protocol/schemas.js'

/** One system notification to raise; clicking it shows the window on the approvals screen. */
export interface ApprovalNotice {
  readonly title: string
  readonly body: string
  /** The approvals it announces. */
  readonly ids: readonly string[]
}

export interface ApprovalNoticeInput {
  readonly pending: readonly PendingApproval[]
  /** Shown and not minimised: the person can see the queue. */
  readonly windowVisible: boolean
  /** The app setting "notifications". */
  readonly enabled: boolean
}

/**
 * Remembers which approvals were already seen (announced, or shown in a visible window) and returns the notice for
 * the new ones, if any. Approvals that left the queue are forgotten, so memory stays bounded by the queue.
 *
 * @example
 * const notices = createApprovalNotices()
 * const notice = notices.next({ pending, windowVisible: window.isVisible(), enabled: settings.notifications })
 */
export function createApprovalNotices(): { next(input: ApprovalNoticeInput): ApprovalNotice | null } {
  let seen = new Set<string>()
  return {
    next({ pending, windowVisible, enabled }) {
      const fresh = pending.filter((approval) => !seen.has(approval.id))
      seen = new Set(pending.map((approval) => approval.id))
      if (fresh.length === 0 || windowVisible || !enabled) return null
      return noticeFor(fresh)
    },
  }
}

function noticeFor(fresh: readonly PendingApproval[]): ApprovalNotice {
  const ids = fresh.map((approval) => approval.id)
  const first = fresh[0]
  if (fresh.length === 1 && first !== undefined) {
    const { target, server } = first.question
    return { title: 'MCP Warden', body: `Approve ${clean(target)} on ${clean(server)}?`, ids }
  }
  return { title: 'MCP Warden', body: `${fresh.length} calls are waiting for your approval.`, ids }
}

/** Names come from MCP servers: no control or format characters in a system notification, and kept short. */
function clean(text: string): string {
  const oneLine = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim()
  return oneLine.length > 48 ? `${oneLine.slice(0, 47)}…` : oneLine
}
