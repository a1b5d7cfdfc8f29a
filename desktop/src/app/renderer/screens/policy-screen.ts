/**
 * desktop/src/app/renderer/screens/policy-screen.ts — the policy in force, readable: where it comes from, its
 * revision and age, and each rule as who may do what, under which conditions.
 */
import type { PolicyView } from '../../contract/ipc-contract.js'
import { errorMessage } from '../api.js'
import { type AppContext, every, type Screen } from '../context.js'
import { button, empty, h, notice, replaceKeepingFocus } from '../dom.js'
import { age } from '../format.js'
import { staleReason } from './policy-words.js'

type Rule = PolicyView['rules'][number]

const EFFECT_LABEL: Record<Rule['effect'], string> = { allow: 'Allow', deny: 'Deny', ask: 'Ask me' }

function ruleCard(rule: Rule): HTMLElement {
  return h(
    'li',
    { class: 'rule' },
    h('div', { class: 'rule-head' }, h('span', { class: `badge badge-${rule.effect}` }, EFFECT_LABEL[rule.effect]), h('h3', {}, rule.id)),
    h(
      'dl',
      { class: 'fields' },
      h('div', {}, h('dt', {}, 'Who'), h('dd', {}, rule.who)),
      h('div', {}, h('dt', {}, 'What'), h('dd', {}, rule.what)),
      h('div', {}, h('dt', {}, 'When'), h('dd', {}, rule.conditions.length === 0 ? 'Always' : h('ul', { class: 'reasons' }, rule.conditions.map((condition) => h('li', {}, condition))))),
    ),
  )
}

function describe(view: PolicyView, context: AppContext): (HTMLElement | null)[] {
  const { brief } = view
  if (brief.source !== 'central') {
    return [
      empty(
        'No central policy',
        h('p', {}, "Your settings name no organisation policy, so each protected server follows the policy file its proxy was started with. Ask your administrator if you expected your organisation's policy here."),
      ),
    ]
  }
  const facts = h(
    'dl',
    { class: 'facts' },
    h('div', {}, h('dt', {}, 'Source'), h('dd', {}, 'Your organisation (signed)')),
    h('div', {}, h('dt', {}, 'Revision'), h('dd', { 'data-testid': 'policy-revision' }, brief.revision === null ? 'Not received yet' : String(brief.revision))),
    h('div', {}, h('dt', {}, 'Last confirmed'), h('dd', {}, brief.checkedAt === null ? 'Never' : age(brief.checkedAt))),
    view.location === null ? null : h('div', {}, h('dt', {}, 'From'), h('dd', {}, h('code', {}, view.location))),
  )
  return [
    brief.stale ? notice('warning', 'The policy is stale', h('p', {}, `Every protected call is refused: ${staleReason(brief)}`), button('Check again', () => void context.refresh(), { class: 'secondary', 'data-key': 'recheck' })) : null,
    facts,
    view.rules.length === 0
      ? empty('No rules', h('p', {}, 'Without rules every call is refused.'))
      : h('section', { 'aria-labelledby': 'rules-h' }, h('h2', { id: 'rules-h' }, `Rules (${view.rules.length})`), h('p', { class: 'muted' }, 'A deny rule wins over ask, and ask over allow. Anything no rule allows is refused.'), h('ul', { class: 'rules' }, view.rules.map(ruleCard))),
  ]
}

/** The policy screen. */
export function policyScreen(context: AppContext): Screen {
  const content = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'))
  const element = h('div', {}, h('h1', { tabindex: -1 }, 'Policy'), content)
  let last = ''
  const stop = every(5000, async () => {
    let view: PolicyView | null | Error
    try {
      view = await context.api['policy:get']({})
    } catch (error) {
      view = new Error(errorMessage(error))
    }
    const key = view instanceof Error ? `error:${view.message}` : JSON.stringify(view)
    if (key === last) return
    last = key
    replaceKeepingFocus(
      content,
      view === null
        ? notice('error', 'The policy is unknown', h('p', {}, 'The MCP Warden agent is not running, and it holds the policy. Quit and reopen MCP Warden, or run `mcp-warden agent`.'))
        : view instanceof Error
          ? notice('error', 'The policy cannot be shown', h('p', {}, view.message))
          : describe(view, context),
    )
  })
  return { title: 'Policy', element, dispose: stop }
}
