/**
 * desktop/src/app/main/tray-state.ts — what the tray shows for an `AppStatus`: the icon, the tooltip, the title (the
 * macOS menu-bar text) and the menu, as plain data. Pure: the Electron glue (tray.ts) turns it into a Tray and a Menu.
 */
import type { AppStatus } from '../contract/ipc-contract.js'

/** Which tray icon: all good, something needs the person (stale policy, approvals, keychain), or not protecting. */
export type TrayIcon = 'ok' | 'attention' | 'off'

export type TrayAction = 'open' | 'open-approvals' | 'sign-in' | 'sign-out' | 'quit'

export type TrayMenuItem =
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'action'; readonly action: TrayAction; readonly label: string }
  | { readonly kind: 'checkbox'; readonly setting: 'open-at-login'; readonly label: string; readonly checked: boolean }
  | { readonly kind: 'separator' }

export interface TrayState {
  readonly icon: TrayIcon
  readonly tooltip: string
  readonly title: string
  readonly menu: readonly TrayMenuItem[]
}

export interface TrayStateInput {
  /** Null when the backend could not say (the status call failed). */
  readonly status: AppStatus | null
  readonly openAtLogin: boolean
  /** Milliseconds since the epoch, for the policy's age. */
  readonly now: number
}

/**
 * @example trayState({ status, openAtLogin: false, now: Date.now() }).tooltip
 * // 'MCP Warden — Signed in as ada@example.com · Policy rev 12, checked 3 min ago · 2 calls blocked today'
 */
export function trayState(input: TrayStateInput): TrayState {
  const { status, openAtLogin, now } = input
  const lines = status === null ? ['Status unavailable'] : [accountLine(status), policyLine(status, now), blockedLine(status.today.blocked)]
  const pending = status?.pendingApprovals ?? 0
  const signedIn = status?.session?.state === 'signed-in'
  const menu: TrayMenuItem[] = [
    ...lines.map((label): TrayMenuItem => ({ kind: 'label', label })),
    ...(pending > 0 ? [{ kind: 'action', action: 'open-approvals', label: `${plural(pending, 'approval')} waiting…` } as const] : []),
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: 'Open MCP Warden' },
    signedIn ? { kind: 'action', action: 'sign-out', label: 'Sign out' } : { kind: 'action', action: 'sign-in', label: 'Sign in…' },
    { kind: 'separator' },
    { kind: 'checkbox', setting: 'open-at-login', label: 'Start at login', checked: openAtLogin },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit MCP Warden' },
  ]
  return {
    icon: iconFor(status),
    tooltip: `MCP Warden — ${lines.join(' · ')}`,
    title: pending > 0 ? String(pending) : '',
    menu,
  }
}

function iconFor(status: AppStatus | null): TrayIcon {
  if (status === null || status.agent.state === 'down' || status.session?.state !== 'signed-in') {
    return status?.session?.state === 'keychain-unavailable' ? 'attention' : 'off'
  }
  return status.policy === null || status.policy.stale || status.pendingApprovals > 0 ? 'attention' : 'ok'
}

function accountLine(status: AppStatus): string {
  if (status.agent.state === 'down') return 'Agent not running'
  const session = status.session
  if (session === null) return 'Signed out'
  switch (session.state) {
    case 'signed-in':
      return `Signed in as ${oneLine(session.user.email ?? session.user.name ?? session.user.subject)}`
    case 'signed-out':
      return 'Signed out'
    case 'keychain-unavailable':
      return session.keychain === 'locked' ? 'Keychain locked' : 'Keychain unavailable'
  }
}

const STALE_REASON = { 'never-fetched': 'never fetched', unreachable: 'server unreachable', expired: 'expired' } as const

function policyLine(status: AppStatus, now: number): string {
  const policy = status.policy
  if (policy === null || policy.source === 'none') return 'No policy'
  if (policy.stale) return policy.reason === undefined ? 'Policy stale' : `Policy stale (${STALE_REASON[policy.reason]})`
  const name = policy.revision === null ? (policy.source === 'local' ? 'Local policy' : 'Policy') : `Policy rev ${policy.revision}`
  return policy.checkedAt === null ? name : `${name}, checked ${formatAge(now - policy.checkedAt)}`
}

function blockedLine(blocked: number): string {
  return blocked === 0 ? 'No calls blocked today' : `${plural(blocked, 'call')} blocked today`
}

/**
 * How long ago, in the tray's words: "just now", "3 min ago", "2 h ago", "4 days ago".
 *
 * @example formatAge(180_000) // '3 min ago'
 */
export function formatAge(milliseconds: number): string {
  const minutes = Math.floor(Math.max(0, milliseconds) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.floor(hours / 24)} days ago`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** A name from the IdP, shown in a menu: no control characters, bounded. */
function oneLine(text: string): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim()
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean
}
