/**
 * desktop/src/app/renderer/screens/activity-filters.ts — the activity viewer's filters: server, tool, decision and
 * a time window, each a labelled native control (keyboard and screen readers work as the platform makes them).
 */
import type { IpcRequest } from '../../contract/ipc-contract.js'
import { h } from '../dom.js'

type Filter = IpcRequest<'audit:query'>['filter']
export type Period = 'any' | 'hour' | 'today' | 'week'

export interface ActivityFilters {
  readonly element: HTMLFormElement
  /** The filter as `audit:query` takes it; the time window's start is computed now. */
  query(): Filter
  /** Server, tool or decision narrow the view (the time window does not count). */
  narrowed(): boolean
  /** Offers a server in the server list (once). */
  knowServer(name: string): void
  /** Back to every server, tool and decision; the focus goes to the first control. */
  clear(): void
}

function since(period: Period, now = new Date()): string | undefined {
  if (period === 'hour') return new Date(now.getTime() - 3600_000).toISOString()
  if (period === 'week') return new Date(now.getTime() - 7 * 86400_000).toISOString()
  if (period === 'today') return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString()
  return undefined
}

/**
 * @example
 * const filters = activityFilters(() => reload())
 * const { entries } = await warden()['audit:query']({ filter: filters.query(), limit: 200 })
 */
export function activityFilters(onChange: () => void): ActivityFilters {
  const servers = new Set<string>()
  const server = h('select', { id: 'f-server', onchange: onChange }, h('option', { value: '' }, 'All servers'))
  const tool = h('input', { id: 'f-tool', type: 'search', placeholder: 'Any tool', autocomplete: 'off', onchange: onChange })
  const decision = h('select', { id: 'f-decision', onchange: onChange }, h('option', { value: '' }, 'Allowed and blocked'), h('option', { value: 'allow' }, 'Allowed'), h('option', { value: 'deny' }, 'Blocked'))
  const period = h('select', { id: 'f-period', onchange: onChange }, h('option', { value: 'hour' }, 'Last hour'), h('option', { value: 'today', selected: true }, 'Today'), h('option', { value: 'week' }, 'Last 7 days'), h('option', { value: 'any' }, 'Any time'))
  const field = (control: HTMLElement, text: string): HTMLElement => h('div', { class: 'field' }, h('label', { for: control.id }, text), control)
  const element = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter calls', onsubmit: (event: Event) => (event.preventDefault(), onChange()) },
    field(server, 'Server'),
    field(tool, 'Tool'),
    field(decision, 'Decision'),
    field(period, 'Time'),
  )
  return {
    element,
    query() {
      const name = tool.value.trim()
      const start = since(period.value as Period)
      return {
        ...(server.value === '' ? {} : { server: server.value }),
        ...(name === '' ? {} : { tool: name }),
        ...(decision.value === 'allow' || decision.value === 'deny' ? { decision: decision.value } : {}),
        ...(start === undefined ? {} : { since: start }),
      }
    },
    narrowed: () => server.value !== '' || tool.value.trim() !== '' || decision.value !== '',
    knowServer(name) {
      if (servers.has(name)) return
      servers.add(name)
      server.append(h('option', { value: name }, name))
    },
    clear() {
      server.value = ''
      tool.value = ''
      decision.value = ''
      onChange()
      server.focus()
    },
  }
}
