/**
 * desktop/src/app/renderer/context.ts — what every screen is given: the API, the latest status (polled once for
 * the whole window), navigation and a live region for announcements; and what a screen gives back.
 */
import type { AppStatus, WardenApi } from '../contract/ipc-contract.js'

export const ROUTES = ['status', 'activity', 'policy', 'approvals', 'clients', 'settings', 'sign-in'] as const
export type Route = (typeof ROUTES)[number]

export interface AppContext {
  readonly api: WardenApi
  /** The last status; undefined before the first answer. */
  status(): AppStatus | undefined
  /** Asks for the status now (after a sign-in, a sign-out, an answer) and tells every listener. */
  refresh(): Promise<AppStatus>
  /** Calls `listener` with each new status (and at once with the current one); returns the unsubscribe. */
  onStatus(listener: (status: AppStatus) => void): () => void
  navigate(route: Route): void
  /** Read out by screen readers (a polite live region). */
  announce(text: string): void
}

/** A mounted screen. `dispose` stops its polls. */
export interface Screen {
  readonly title: string
  readonly element: HTMLElement
  dispose(): void
}

/**
 * Runs `task` now and then every `ms` after each run ends (never two at once); returns the stop.
 *
 * @example
 * const stop = every(1000, () => refresh())
 */
export function every(ms: number, task: () => Promise<void>): () => void {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = (): void => {
    void task()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(run, ms)
      })
  }
  run()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
