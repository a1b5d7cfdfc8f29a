/**
 * desktop/src/app/renderer/screens/activity-screen.ts — the live audit viewer: the calls of the user's protected
 * servers, newest first, polled with a cursor; filters by server, tool, decision and time; a detail pane for one
 * call (decision, code, rules and reasons, findings by type and pointer). The log holds no argument values, and
 * neither does this screen.
 */
import type { AuditEntry, IpcRequest } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import { type AppContext, every, type Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'
import { exact, when } from '../format.js'
import { denialMeaning } from './denial-words.js'

type Filter = IpcRequest<'audit:query'>['filter']
type Period = 'any' | 'hour' | 'today' | 'week'

const POLL_MS = 1000
const PAGE = 200

/** Calls (a tool, prompt or resource asked for) and anything refused; the protocol chatter that passed is left out. */
function isShown(entry: AuditEntry): boolean {
  return entry.kind === 'decision' && (entry.target !== undefined || entry.decision === 'deny')
}

function since(period: Period, now = new Date()): string | undefined {
  if (period === 'hour') return new Date(now.getTime() - 3600_000).toISOString()
  if (period === 'week') return new Date(now.getTime() - 7 * 86400_000).toISOString()
  if (period === 'today') return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString()
  return undefined
}

function decisionBadge(entry: AuditEntry): HTMLElement {
  return h('span', { class: `badge badge-${entry.decision}` }, entry.decision === 'allow' ? 'Allowed' : 'Blocked')
}

function detailPane(entry: AuditEntry, close: () => void): HTMLElement {
  const field = (term: string, ...value: (Node | string)[]): HTMLElement => h('div', {}, h('dt', {}, term), h('dd', {}, value))
  const findings =
    entry.findings.length === 0
      ? h('p', { class: 'muted' }, 'No sensitive data was found in this call.')
      : h(
          'table',
          { class: 'table compact' },
          h('caption', { class: 'visually-hidden' }, 'Findings'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Where (JSON pointer)'), h('th', { scope: 'col' }, 'Action'))),
          h('tbody', {}, entry.findings.map((finding) => h('tr', {}, h('td', {}, finding.type), h('td', {}, h('code', {}, finding.path === '' ? '(whole value)' : finding.path)), h('td', {}, finding.action)))),
        )
  const pane = h(
    'aside',
    { class: 'detail', role: 'region', 'aria-labelledby': 'detail-h', tabindex: -1, 'data-testid': 'call-detail' },
    h('div', { class: 'detail-head' }, h('h2', { id: 'detail-h' }, entry.target ?? entry.method), button('Close', close, { class: 'link', 'aria-label': 'Close details (Escape)' })),
    h(
      'dl',
      { class: 'fields' },
      field('Decision', decisionBadge(entry), entry.code === undefined ? '' : h('code', { class: 'code' }, entry.code)),
      field('Server', entry.server),
      field('Method', h('code', {}, entry.method)),
      field('Who', entry.user ?? 'Not signed in'),
      field('When', exact(entry.time)),
      ...(entry.stage === undefined ? [] : [field('Decided at', entry.stage)]),
      ...(entry.decision === 'deny' ? [field('Why', denialMeaning(entry.code))] : []),
      field('Rules and reasons', entry.reasons.length === 0 ? h('span', { class: 'muted' }, 'None recorded') : h('ul', { class: 'reasons' }, entry.reasons.map((reason) => h('li', {}, reason)))),
      field('Policy revision', entry.policyRevision ?? '—'),
      field('Outcome', entry.outcome),
      field('Time in Warden', `${entry.latencyMs.toFixed(1)} ms`),
    ),
    h('h3', {}, 'Findings'),
    findings,
    h('p', { class: 'muted small' }, 'Argument values and results are never recorded: only their types and where they were.'),
  )
  pane.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    }
  })
  return pane
}

