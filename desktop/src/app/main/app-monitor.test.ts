/**
 * desktop/src/app/main/app-monitor.test.ts — the poll behind the tray and the approval notifications, on real
 * handler functions whose answers change between polls.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WardenError } from '@mcp-warden/core'
import { appStatusSchema, type AppStatus, type IpcHandlers } from '../contract/ipc-contract.js'
import { pendingApprovalSchema, type PendingApproval } from '../../agent/protocol/schemas.js'
import type { ApprovalNotice } from './approval-notices.js'
import { startAppMonitor } from './app-monitor.js'
import type { TrayState } from './tray-state.js'

const approval = (id: string): PendingApproval =>
  pendingApprovalSchema.parse({
    id,
    question: { server: 'files', target: 'write_file', method: 'tools/call', argumentNames: ['path'], ruleIds: ['r'], timeoutSeconds: 60 },
    requestedAt: 1,
    expiresAt: 2,
  })

const stops: Array<() => void> = []
afterEach(() => stops.splice(0).forEach((stop) => stop()))

function setup() {
  const world = { status: null as AppStatus | null, pending: [] as PendingApproval[], notifications: true, visible: false, approvalsCalls: 0 }
  const handlers = {
    'app:status': async () => {
      if (world.status === null) throw new WardenError('ERR_AGENT_UNAVAILABLE', 'The agent is not running.')
      return world.status
    },
    'approvals:list': async () => {
      world.approvalsCalls += 1
      return { pending: world.pending }
    },
    'settings:get': async () => ({ openAtLogin: false, notifications: world.notifications }),
  } as unknown as IpcHandlers
  const rendered: TrayState[] = []
  const notified: ApprovalNotice[] = []
  const logged: string[] = []
  const monitor = startAppMonitor({
    handlers,
    render: (state) => rendered.push(state),
    notify: (notice) => notified.push(notice),
    openAtLogin: () => true,
    isWindowVisible: () => world.visible,
    log: (line) => logged.push(line),
    intervalMs: 3_600_000,
  })
  stops.push(monitor.stop)
  return { world, monitor, rendered, notified, logged }
}

const status = (pendingApprovals: number): AppStatus =>
  appStatusSchema.parse({
    agent: { state: 'running', version: '1' },
    session: { state: 'signed-out', reason: 'never' },
    policy: null,
    today: { calls: 0, blocked: 0 },
    pendingApprovals,
  })

describe('startAppMonitor', () => {
  it('renders "Status unavailable" when the status call fails, and logs the failure once', async () => {
    const { monitor, rendered, logged } = setup()
    await monitor.refresh()
    await monitor.refresh()
    expect(rendered.at(-1)?.tooltip).toBe('MCP Warden — Status unavailable')
    expect(logged).toEqual(['app:status failed: The agent is not running.'])
  })

  it('asks for approvals only while some are pending, and notifies once per approval while the window is hidden', async () => {
    const { world, monitor, notified, rendered } = setup()
    world.status = status(0)
    await monitor.refresh()
    expect(world.approvalsCalls).toBe(0)
    world.status = status(1)
    world.pending = [approval('a1')]
    await monitor.refresh()
    await monitor.refresh()
    expect(notified).toEqual([{ title: 'MCP Warden', body: 'Approve write_file on files?', ids: ['a1'] }])
    expect(rendered.at(-1)?.title).toBe('1')
    expect(rendered.at(-1)?.menu).toContainEqual({ kind: 'checkbox', setting: 'open-at-login', label: 'Start at login', checked: true })
  })

  it('does not notify while the window is visible or when notifications are off', async () => {
    const { world, monitor, notified } = setup()
    world.status = status(1)
    world.pending = [approval('a1')]
    world.visible = true
    await monitor.refresh()
    world.visible = false
    world.notifications = false
    world.pending = [approval('a1'), approval('a2')]
    world.status = status(2)
    await monitor.refresh()
    expect(notified).toEqual([])
  })
})
