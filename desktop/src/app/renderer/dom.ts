/**
 * desktop/src/app/renderer/dom.ts — the few DOM helpers the screens are built with: `h` (an element with attributes,
 * listeners and children; text is always a text node, never parsed as HTML) and `replaceKeepingFocus` (swap a
 * section's content on a poll without losing the keyboard focus inside it).
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[]
type Listener = (event: Event) => void
export type Attributes = Record<string, string | number | boolean | null | undefined | Listener>

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return
  if (Array.isArray(child)) for (const item of child as readonly Child[]) append(parent, item)
  else if (child instanceof Node) parent.appendChild(child)
  else parent.appendChild(document.createTextNode(String(child)))
}

/**
 * An element. `on<event>` attributes add listeners; `true` sets an empty attribute, `false`/`null`/`undefined` none.
 *
 * @example
 * h('button', { type: 'button', class: 'primary', onclick: () => save() }, 'Save')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value))
  }
  append(element, children)
  return element
}

/** A `<button type="button">`: Enter and Space work as the platform makes them. */
export function button(label: Child, onclick: () => void, attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attributes, onclick }, label)
}

/**
 * Replaces `container`'s children. If the focus was on an element with `data-key` inside it, the new element with
 * the same key gets it back (polls re-render lists under a person's keyboard).
 */
export function replaceKeepingFocus(container: Element, ...children: Child[]): void {
  const active = document.activeElement
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset['key'] : undefined
  container.replaceChildren()
  append(container, children)
  if (key === undefined) return
  const again = [...container.querySelectorAll<HTMLElement>('[data-key]')].find((element) => element.dataset['key'] === key)
  again?.focus()
}

/** A notice: `role="alert"` for errors (read at once), `status` for the rest. */
export function notice(kind: 'error' | 'warning' | 'info' | 'success', title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('p', { class: 'notice-title' }, title), body)
}

/** The empty state of a list: what it will show, and why it is empty now. */
export function empty(title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), body)
}
