/**
 * desktop/src/app/renderer/screens/approvals-screen.ts — calls a policy rule marks "ask": which tool, on which
 * server, under which rule, the arguments with every finding masked, and how long is left; Allow once or Deny.
 */
import type { IpcAnswer } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import { type AppContext, every, type Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'
import { countdown } from '../format.js'

type Pending = IpcAnswer<'approvals:list'>['pending'][number]

/** The approvals screen. */
export function approvalsScreen(context: AppContext): Screen {
  const content = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const element = h('div', {}, h('h1', { tabindex: -1 }, 'Approvals'), h('p', { class: 'lead' }, 'Your policy asks you to approve some calls before they run. Nobody answering in time counts as Deny.'), content)
  let pending: Pending[] = []
  let shownKey = ''
  let problem: string | undefined
  const answering = new Set<string>()
  const clocks = new Map<string, { readonly expiresAt: number; readonly requestedAt: number; readonly text: HTMLElement; readonly bar: HTMLProgressElement }>()

  const answer = async (item: Pending, choice: 'allow' | 'deny'): Promise<void> => {
    answering.add(item.id)
    render(true)
    try {
      await context.api['approvals:answer']({ id: item.id, answer: choice })
      context.announce(`${choice === 'allow' ? 'Allowed once' : 'Denied'}: ${item.question.target} on ${item.question.server}.`)
      pending = pending.filter((p) => p.id !== item.id)
    } catch (error) {
      problem = errorMessage(error)
    } finally {
      answering.delete(item.id)
    }
    render(true)
    void context.refresh()
    ;(content.querySelector('[data-key^="allow-"]') as HTMLElement | null)?.focus()
  }

  const card = (item: Pending): HTMLElement => {
    const { question } = item
    const text = h('span', { class: 'countdown' }, countdown(item.expiresAt))
    const bar = h('progress', { max: 1000, value: 1000, 'aria-label': 'Time left to answer' })
    clocks.set(item.id, { expiresAt: item.expiresAt, requestedAt: item.requestedAt, text, bar })
    const busy = answering.has(item.id)
    const headingId = `approval-${item.id}`
    return h(
      'li',
      { class: 'approval', 'aria-labelledby': headingId },
      h('div', { class: 'approval-head' }, h('h2', { id: headingId }, h('span', { class: 'target' }, question.target)), h('span', { class: 'muted' }, ` on ${question.server}`)),
      h(
        'dl',
        { class: 'fields' },
        h('div', {}, h('dt', {}, 'Rule'), h('dd', {}, question.ruleIds.join(', ') || '—')),
        h('div', {}, h('dt', {}, 'Arguments'), h('dd', {}, question.argumentNames.length === 0 ? 'None' : question.argumentNames.join(', '))),
        h('div', {}, h('dt', {}, 'Time left'), h('dd', { class: 'timer' }, text, bar)),
      ),
      question.argumentsPreview === undefined ? null : h('pre', { class: 'preview', 'aria-label': 'Arguments, sensitive values masked', tabindex: 0 }, question.argumentsPreview),
      h(
        'div',
        { class: 'actions' },
        button('Allow once', () => void answer(item, 'allow'), { class: 'primary', disabled: busy, 'data-key': `allow-${item.id}` }),
        button('Deny', () => void answer(item, 'deny'), { class: 'danger', disabled: busy, 'data-key': `deny-${item.id}` }),
      ),
    )
  }

  function render(force = false): void {
    const key = JSON.stringify([pending.map((p) => p.id), problem, [...answering]])
    if (key === shownKey && !force) return
    shownKey = key
    clocks.clear()
    replaceKeepingFocus(
      content,
      problem === undefined ? null : notice('error', 'Approvals cannot be shown', h('p', {}, problem)),
      pending.length === 0 ? (problem === undefined ? empty('Nothing waiting for you', h('p', {}, 'When a call needs your approval it appears here, and the app tells you.')) : null) : h('ul', { class: 'approvals' }, pending.map(card)),
    )
  }

  const tick = setInterval(() => {
    const now = Date.now()
    for (const clock of clocks.values()) {
      clock.text.textContent = countdown(clock.expiresAt, now)
      const total = Math.max(1, clock.expiresAt - clock.requestedAt)
      clock.bar.value = Math.max(0, Math.round(((clock.expiresAt - now) / total) * 1000))
    }
  }, 250)
  const stop = every(1000, async () => {
    try {
      pending = (await context.api['approvals:list']({})).pending
      problem = undefined
    } catch (error) {
      pending = []
      problem = errorMessage(error)
    }
    render()
  })
  return {
    title: 'Approvals',
    element,
    dispose() {
      stop()
      clearInterval(tick)
    },
  }
}
