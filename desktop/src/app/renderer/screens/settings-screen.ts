/**
 * desktop/src/app/renderer/screens/settings-screen.ts — the app's own settings: start at login, notifications.
 * Each switch saves at once and says so.
 */
import type { AppSettings } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import type { AppContext, Screen } from '../context.js'
import { h, notice, replaceKeepingFocus } from '../dom.js'

const SWITCHES: readonly { readonly key: keyof AppSettings; readonly label: string; readonly help: string }[] = [
  { key: 'openAtLogin', label: 'Start MCP Warden when I log in', help: 'Keeps the agent running, so your protected tools work from the start.' },
  { key: 'notifications', label: 'Notify me when a call needs my approval', help: 'A system notification appears while the window is closed.' },
]

/** The settings screen. */
export function settingsScreen(context: AppContext): Screen {
  const content = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const saved = h('p', { class: 'muted small', role: 'status' })
  const element = h('div', { class: 'narrow' }, h('h1', { tabindex: -1 }, 'Settings'), content, saved)

  const render = (settings: AppSettings | Error): void => {
    if (settings instanceof Error) {
      replaceKeepingFocus(content, notice('error', 'The settings cannot be read', h('p', {}, settings.message)))
      return
    }
    replaceKeepingFocus(
      content,
      h(
        'ul',
        { class: 'switches' },
        SWITCHES.map(({ key, label, help }) =>
          h(
            'li',
            {},
            h('input', {
              type: 'checkbox',
              role: 'switch',
              id: `s-${key}`,
              checked: settings[key],
              'aria-describedby': `s-${key}-help`,
              'data-key': key,
              onchange: (event: Event) => void change(key, (event.target as HTMLInputElement).checked),
            }),
            h('label', { for: `s-${key}` }, label),
            h('p', { id: `s-${key}-help`, class: 'muted small' }, help),
          ),
        ),
      ),
    )
  }

  const change = async (key: keyof AppSettings, value: boolean): Promise<void> => {
    try {
      render(await context.api['settings:set']({ [key]: value }))
      saved.textContent = 'Saved.'
    } catch (error) {
      saved.textContent = `Not saved: ${errorMessage(error)}`
    }
  }

  context.api['settings:get']({}).then(render, (error: unknown) => render(new Error(errorMessage(error))))
  return { title: 'Settings', element, dispose: () => undefined }
}
