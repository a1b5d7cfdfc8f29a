/**
 * desktop/src/app/renderer/screens/activity-screen.ts — the live audit viewer: the calls of the user's protected
 * servers, newest first, polled with a cursor; filters by server, tool, decision and time; a detail pane for one
 * call (decision, code, rules and reasons, findings by type and pointer). The log holds no argument values, and
 * neither does this screen.
 */
import type { AuditEntry } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import { type AppContext, every, type Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'
import { when } from '../format.js'
import { activityFilters } from './activity-filters.js'
import { decisionBadge, detailPane } from './call-detail.js'
import { denialMeaning } from './denial-words.js'

const POLL_MS = 1000
const PAGE = 200

/** Calls (a tool, prompt or resource asked for) and anything refused; the protocol chatter that passed is left out. */
function isShown(entry: AuditEntry): boolean {
  return entry.kind === 'decision' && (entry.target !== undefined || entry.decision === 'deny')
}

/** The activity (audit) screen. */
export function activityScreen(context: AppContext): Screen {
  let entries: AuditEntry[] = []
  let newest: string | undefined
  let live = true
  let problem: string | undefined
  let selected: AuditEntry | undefined
  let loaded = false
  let generation = 0
  // The generation whose query is in flight (-1: none). One query at a time per view: a tick that came while the
  // first query of a new view was out asked for the same calls and prepended them a second time.
  let polling = -1
  let freshIds = new Set<string>()

  const filters = activityFilters(() => changed())
  const liveState = h('span', { class: 'live on', 'aria-hidden': 'true' }, 'Live')
  const liveButton = button('Pause live updates', () => {
    live = !live
    liveButton.textContent = live ? 'Pause live updates' : 'Resume live updates'
    liveButton.setAttribute('aria-pressed', String(!live))
    liveState.textContent = live ? 'Live' : 'Paused'
    liveState.className = live ? 'live on' : 'live'
  }, { class: 'secondary small-button', 'aria-pressed': 'false' })
  const list = h('div', { class: 'list' })
  const side = h('div', { class: 'side' })
  const element = h('div', {}, h('div', { class: 'title-row' }, h('h1', { tabindex: -1 }, 'Activity'), h('div', { class: 'live-controls' }, liveState, liveButton)), filters.element, h('div', { class: 'split' }, list, side))

  const open = (entry: AuditEntry): void => {
    selected = entry
    renderList()
    const pane = detailPane(entry, close)
    side.replaceChildren(pane)
    pane.focus()
  }
  function close(): void {
    const id = selected?.id
    selected = undefined
    side.replaceChildren()
    renderList()
    ;(list.querySelector(`[data-key="row-${id ?? ''}"]`) as HTMLElement | null)?.focus()
  }

  const row = (entry: AuditEntry): HTMLElement => {
    const label = `${entry.decision === 'allow' ? 'Allowed' : 'Blocked'}: ${entry.target ?? entry.method} on ${entry.server} at ${when(entry.time)}. Show details`
    return h(
      'tr',
      { class: `${freshIds.has(entry.id) ? 'fresh ' : ''}${selected?.id === entry.id ? 'selected' : ''}` },
      h('td', {}, button(when(entry.time), () => open(entry), { class: 'row-button', 'data-key': `row-${entry.id}`, 'aria-label': label, 'aria-expanded': String(selected?.id === entry.id) })),
      h('td', {}, entry.server),
      h('td', {}, h('span', { class: 'target' }, entry.target ?? entry.method)),
      h('td', { class: 'col-who' }, entry.user ?? h('span', { class: 'muted' }, '—')),
      h('td', {}, decisionBadge(entry)),
      h('td', { class: 'why col-why' }, entry.decision === 'deny' ? (entry.reasons[0] ?? denialMeaning(entry.code)) : h('span', { class: 'muted' }, entry.reasons[0] ?? '')),
    )
  }

  function renderList(): void {
    if (problem !== undefined) return replaceKeepingFocus(list, notice('error', 'The activity log cannot be read', h('p', {}, problem)))
    if (!loaded) return replaceKeepingFocus(list, h('p', { class: 'muted' }, 'Loading…'))
    const shown = entries.filter(isShown)
    if (shown.length === 0) {
      return replaceKeepingFocus(
        list,
        filters.narrowed()
          ? empty('No calls match these filters', h('p', {}, 'New calls that match appear here as they happen.'), button('Clear filters', () => filters.clear(), { class: 'secondary', 'data-key': 'clear' }))
          : empty('No calls yet', h('p', {}, 'When your AI tools call a protected MCP server, each call and the decision on it appear here within a second.')),
      )
    }
    const column = (text: string, className?: string): HTMLElement => h('th', { scope: 'col', class: className }, text)
    replaceKeepingFocus(
      list,
      h(
        'table',
        { class: 'table activity', 'aria-describedby': 'activity-count' },
        h('caption', { id: 'activity-count', class: 'visually-hidden' }, `${shown.length} calls, newest first`),
        h('thead', {}, h('tr', {}, column('Time'), column('Server'), column('Tool'), column('Who', 'col-who'), column('Decision'), column('Why', 'col-why'))),
        h('tbody', {}, shown.map(row)),
      ),
    )
  }

  function changed(): void {
    entries = []
    newest = undefined
    loaded = false
    generation += 1
    void poll(true)
  }

  async function poll(force = false): Promise<void> {
    if (!live && !force) return
    const mine = generation
    if (polling === mine) return
    polling = mine
    try {
      const { entries: found } = await context.api['audit:query']({ filter: filters.query(), ...(newest === undefined ? {} : { after: newest }), limit: PAGE })
      if (mine !== generation) return
      const recovered = problem !== undefined
      problem = undefined
      freshIds = new Set(loaded ? found.map((entry) => entry.id) : [])
      for (const entry of found) filters.knowServer(entry.server)
      const arrived = found.filter(isShown).length
      if (found.length > 0) {
        entries = [...found, ...entries].slice(0, 1000)
        newest = found[0]?.id
        if (loaded && arrived > 0) context.announce(`${arrived} new call${arrived === 1 ? '' : 's'}.`)
      }
      const changedView = found.length > 0 || !loaded || recovered
      loaded = true
      if (changedView) renderList()
    } catch (error) {
      problem = errorMessage(error)
      renderList()
    } finally {
      if (polling === mine) polling = -1
    }
  }

  void context.api['servers:list']({}).then(({ servers }) => servers.forEach((server) => filters.knowServer(server.server)), () => undefined)
  renderList()
  const stop = every(POLL_MS, () => poll())
  return { title: 'Activity', element, dispose: stop }
}
