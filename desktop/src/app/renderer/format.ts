/**
 * desktop/src/app/renderer/format.ts — times, ages and countdowns as people read them, in their locale.
 */

/** "just now", "5 minutes ago", "2 hours ago", "3 days ago". */
export function age(atMs: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - atMs) / 1000))
  if (seconds < 45) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`
  const hours = Math.round(minutes / 60)
  if (hours < 36) return `${hours} hour${hours === 1 ? '' : 's'} ago`
  const days = Math.round(hours / 24)
  return `${days} day${days === 1 ? '' : 's'} ago`
}

/** "1:05" for 65 seconds left; "0:00" once past. */
export function countdown(untilMs: number, nowMs: number = Date.now()): string {
  const left = Math.max(0, Math.ceil((untilMs - nowMs) / 1000))
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
}

/** A clock time today, else a short date and time. */
export function when(iso: string | number, nowMs: number = Date.now()): string {
  const date = new Date(iso)
  const today = new Date(nowMs).toDateString() === date.toDateString()
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })
}

/** The exact time, for a tooltip or a detail pane. */
export function exact(iso: string | number): string {
  return new Date(iso).toLocaleString([], { dateStyle: 'full', timeStyle: 'medium' })
}