/** The activity (audit) screen. */
export function activityScreen(context: AppContext): Screen {
  let entries: AuditEntry[] = []
  let newest: string | undefined
  let period: Period = 'today'
  let filter: Filter = {}
  let live = true
  let problem: string | undefined
  let selected: AuditEntry | undefined
  let loaded = false
  let generation = 0
  const servers = new Set<string>()

  const serverSelect = h('select', { id: 'f-server', onchange: () => changed() }, h('option', { value: '' }, 'All servers'))
  const toolInput = h('input', { id: 'f-tool', type: 'search', placeholder: 'Any tool', autocomplete: 'off', onchange: () => changed() })
  const decisionSelect = h('select', { id: 'f-decision', onchange: () => changed() }, h('option', { value: '' }, 'Allowed and blocked'), h('option', { value: 'allow' }, 'Allowed'), h('option', { value: 'deny' }, 'Blocked'))
  const periodSelect = h('select', { id: 'f-period', onchange: () => changed() }, h('option', { value: 'hour' }, 'Last hour'), h('option', { value: 'today', selected: true }, 'Today'), h('option', { value: 'week' }, 'Last 7 days'), h('option', { value: 'any' }, 'Any time'))
  const liveButton = button('Pause live updates', () => {
    live = !live
    liveButton.textContent = live ? 'Pause live updates' : 'Resume live updates'
    liveButton.setAttribute('aria-pressed', String(!live))
    liveState.textContent = live ? 'Live' : 'Paused'
    liveState.className = live ? 'live on' : 'live'
  }, { class: 'secondary small-button', 'aria-pressed': 'false' })
  const liveState = h('span', { class: 'live on', 'aria-hidden': 'true' }, 'Live')
  const label = (target: string, text: string): HTMLElement => h('label', { for: target }, text)
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter calls', onsubmit: (event: Event) => (event.preventDefault(), changed()) },
    h('div', { class: 'field' }, label('f-server', 'Server'), serverSelect),
    h('div', { class: 'field' }, label('f-tool', 'Tool'), toolInput),
    h('div', { class: 'field' }, label('f-decision', 'Decision'), decisionSelect),
    h('div', { class: 'field' }, label('f-period', 'Time'), periodSelect),
  )
  const list = h('div', { class: 'list' })
  const side = h('div', { class: 'side' })
  const element = h('div', {}, h('div', { class: 'title-row' }, h('h1', { tabindex: -1 }, 'Activity'), h('div', { class: 'live-controls' }, liveState, liveButton)), filters, h('div', { class: 'split' }, list, side))

  const knowServer = (name: string): void => {
    if (servers.has(name)) return
    servers.add(name)
    serverSelect.append(h('option', { value: name }, name))
  }

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

  const row = (entry: AuditEntry, fresh: boolean): HTMLElement =>
    h(
      'tr',
      { class: `${fresh ? 'fresh ' : ''}${selected?.id === entry.id ? 'selected' : ''}`, 'data-decision': entry.decision },
      h('td', {}, button(when(entry.time), () => open(entry), { class: 'row-button', 'data-key': `row-${entry.id}`, 'aria-label': `${entry.decision === 'allow' ? 'Allowed' : 'Blocked'}: ${entry.target ?? entry.method} on ${entry.server} at ${when(entry.time)}. Show details`, 'aria-expanded': String(selected?.id === entry.id) })),
      h('td', {}, entry.server),
      h('td', {}, h('span', { class: 'target' }, entry.target ?? entry.method)),
      h('td', { class: 'col-who' }, entry.user ?? h('span', { class: 'muted' }, '—')),
      h('td', {}, decisionBadge(entry)),
      h('td', { class: 'why col-why' }, entry.decision === 'deny' ? (entry.reasons[0] ?? denialMeaning(entry.code)) : h('span', { class: 'muted' }, entry.reasons[0] ?? '')),
    )

  let freshIds = new Set<string>()
  function renderList(): void {
    if (problem !== undefined) {
      replaceKeepingFocus(list, notice('error', 'The activity log cannot be read', h('p', {}, problem)))
      return
    }
    if (!loaded) {
      replaceKeepingFocus(list, h('p', { class: 'muted' }, 'Loading…'))
      return
    }
    const shown = entries.filter(isShown)
    const filtered = filter.server !== undefined || filter.tool !== undefined || filter.decision !== undefined || period !== 'any'
    if (shown.length === 0) {
      replaceKeepingFocus(
        list,
        filtered && (filter.server !== undefined || filter.tool !== undefined || filter.decision !== undefined)
          ? empty('No calls match these filters', h('p', {}, 'New calls that match appear here as they happen.'), button('Clear filters', clearFilters, { class: 'secondary', 'data-key': 'clear' }))
          : empty('No calls yet', h('p', {}, 'When your AI tools call a protected MCP server, each call and the decision on it appear here within a second.')),
      )
      return
    }
    replaceKeepingFocus(
      list,
      h(
        'table',
        { class: 'table activity', 'aria-describedby': 'activity-count' },
        h('caption', { id: 'activity-count', class: 'visually-hidden' }, `${shown.length} calls, newest first`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Server'), h('th', { scope: 'col' }, 'Tool'), h('th', { scope: 'col', class: 'col-who' }, 'Who'), h('th', { scope: 'col' }, 'Decision'), h('th', { scope: 'col', class: 'col-why' }, 'Why'))),
        h('tbody', {}, shown.map((entry) => row(entry, freshIds.has(entry.id)))),
      ),
    )
  }

  function clearFilters(): void {
    serverSelect.value = ''
    toolInput.value = ''
    decisionSelect.value = ''
    changed()
    serverSelect.focus()
  }

  function changed(): void {
    const tool = toolInput.value.trim()
    filter = {
      ...(serverSelect.value === '' ? {} : { server: serverSelect.value }),
      ...(tool === '' ? {} : { tool }),
      ...(decisionSelect.value === 'allow' || decisionSelect.value === 'deny' ? { decision: decisionSelect.value } : {}),
    }
    period = periodSelect.value as Period
    entries = []
    newest = undefined
    loaded = false
    generation += 1
    void poll(true)
  }

  async function poll(force = false): Promise<void> {
    if (!live && !force) return
    const mine = generation
    const periodSince = since(period)
    try {
      const { entries: found } = await context.api['audit:query']({ filter: { ...filter, ...(periodSince === undefined ? {} : { since: periodSince }) }, ...(newest === undefined ? {} : { after: newest }), limit: PAGE })
      if (mine !== generation) return
      const recovered = problem !== undefined
      problem = undefined
      freshIds = new Set(loaded ? found.map((entry) => entry.id) : [])
      for (const entry of found) knowServer(entry.server)
      if (found.length > 0) {
        entries = [...found, ...entries].slice(0, 1000)
        newest = found[0]?.id
        if (loaded && found.some(isShown)) context.announce(`${found.filter(isShown).length} new call${found.filter(isShown).length === 1 ? '' : 's'}.`)
      }
      const changedView = found.length > 0 || !loaded || recovered
      loaded = true
      if (changedView) renderList()
    } catch (error) {
      problem = errorMessage(error)
      renderList()
    }
  }

  void context.api['servers:list']({}).then(({ servers: known }) => known.forEach((server) => knowServer(server.server)), () => undefined)
  renderList()
  const stop = every(POLL_MS, () => poll())
  return { title: 'Activity', element, dispose: stop }
}
