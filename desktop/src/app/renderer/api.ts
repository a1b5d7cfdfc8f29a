/**
 * desktop/src/app/renderer/api.ts — the renderer's only way out: `window.warden` (the preload's WardenApi, one method
 * per IPC channel), and how a failed call reads on screen.
 */
import type { WardenApi } from '../contract/ipc-contract.js'

declare global {
  interface Window {
    readonly warden: WardenApi
  }
}

/** The API the preload exposed. */
export function warden(): WardenApi {
  return window.warden
}

/** A failed call's message, as the handler wrote it (it says what to do). */
export function errorMessage(error: unknown): string {
  return error instanceof Error && error.message !== '' ? error.message : 'Something went wrong. Try again.'
}

/** A failed call's WardenError code, when it carries one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
