/**
 * desktop/src/app/main/tray-state.test.ts — what the tray shows for the app's status: account, policy revision and
 * age, calls blocked today, the icon, and the menu's items.
 */
import { describe, expect, it } from 'vitest'
import { appStatusSchema, type AppStatus } from '../contract/ipc-contract.js'
import { formatAge, trayState, type TrayMenuItem } from './tray-state.js'

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0)

function status(overrides: Partial<AppStatus> = {}): AppStatus {
  return appStatusSchema.parse({
    agent: { state: 'running', version: '0.1.0' },
    session: { state: 'signed-in', user: { issuer: 'https://idp', subject: 'sub-1', email: 'ada@example.com' }, idTokenExpiresAt: NOW + 3_600_000, refreshable: true },
    policy: { source: 'central', revision: 12, checkedAt: NOW - 3 * 60_000, expiresAt: NOW + 86_400_000, stale: false },
    today: { calls: 40, blocked: 2 },
    pendingApprovals: 0,
    ...overrides,
  })
}

const labels = (menu: readonly TrayMenuItem[]) => menu.filter((item) => item.kind === 'label').map((item) => item.label)
const actions = (menu: readonly TrayMenuItem[]) => menu.flatMap((item) => (item.kind === 'action' ? [item.action] : []))

describe('trayState', () => {
  it('shows who is signed in, the policy revision and its age, and the calls blocked today', () => {
    const state = trayState({ status: status(), openAtLogin: false, now: NOW })
    expect(state.tooltip).toBe('MCP Warden — Signed in as ada@example.com · Policy rev 12, checked 3 min ago · 2 calls blocked today')
    expect(state.icon).toBe('ok')
    expect(state.title).toBe('')
    expect(labels(state.menu)).toEqual(['Signed in as ada@example.com', 'Policy rev 12, checked 3 min ago', '2 calls blocked today'])
  })

  it('offers Open, Sign out, Start at login and Quit, in that order, when signed in', () => {
    const { menu } = trayState({ status: status(), openAtLogin: true, now: NOW })
    expect(actions(menu)).toEqual(['open', 'sign-out', 'quit'])
    expect(menu.find((item) => item.kind === 'checkbox')).toEqual({ kind: 'checkbox', setting: 'open-at-login', label: 'Start at login', checked: true })
  })

  it('offers Sign in and shows the off icon when signed out', () => {
    const state = trayState({ status: status({ session: { state: 'signed-out', reason: 'logged-out' } }), openAtLogin: false, now: NOW })
    expect(labels(state.menu)[0]).toBe('Signed out')
    expect(actions(state.menu)).toEqual(['open', 'sign-in', 'quit'])
    expect(state.icon).toBe('off')
  })

  it('says the policy is stale, and why, with the attention icon', () => {
    const policy = { source: 'central' as const, revision: 12, checkedAt: NOW - 7_200_000, expiresAt: NOW - 1, stale: true, reason: 'unreachable' as const }
    const state = trayState({ status: status({ policy }), openAtLogin: false, now: NOW })
    expect(labels(state.menu)[1]).toBe('Policy stale (server unreachable)')
    expect(state.icon).toBe('attention')
  })

  it.each([
    [null, 'No policy'],
    [{ source: 'none', revision: null, checkedAt: null, expiresAt: null, stale: false }, 'No policy'],
    [{ source: 'local', revision: null, checkedAt: NOW - 30_000, expiresAt: null, stale: false }, 'Local policy, checked just now'],
    [{ source: 'central', revision: 3, checkedAt: null, expiresAt: null, stale: false }, 'Policy rev 3'],
    [{ source: 'central', revision: null, checkedAt: null, expiresAt: null, stale: true }, 'Policy stale'],
  ] as const)('policy %j reads "%s"', (policy, line) => {
    expect(labels(trayState({ status: status({ policy: policy as AppStatus['policy'] }), openAtLogin: false, now: NOW }).menu)[1]).toBe(line)
  })

  it('counts pending approvals in the title and offers to open them', () => {
    const state = trayState({ status: status({ pendingApprovals: 2 }), openAtLogin: false, now: NOW })
    expect(state.title).toBe('2')
    expect(state.icon).toBe('attention')
    expect(state.menu).toContainEqual({ kind: 'action', action: 'open-approvals', label: '2 approvals waiting…' })
  })

  it('says the agent is not running', () => {
    const state = trayState({ status: status({ agent: { state: 'down', message: 'not started' }, session: null, policy: null }), openAtLogin: false, now: NOW })
    expect(labels(state.menu)[0]).toBe('Agent not running')
    expect(state.icon).toBe('off')
    expect(actions(state.menu)).toContain('sign-in')
  })

  it('flags a locked keychain', () => {
    const state = trayState({ status: status({ session: { state: 'keychain-unavailable', keychain: 'locked' } }), openAtLogin: false, now: NOW })
    expect(labels(state.menu)[0]).toBe('Keychain locked')
    expect(state.icon).toBe('attention')
  })

  it('says so when the status is unavailable', () => {
    const state = trayState({ status: null, openAtLogin: false, now: NOW })
    expect(state.tooltip).toBe('MCP Warden — Status unavailable')
    expect(state.icon).toBe('off')
  })

  it('uses singular words for one, and cleans the user name', () => {
    const session = { state: 'signed-in' as const, user: { issuer: 'i', subject: 's', name: 'Ada\u202e\nLovelace' }, idTokenExpiresAt: NOW, refreshable: false }
    const state = trayState({ status: status({ session, today: { calls: 1, blocked: 1 }, pendingApprovals: 1 }), openAtLogin: false, now: NOW })
    expect(labels(state.menu)).toEqual(['Signed in as Ada Lovelace', 'Policy rev 12, checked 3 min ago', '1 call blocked today'])
    expect(state.menu).toContainEqual({ kind: 'action', action: 'open-approvals', label: '1 approval waiting…' })
  })

  it('says when nothing was blocked', () => {
    expect(labels(trayState({ status: status({ today: { calls: 5, blocked: 0 } }), openAtLogin: false, now: NOW }).menu)[2]).toBe('No calls blocked today')
  })
})

describe('formatAge', () => {
  it.each([
    [-5_000, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000, '59 min ago'],
    [3_600_000, '1 h ago'],
    [47 * 3_600_000, '47 h ago'],
    [4 * 86_400_000, '4 days ago'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text)
  })
})
