/**
 * desktop/src/demo/dev-idp-approve.ts — approves a device sign-in on the development IdP over HTTP.
 *
 * This is what a person does in a browser (RFC 8628 §3.3): open the verification URI, type the user code,
 * confirm it, sign in, allow access. It is done here with fetch, a cookie jar and the pages' stable form ids,
 * so the demo and tests exercise the IdP's real endpoints rather than reaching into its state.
 */
import { ERROR_MARKER, FORM_IDS, SUCCESS_MARKER } from './dev-idp-pages.js'

interface Page {
  readonly url: string
  readonly status: number
  readonly html: string
}

interface Form {
  readonly action: string
  readonly fields: URLSearchParams
}

const MAX_STEPS = 20

/** A fetch that keeps cookies and follows redirects by hand (so Set-Cookie on a 303 is not lost). */
function createBrowser(): (url: string, body?: URLSearchParams) => Promise<Page> {
  const jar = new Map<string, string>()
  const remember = (response: Response): void => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now())
      if (value === '' || expired) jar.delete(name)
      else jar.set(name, value)
    }
  }
  return async (start, body) => {
    let url = start
    let init: RequestInit = body === undefined ? { method: 'GET' } : { method: 'POST', body }
    for (let hop = 0; hop < MAX_STEPS; hop += 1) {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
      const response = await fetch(url, { ...init, redirect: 'manual', headers: cookie === '' ? {} : { cookie } })
      remember(response)
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel()
        url = new URL(location, url).href
        init = { method: 'GET' }
        continue
      }
      return { url, status: response.status, html: await response.text() }
    }
    throw new Error('the development IdP redirected too many times')
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"' }

function decodeHtml(value: string): string {
  return value.replace(/&(#\d+|amp|lt|gt|quot);/g, (_, entity: string) =>
    entity.startsWith('#') ? String.fromCharCode(Number(entity.slice(1))) : (ENTITIES[entity] ?? ''),
  )
}

/** Finds the form with this id and its hidden/prefilled inputs; undefined when the page has none. */
function findForm(page: Page, id: string): Form | undefined {
  const start = page.html.indexOf(`id="${id}"`)
  if (start === -1) return undefined
  const open = page.html.lastIndexOf('<form', start)
  const end = page.html.indexOf('</form>', start)
  const markup = page.html.slice(open, end === -1 ? undefined : end)
  const action = /action="([^"]*)"/.exec(markup)?.[1] ?? ''
  const fields = new URLSearchParams()
  for (const input of markup.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1]
    const value = /value="([^"]*)"/.exec(input[0])?.[1]
    if (name !== undefined && value !== undefined) fields.set(decodeHtml(name), decodeHtml(value))
  }
  return { action: new URL(decodeHtml(action), page.url).href, fields }
}

function explain(page: Page, step: string): Error {
  const at = page.html.indexOf(ERROR_MARKER)
  const text = at === -1 ? `HTTP ${page.status}` : page.html.slice(at + ERROR_MARKER.length + 1).split('<')[0] ?? ''
  return new Error(`development IdP: ${step} failed (${decodeHtml(text).trim()})`)
}

/** Fills and posts the form with this id; the page that comes back must not be an error page. */
async function submit(browse: ReturnType<typeof createBrowser>, page: Page, id: string, step: string, extra: Record<string, string> = {}): Promise<Page> {
  const form = findForm(page, id)
  if (form === undefined) throw explain(page, step)
  for (const [name, value] of Object.entries(extra)) form.fields.set(name, value)
  const next = await browse(form.action, form.fields)
  if (next.status >= 400 || next.html.includes(ERROR_MARKER)) throw explain(next, step)
  return next
}

/**
 * Completes a pending device authorization as `accountId`: enters the user code, confirms it, signs in and
 * grants what was requested. Rejects with a descriptive Error when the IdP refuses a step.
 *
 * @example
 * await approveDeviceOverHttp('http://127.0.0.1:4000', 'BCDF-GHJK', 'alice')
 */
export async function approveDeviceOverHttp(issuer: string, userCode: string, accountId: string): Promise<void> {
  const browse = createBrowser()
  let page = await browse(`${issuer}/device`)
  page = await submit(browse, page, FORM_IDS.userCode, 'entering the user code', { user_code: userCode })
  page = await submit(browse, page, FORM_IDS.confirm, 'entering the user code')
  for (let step = 0; step < MAX_STEPS && !page.html.includes(SUCCESS_MARKER); step += 1) {
    if (findForm(page, FORM_IDS.login) !== undefined) {
      page = await submit(browse, page, FORM_IDS.login, `signing in as "${accountId}"`, { account: accountId })
    } else {
      page = await submit(browse, page, FORM_IDS.consent, 'granting consent')
    }
  }
  if (!page.html.includes(SUCCESS_MARKER)) throw explain(page, 'approving the device')
}

/** What the client's redirect target answered at the end of an authorization request. */
export interface ClientPage {
  readonly url: string
  readonly status: number
  readonly html: string
}

/** Sign in as this account and allow, or deny (the "Deny" link: `access_denied`). */
export type AuthorizationDecision = { readonly accountId: string } | 'deny'

/** Posts the form with this id, whatever comes back (the answer may be the client's page). */
async function post(browse: ReturnType<typeof createBrowser>, page: Page, id: string, extra: Record<string, string> = {}): Promise<Page> {
  const form = findForm(page, id)
  if (form === undefined) throw explain(page, 'authorizing')
  for (const [name, value] of Object.entries(extra)) form.fields.set(name, value)
  return browse(form.action, form.fields)
}

/**
 * Drives an authorization request (authorization code flow) the way a person's browser would: opens the URL,
 * signs in, allows (or denies), follows the redirect to the client's `redirect_uri`, and resolves with the
 * page the client answered there. Rejects with a descriptive Error when the IdP shows an error page.
 *
 * @example
 * const page = await authorizeOverHttp(authorizationUrl, { accountId: 'alice' })
 */
export async function authorizeOverHttp(authorizationUrl: string, decision: AuthorizationDecision): Promise<ClientPage> {
  const idp = new URL(authorizationUrl).origin
  const browse = createBrowser()
  let page = await browse(authorizationUrl)
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (new URL(page.url).origin !== idp) return page
    if (page.status >= 400 || page.html.includes(ERROR_MARKER)) throw explain(page, 'authorizing')
    const interaction = /^\/interaction\/([\w-]+)$/.exec(new URL(page.url).pathname)?.[1]
    if (decision === 'deny' && interaction !== undefined) {
      page = await browse(`${idp}/interaction/${interaction}/abort`)
    } else if (decision !== 'deny' && findForm(page, FORM_IDS.login) !== undefined) {
      page = await post(browse, page, FORM_IDS.login, { account: decision.accountId })
    } else {
      page = await post(browse, page, FORM_IDS.consent)
    }
  }
  throw explain(page, 'authorizing')
}
