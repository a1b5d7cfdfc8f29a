/**
 * desktop/src/app/renderer/screens/status-screen.ts — the home screen: who is signed in, the policy in force and
 * its age, today's calls and blocks, and each protected server with its calls and last decision.
 */
import type { AppStatus, IpcAnswer } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import { type AppContext, every, type Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'
import { age, when } from '../format.js'
import { policyLine } from './policy-words.js'

type Server = IpcAnswer<'servers:list'>['servers'][number]

const CLIENT_NAMES: Record<string, string> = { 'claude-desktop': 'Claude Desktop', cursor: 'Cursor', vscode: 'VS Code', windsurf: 'Windsurf', 'claude-code': 'Claude Code' }

function sessionCard(status: AppStatus, context: AppContext): HTMLElement {
  const session = status.session
  if (session === null) return h('section', { class: 'card', 'aria-labelledby': 'session-h' }, h('h2', { id: 'session-h' }, 'Your session'), h('p', { class: 'muted' }, 'Unknown while the agent is not running.'))
  if (session.state === 'signed-in') {
    const who = session.user.email ?? session.user.subject
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'session-h' },
      h('h2', { id: 'session-h' }, 'Your session'),
      h('p', { class: 'big' }, session.user.name ?? who),
      h('p', { class: 'muted' }, `${who} · ${session.refreshable ? 'renewed automatically' : `valid until ${when(session.idTokenExpiresAt * 1000)}`}`),
      button('Sign out', () => void signOut(context), { class: 'secondary', 'data-key': 'sign-out' }),
    )
  }
  const why =
    session.state === 'keychain-unavailable'
      ? `The system keychain is ${session.keychain}: unlock it (or install a keychain service) and MCP Warden finds your session again.`
      : session.reason === 'refresh-rejected'
        ? 'Your organisation ended your session. Sign in again to use your protected tools.'
        : 'Your protected tools refuse every call until you sign in.'
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'session-h' },
    h('h2', { id: 'session-h' }, 'Your session'),
    h('p', { class: 'big' }, session.state === 'keychain-unavailable' ? 'Keychain unavailable' : 'Signed out'),
    h('p', { class: 'muted' }, why),
    session.state === 'signed-out' ? button('Sign in', () => context.navigate('sign-in'), { class: 'primary', 'data-key': 'sign-in' }) : null,
  )
}

async function signOut(context: AppContext): Promise<void> {
  try {
    await context.api.signout({})
    context.announce('Signed out.')
  } catch (error) {
    context.announce(`Sign-out failed: ${errorMessage(error)}`)
  }
  await context.refresh()
}

function todayCard(status: AppStatus): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'today-h' },
    h('h2', { id: 'today-h' }, 'Today'),
    h(
      'dl',
      { class: 'figures' },
      h('div', {}, h('dt', {}, 'Calls'), h('dd', { 'data-testid': 'calls-today' }, status.today.calls)),
      h('div', {}, h('dt', {}, 'Blocked'), h('dd', { class: status.today.blocked > 0 ? 'deny-text' : '', 'data-testid': 'blocked-today' }, status.today.blocked)),
      h('div', {}, h('dt', {}, 'Waiting for you'), h('dd', {}, status.pendingApprovals)),
    ),
  )
}

function policyCard(status: AppStatus, context: AppContext): HTMLElement {
  const policy = status.policy
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'policy-h' },
    h('h2', { id: 'policy-h' }, 'Policy'),
    policy === null ? h('p', { class: 'muted' }, 'Unknown while the agent is not running.') : [h('p', { class: 'big' }, policy.revision === null ? (policy.source === 'central' ? 'Not received yet' : 'Local policy files') : `Revision ${policy.revision}`), h('p', { class: policy.stale ? 'warn-text' : 'muted' }, policyLine(policy))],
    button('View rules', () => context.navigate('policy'), { class: 'link', 'data-key': 'view-policy' }),
  )
}

function serverRow(server: Server): HTMLElement {
  const last = server.last
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, server.server),
    h('td', {}, server.clients.length === 0 ? h('span', { class: 'muted' }, '—') : server.clients.map((client) => CLIENT_NAMES[client] ?? client).join(', ')),
    h('td', { class: 'num' }, server.calls),
    h('td', { class: 'num' }, server.blocked),
    h('td', {}, last === null ? h('span', { class: 'muted' }, 'No calls today') : [h('span', { class: `badge badge-${last.decision}` }, last.decision === 'allow' ? 'Allowed' : 'Blocked'), ' ', last.target ?? '', h('span', { class: 'muted' }, ` · ${age(Date.parse(last.time))}`)]),
  )
}

function serversSection(servers: readonly Server[] | Error | undefined): HTMLElement {
  const body =
    servers === undefined
      ? h('p', { class: 'muted' }, 'Loading…')
      : servers instanceof Error
        ? notice('error', 'The protected servers cannot be listed', h('p', {}, servers.message))
        : servers.length === 0
          ? empty('No protected servers yet', h('p', {}, 'Protect the MCP servers your AI tools use from the Clients screen. Their calls appear here once they are made.'))
          : h(
              'table',
              { class: 'table' },
              h('caption', { class: 'visually-hidden' }, 'Protected servers and their calls today'),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Server'), h('th', { scope: 'col' }, 'Launched by'), h('th', { scope: 'col', class: 'num' }, 'Calls today'), h('th', { scope: 'col', class: 'num' }, 'Blocked'), h('th', { scope: 'col' }, 'Last decision'))),
              h('tbody', {}, servers.map(serverRow)),
            )
  return h('section', { class: 'section', 'aria-labelledby': 'servers-h' }, h('h2', { id: 'servers-h' }, 'Protected servers'), body)
}

/** The status screen. */
export function statusScreen(context: AppContext): Screen {
  const content = h('div', { class: 'stack' })
  const element = h('div', {}, h('h1', { tabindex: -1 }, 'Status'), content)
  let servers: readonly Server[] | Error | undefined
  let last: AppStatus | undefined
  let shown = ''

  const render = (): void => {
    if (last === undefined) return
    // Re-inserting the agent-down alert makes screen readers read it again: only a change re-renders.
    const key = JSON.stringify([last, servers instanceof Error ? servers.message : servers, Math.floor(Date.now() / 60_000)])
    if (key === shown) return
    shown = key
    const down = last.agent.state === 'down' ? notice('error', 'The MCP Warden agent is not running', h('p', {}, last.agent.message), button('Try again', () => void context.refresh(), { class: 'secondary', 'data-key': 'retry' })) : null
    replaceKeepingFocus(content, down, h('div', { class: 'cards' }, sessionCard(last, context), policyCard(last, context), todayCard(last)), serversSection(servers))
  }
  const unsubscribe = context.onStatus((status) => {
    last = status
    render()
  })
  const stop = every(3000, async () => {
    try {
      servers = (await context.api['servers:list']({})).servers
    } catch (error) {
      servers = new Error(errorMessage(error))
    }
    render()
  })
  return {
    title: 'Status',
    element,
    dispose() {
      unsubscribe()
      stop()
    },
  }
}
