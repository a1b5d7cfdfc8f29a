/**
 * desktop/src/app/renderer/main.ts — the window: navigation, one status poll for every screen, the banner for states
 * that matter everywhere (agent down, signed out, stale policy), and the screen the address names (`#activity`…).
 */
import type { AppStatus } from '../contract/ipc-contract.js'
import { warden } from './api.js'
import { type AppContext, every, ROUTES, type Route, type Screen } from './context.js'
import { button, h, replaceKeepingFocus } from './dom.js'
import { activityScreen } from './screens/activity-screen.js'
import { approvalsScreen } from './screens/approvals-screen.js'
import { clientsScreen } from './screens/clients-screen.js'
import { policyScreen } from './screens/policy-screen.js'
import { staleReason } from './screens/policy-words.js'
import { settingsScreen } from './screens/settings-screen.js'
import { signInScreen } from './screens/sign-in-screen.js'
import { statusScreen } from './screens/status-screen.js'

const SCREENS: Record<Route, (context: AppContext) => Screen> = {
  status: statusScreen,
  activity: activityScreen,
  policy: policyScreen,
  approvals: approvalsScreen,
  clients: clientsScreen,
  settings: settingsScreen,
  'sign-in': signInScreen,
}

const NAV: readonly { readonly route: Route; readonly label: string }[] = [
  { route: 'status', label: 'Status' },
  { route: 'activity', label: 'Activity' },
  { route: 'approvals', label: 'Approvals' },
  { route: 'policy', label: 'Policy' },
  { route: 'clients', label: 'Clients' },
  { route: 'settings', label: 'Settings' },
]

const STATUS_POLL_MS = 2000

function routeOf(hash: string): Route {
  const name = hash.replace(/^#/, '')
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'status'
}

function start(): void {
  const api = warden()
  const listeners = new Set<(status: AppStatus) => void>()
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' })
  const banner = h('div', { class: 'banner-slot' })
  const slot = h('div', { class: 'screen' })
  const badge = h('span', { class: 'nav-badge', hidden: true })
  const links = NAV.map(({ route, label }) => h('a', { href: `#${route}`, class: 'nav-link', 'data-route': route }, label, route === 'approvals' ? badge : null))
  const main = h('main', { id: 'main', tabindex: -1 }, banner, slot)
  document.body.replaceChildren(
    h('a', { href: '#main', class: 'skip', onclick: (event: Event) => (event.preventDefault(), main.focus()) }, 'Skip to content'),
    h('div', { class: 'app' }, h('nav', { class: 'nav', 'aria-label': 'MCP Warden' }, h('p', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'MCP Warden'), h('ul', {}, links.map((link) => h('li', {}, link)))), main),
    live,
  )

  let status: AppStatus | undefined
  let screen: Screen | undefined
  let route: Route | undefined
  let bannerKey = ''

  const context: AppContext = {
    api,
    status: () => status,
    refresh,
    onStatus(listener) {
      listeners.add(listener)
      if (status !== undefined) listener(status)
      return () => listeners.delete(listener)
    },
    navigate(next) {
      if (location.hash === `#${next}`) show(next, true)
      else location.hash = next
    },
    announce(text) {
      live.textContent = ''
      requestAnimationFrame(() => (live.textContent = text))
    },
  }

  function renderBanner(): void {
    if (status === undefined) return
    const agentDown = status.agent.state === 'down'
    // The status screen's session card says it, with its own button.
    const signedOut = status.session?.state === 'signed-out' && route !== 'sign-in' && route !== 'status'
    const stale = status.policy?.stale === true && route !== 'policy'
    badge.hidden = status.pendingApprovals === 0
    badge.textContent = String(status.pendingApprovals)
    badge.setAttribute('aria-label', `${status.pendingApprovals} waiting`)
    // Re-inserting an alert makes screen readers read it again: only a change re-renders (the minute refreshes ages).
    const key = JSON.stringify([agentDown && route !== 'status', signedOut, stale && status.policy, Math.floor(Date.now() / 60_000)])
    if (key === bannerKey) return
    bannerKey = key
    replaceKeepingFocus(
      banner,
      agentDown && route !== 'status'
        ? h('div', { class: 'banner banner-error', role: 'alert' }, h('strong', {}, 'The MCP Warden agent is not running. '), 'Your protected servers refuse every call. ', button('Details', () => context.navigate('status'), { class: 'link', 'data-key': 'banner-details' }))
        : null,
      signedOut ? h('div', { class: 'banner banner-warning', role: 'status' }, h('strong', {}, 'You are signed out. '), 'Your protected servers refuse every call until you sign in. ', button('Sign in', () => context.navigate('sign-in'), { class: 'link', 'data-key': 'banner-sign-in' })) : null,
      stale && status.policy !== null ? h('div', { class: 'banner banner-warning', role: 'status' }, h('strong', {}, 'The policy is stale: '), staleReason(status.policy)) : null,
    )
  }

  async function refresh(): Promise<AppStatus> {
    const next = await api['app:status']({})
    const first = status === undefined
    status = next
    renderBanner()
    for (const listener of listeners) listener(next)
    if (first && next.session?.state === 'signed-out' && route === 'status') context.navigate('sign-in')
    return next
  }

  function show(next: Route, focus: boolean): void {
    screen?.dispose()
    route = next
    screen = SCREENS[next](context)
    slot.replaceChildren(screen.element)
    document.title = `${screen.title} · MCP Warden`
    for (const link of links) {
      if (link.dataset['route'] === next) link.setAttribute('aria-current', 'page')
      else link.removeAttribute('aria-current')
    }
    renderBanner()
    if (focus) screen.element.querySelector<HTMLElement>('h1')?.focus()
  }

  window.addEventListener('hashchange', () => show(routeOf(location.hash), true))
  show(routeOf(location.hash), false)
  every(STATUS_POLL_MS, async () => void (await refresh()))
}

start()
