/**
 * desktop/src/app/renderer/screens/sign-in-screen.ts — signing in with the organisation's identity provider: with a
 * code (shown large, with Copy and Open browser; approved on any device) or in this computer's browser.
 */
import type { IpcAnswer } from '../../contract/ipc-contract.js'
import { errorCode, errorMessage } from '../api.js'
import type { AppContext, Screen } from '../context.js'
import { button, h, notice, replaceKeepingFocus } from '../dom.js'
import { countdown } from '../format.js'

type Started = IpcAnswer<'signin:start'>

/** The sign-in screen. */
export function signInScreen(context: AppContext): Screen {
  const body = h('div', { class: 'stack' })
  const heading = h('h1', { tabindex: -1 }, 'Sign in to MCP Warden')
  const element = h('div', { class: 'narrow' }, heading, body)
  let flowId: string | undefined
  let disposed = false
  let timer: ReturnType<typeof setInterval> | undefined

  const choose = (problem?: string): void => {
    flowId = undefined
    clearInterval(timer)
    replaceKeepingFocus(
      body,
      problem === undefined ? null : notice('error', 'The sign-in did not complete', h('p', {}, problem)),
      h('p', { class: 'lead' }, "Your organisation's policy decides which MCP tools you may use. Sign in once: your session stays in this computer's keychain and every protected tool uses it."),
      h(
        'div',
        { class: 'choices' },
        button([h('span', { class: 'choice-title' }, 'Sign in with a code'), h('span', { class: 'choice-text' }, 'Enter a short code on any device')], () => void start('device'), { class: 'choice', 'data-key': 'device' }),
        button([h('span', { class: 'choice-title' }, 'Sign in with this browser'), h('span', { class: 'choice-text' }, 'Opens your identity provider here')], () => void start('browser'), { class: 'choice', 'data-key': 'browser' }),
      ),
    )
  }

  const cancel = async (): Promise<void> => {
    if (flowId !== undefined) await context.api['signin:cancel']({ flowId }).catch(() => undefined)
  }

  const showDevice = (started: Extract<Started, { kind: 'device' }>): void => {
    const open = started.verificationUriComplete ?? started.verificationUri
    const expiry = h('span', { class: 'countdown' }, countdown(started.expiresAt))
    const copy = button('Copy code', () => {
      void context.api['clipboard:write']({ text: started.userCode }).then(
        () => {
          copy.textContent = 'Copied'
          context.announce('Code copied.')
        },
        (error: unknown) => context.announce(errorMessage(error)),
      )
    }, { class: 'secondary', 'data-key': 'copy' })
    replaceKeepingFocus(
      body,
      h('p', { class: 'lead' }, 'Open ', h('strong', {}, started.verificationUri), ' in a browser on any device, and enter this code:'),
      h('p', { class: 'user-code', 'aria-label': `Your code: ${started.userCode.split('').join(' ')}`, 'data-testid': 'user-code' }, started.userCode),
      h(
        'div',
        { class: 'actions' },
        button('Open browser', () => void context.api['shell:open']({ url: open }).catch((error: unknown) => context.announce(errorMessage(error))), { class: 'primary', 'data-key': 'open' }),
        copy,
        button('Cancel', () => void cancel(), { class: 'link', 'data-key': 'cancel' }),
      ),
      h('p', { class: 'muted waiting', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Waiting for you to approve the sign-in…'),
      h('p', { class: 'muted small' }, 'The code expires in ', expiry, '.'),
    )
    timer = setInterval(() => (expiry.textContent = countdown(started.expiresAt)), 1000)
    ;(body.querySelector('[data-key="open"]') as HTMLElement | null)?.focus()
  }

  const showBrowser = (): void => {
    replaceKeepingFocus(
      body,
      h('p', { class: 'lead' }, 'Finish signing in in the browser window that opened. This screen moves on by itself.'),
      h('p', { class: 'muted waiting', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Waiting for the browser…'),
      h('div', { class: 'actions' }, button('Cancel', () => void cancel(), { class: 'secondary', 'data-key': 'cancel' })),
    )
    ;(body.querySelector('[data-key="cancel"]') as HTMLElement | null)?.focus()
  }

  const start = async (method: 'device' | 'browser'): Promise<void> => {
    replaceKeepingFocus(body, h('p', { class: 'muted waiting', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Contacting your identity provider…'))
    let started: Started
    try {
      started = await context.api['signin:start']({ method })
    } catch (error) {
      choose(errorMessage(error))
      return
    }
    flowId = started.flowId
    if (started.kind === 'device') showDevice(started)
    else showBrowser()
    try {
      const status = await context.api['signin:wait']({ flowId: started.flowId })
      if (disposed) return
      const who = status.state === 'signed-in' ? (status.user.email ?? status.user.subject) : 'you'
      context.announce(`Signed in as ${who}.`)
      await context.refresh()
      context.navigate('status')
    } catch (error) {
      if (disposed) return
      choose(errorCode(error) === 'ERR_SIGNED_OUT' && /cancelled/.test(errorMessage(error)) ? undefined : errorMessage(error))
      ;(body.querySelector('[data-key="device"]') as HTMLElement | null)?.focus()
    }
  }

  choose()
  return {
    title: 'Sign in',
    element,
    dispose() {
      disposed = true
      clearInterval(timer)
      void cancel()
    },
  }
}
