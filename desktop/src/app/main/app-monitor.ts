/**
 * desktop/src/app/main/app-monitor.ts — the main process's poll of the backend: every few seconds it asks
 * `app:status` for the tray and, while approvals are pending, `approvals:list` for notifications. It calls the same
 * handlers the renderer does; nothing is pushed. Failures show as "Status unavailable" and are logged once per kind.
 */
import type { IpcHandlers } from '../contract/ipc-contract.js'
import { createApprovalNotices, type ApprovalNotice } from './approval-notices.js'
import { trayState, type TrayState } from './tray-state.js'

export interface AppMonitorOptions {
  readonly handlers: IpcHandlers
  readonly render: (state: TrayState) => void
  readonly notify: (notice: ApprovalNotice) => void
  readonly openAtLogin: () => boolean
  /** Shown and not minimised. */
  readonly isWindowVisible: () => boolean
  readonly log: (line: string) => void
  /** Default 5 s. */
  readonly intervalMs?: number
}

/**
 * Starts polling at once; `refresh()` polls now (after a menu action) and resolves when that poll is done (joining
 * one under way), `stop()` ends it.
 */
export function startAppMonitor(options: AppMonitorOptions): { refresh(): Promise<void>; stop(): void } {
  const { handlers, render, notify, openAtLogin, isWindowVisible, log } = options
  const notices = createApprovalNotices()
  let lastFailure = ''
  let running: Promise<void> | undefined
  const failed = (what: string, error: unknown): void => {
    const line = `${what} failed: ${error instanceof Error ? error.message : String(error)}`
    if (line !== lastFailure) log(line)
    lastFailure = line
  }
  const poll = async (): Promise<void> => {
    const status = await handlers['app:status']({}).catch((error: unknown) => (failed('app:status', error), null))
    render(trayState({ status, openAtLogin: openAtLogin(), now: Date.now() }))
    if (status === null || status.pendingApprovals === 0) {
      notices.next({ pending: [], windowVisible: isWindowVisible(), enabled: false })
      return
    }
    try {
      const [{ pending }, settings] = await Promise.all([handlers['approvals:list']({}), handlers['settings:get']({})])
      const notice = notices.next({ pending, windowVisible: isWindowVisible(), enabled: settings.notifications })
      if (notice !== null) notify(notice)
    } catch (error) {
      failed('approvals:list', error)
    }
  }
  const tick = (): Promise<void> => {
    running ??= poll().finally(() => (running = undefined))
    return running
  }
  const timer = setInterval(() => void tick(), options.intervalMs ?? 5_000)
  void tick()
  return {
    refresh: tick,
    stop() {
      clearInterval(timer)
    },
  }
}
