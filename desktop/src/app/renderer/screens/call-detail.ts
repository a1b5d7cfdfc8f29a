/**
 * desktop/src/app/renderer/screens/call-detail.ts — the detail pane of one audited call: decision, code and what it
 * means, where it was decided, rules and reasons, policy revision, findings by type and JSON pointer, outcome and
 * time. Escape closes it. The record holds no argument values, so neither does the pane.
 */
import type { AuditEntry } from '../../contract/ipc-contract.js'
import { button, h } from '../dom.js'
import { exact } from '../format.js'
import { denialMeaning } from './denial-words.js'

/** "Allowed" or "Blocked", as a badge. */
export function decisionBadge(entry: AuditEntry): HTMLElement {
  return h('span', { class: `badge badge-${entry.decision}` }, entry.decision === 'allow' ? 'Allowed' : 'Blocked')
}

/** The pane; `close` runs on its Close button and on Escape. */
export function detailPane(entry: AuditEntry, close: () => void): HTMLElement {
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
