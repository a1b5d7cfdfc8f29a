/**
 * desktop/src/app/renderer/screens/clients-screen.ts — "Protect my clients": the MCP hosts found on this computer,
 * their servers (protected, not yet, changed by hand), and for each a change planned, shown as a diff, applied only
 * when the person says so; then which host to restart.
 */
import type { IpcAnswer } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import type { AppContext, Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'

type Client = IpcAnswer<'clients:list'>['clients'][number]
type Planned = IpcAnswer<'clients:plan'>

function diffView(diff: string): HTMLElement {
  const lines = diff.split('\n').map((line) => {
    const kind = line.startsWith('@@') ? 'hunk' : line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'same'
    return h('span', { class: `diff-line diff-${kind}` }, `${line}\n`)
  })
  return h('pre', { class: 'diff', tabindex: 0, 'aria-label': 'Changes to the configuration file' }, lines)
}

function serverTags(client: Client): HTMLElement {
  if (client.servers.length === 0) return h('p', { class: 'muted' }, 'No MCP servers configured.')
  return h(
    'ul',
    { class: 'servers' },
    client.servers.map((server) =>
      h(
        'li',
        {},
        h('span', { class: 'server-name' }, server.name),
        h('span', { class: `badge ${server.protected ? 'badge-allow' : 'badge-neutral'}` }, server.protected ? 'Protected' : 'Not protected'),
        server.drift ? h('span', { class: 'badge badge-ask' }, 'Changed by hand') : null,
        server.note === undefined ? null : h('span', { class: 'muted small' }, server.note),
      ),
    ),
  )
}

/** The clients screen. */
export function clientsScreen(context: AppContext): Screen {
  const content = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Looking for MCP clients…'))
  const element = h('div', {}, h('h1', { tabindex: -1 }, 'Protect my clients'), h('p', { class: 'lead' }, 'MCP Warden can launch the MCP servers of your AI tools through its proxy, so your policy applies to every call. Each change is shown before it is made, and can be undone.'), content)
  let clients: Client[] | undefined
  let problem: string | undefined
  let done: string | undefined
  let plan: Planned | undefined
  let planning: string | undefined

  const load = async (): Promise<void> => {
    try {
      clients = (await context.api['clients:list']({})).clients
      problem = undefined
    } catch (error) {
      problem = errorMessage(error)
    }
    render()
  }

  const makePlan = async (client: Client, action: 'install' | 'uninstall'): Promise<void> => {
    planning = client.client
    done = undefined
    render()
    try {
      plan = await context.api['clients:plan']({ client: client.client, action })
      problem = undefined
    } catch (error) {
      problem = errorMessage(error)
    }
    planning = undefined
    render()
    ;(content.querySelector('[data-key="apply"], [data-key="back"]') as HTMLElement | null)?.focus()
  }

  const apply = async (): Promise<void> => {
    if (plan === undefined) return
    const { planId } = plan
    try {
      done = (await context.api['clients:apply']({ planId })).message
      problem = undefined
      context.announce(done)
    } catch (error) {
      problem = errorMessage(error)
    }
    plan = undefined
    await load()
  }

  const clientCard = (client: Client): HTMLElement => {
    const unprotected = client.servers.some((server) => !server.protected || server.drift) || client.launcherMissing
    const anyProtected = client.servers.some((server) => server.protected)
    const busy = planning === client.client
    return h(
      'li',
      { class: 'client' },
      h('div', { class: 'client-head' }, h('h2', {}, client.label), client.state === 'found' ? (unprotected ? h('span', { class: 'badge badge-ask' }, 'Needs protection') : h('span', { class: 'badge badge-allow' }, 'Protected')) : null),
      h('p', { class: 'muted small' }, h('code', {}, client.configPath)),
      client.state === 'error' ? notice('error', 'This configuration cannot be read', h('p', {}, client.error ?? 'Fix the file, then look again.')) : null,
      client.state === 'found' ? serverTags(client) : null,
      client.launcherMissing ? h('p', { class: 'warn-text' }, "The protected entries point to a launcher that is missing: protect again to repair them.") : null,
      client.state === 'found'
        ? h(
            'div',
            { class: 'actions' },
            unprotected ? button(busy ? 'Preparing…' : `Protect ${client.label}`, () => void makePlan(client, 'install'), { class: 'primary', disabled: busy, 'data-key': `protect-${client.client}` }) : null,
            anyProtected ? button('Remove protection', () => void makePlan(client, 'uninstall'), { class: 'secondary', disabled: busy, 'data-key': `remove-${client.client}` }) : null,
          )
        : null,
    )
  }

  const planView = (planned: Planned): HTMLElement => {
    const label = clients?.find((client) => client.client === planned.plan.client)?.label ?? planned.plan.client
    const nothing = planned.plan.diff === ''
    return h(
      'section',
      { class: 'section plan', 'aria-labelledby': 'plan-h' },
      h('h2', { id: 'plan-h' }, `${planned.plan.action === 'install' ? 'Protect' : 'Remove protection from'} ${label}`),
      h('p', { class: 'muted small' }, h('code', {}, planned.plan.configPath)),
      nothing ? h('p', {}, 'Nothing to change: this client is already as asked.') : [h('ul', { class: 'reasons' }, planned.plan.summary.map((line) => h('li', {}, line))), diffView(planned.plan.diff)],
      h(
        'div',
        { class: 'actions' },
        nothing ? null : button('Apply change', () => void apply(), { class: 'primary', 'data-key': 'apply' }),
        button(nothing ? 'Back' : 'Cancel', () => ((plan = undefined), render()), { class: 'secondary', 'data-key': 'back' }),
      ),
    )
  }

  function render(): void {
    const top = [
      problem === undefined ? null : notice('error', 'That did not work', h('p', {}, problem)),
      done === undefined ? null : notice('success', 'Done', h('p', {}, done)),
    ]
    if (plan !== undefined) {
      replaceKeepingFocus(content, top, planView(plan))
      return
    }
    if (clients === undefined) {
      replaceKeepingFocus(content, top, problem === undefined ? h('p', { class: 'muted' }, 'Looking for MCP clients…') : null)
      return
    }
    const found = clients.filter((client) => client.state !== 'absent')
    const absent = clients.filter((client) => client.state === 'absent')
    replaceKeepingFocus(
      content,
      top,
      found.length === 0
        ? empty('No MCP clients found', h('p', {}, 'Install an MCP client such as Claude Desktop, Cursor or VS Code, add a server to it, then look again.'), button('Look again', () => void load(), { class: 'secondary', 'data-key': 'reload' }))
        : h('ul', { class: 'clients' }, found.map(clientCard)),
      absent.length === 0
        ? null
        : h(
            'section',
            { class: 'absent', 'aria-labelledby': 'absent-h' },
            h('h2', { id: 'absent-h' }, 'Not found on this computer'),
            h('ul', {}, absent.map((client) => h('li', {}, h('span', {}, client.label), ' ', h('code', { class: 'muted small' }, client.configPath)))),
          ),
    )
  }

  void load()
  return { title: 'Clients', element, dispose: () => undefined }
}
