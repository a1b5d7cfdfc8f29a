/**
 * desktop/src/demo/dev-idp-pages.ts — the development IdP's pages and its interaction routes.
 *
 * oidc-provider leaves login and consent to the host ("interactions", oidc-provider `docs/README.md`
 * "User flows"); its own devInteractions are off, so these are ours: a login page that signs in as one of
 * the configured accounts WITHOUT A PASSWORD, and a consent page that grants everything requested. That is
 * fine for a local demo and tests only. Pages are plain HTML with no external assets (nothing leaves the
 * machine) and stable form ids, so `approveDevice` can drive them over HTTP like a browser would.
 */
import type { IncomingMessage } from 'node:http'
import type { InteractionDetails, KoaContext, KoaMiddleware, Provider } from 'oidc-provider'
import type { DevAccount } from './dev-idp.js'

/** Form ids the HTTP driver looks for; the two `op.*` ids are oidc-provider's own device forms. */
export const FORM_IDS = {
  userCode: 'op.deviceInputForm',
  confirm: 'op.deviceConfirmForm',
  login: 'login',
  consent: 'consent',
} as const

/** Marks the last page of a completed device approval. */
export const SUCCESS_MARKER = 'id="device-success"'
/** Marks any error page; the text that follows says what went wrong. */
export const ERROR_MARKER = 'id="error"'

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} · MCP Warden dev IdP</title></head>
<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Development identity provider: no passwords, not for real use.</small></p></body></html>`
}

function setHtml(ctx: KoaContext, html: string, status = 200): void {
  ctx.status = status
  ctx.type = 'html'
  ctx.body = html
}

/** oidc-provider `features.deviceFlow.userCodeInputSource`: the page where the user code is typed. */
export async function userCodeInputSource(ctx: KoaContext, form: string, _out: unknown, err?: Error): Promise<void> {
  const note = err === undefined ? '<p>Enter the code shown by MCP Warden.</p>' : `<p ${ERROR_MARKER}>That code was not accepted (${escapeHtml(err.name)}). Check it and try again.</p>`
  setHtml(ctx, page('Sign in a device', `${note}${form}<button type="submit" form="${FORM_IDS.userCode}">Continue</button>`))
}

/** oidc-provider `features.deviceFlow.userCodeConfirmSource`: "is this the code on your device?". */
export async function userCodeConfirmSource(ctx: KoaContext, form: string, _client: unknown, _info: unknown, userCode: string): Promise<void> {
  const body = `<p>Confirm that MCP Warden shows the code <code>${escapeHtml(userCode)}</code>.</p>${form}<button type="submit" form="${FORM_IDS.confirm}">Continue</button>`
  setHtml(ctx, page('Confirm the code', body))
}

/** oidc-provider `features.deviceFlow.successSource`. */
export async function successSource(ctx: KoaContext): Promise<void> {
  setHtml(ctx, page('Signed in', `<p ${SUCCESS_MARKER}>You are signed in. You can close this page and return to MCP Warden.</p>`))
}

/** oidc-provider `renderError`: no stack traces, just the OAuth error. */
export async function renderError(ctx: KoaContext, out: { error?: string; error_description?: string }): Promise<void> {
  const text = `${out.error ?? 'error'}: ${out.error_description ?? 'the request failed'}`
  setHtml(ctx, page('Something went wrong', `<p ${ERROR_MARKER}>${escapeHtml(text)}</p>`), ctx.status >= 400 ? ctx.status : 400)
}

/** oidc-provider `features.rpInitiatedLogout.logoutSource`: confirm sign-out (RP-Initiated Logout §2). */
export async function logoutSource(ctx: KoaContext, form: string): Promise<void> {
  const body = `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`
  setHtml(ctx, page('Sign out', body))
}

/** oidc-provider `features.rpInitiatedLogout.postLogoutSuccessSource`. */
export async function postLogoutSuccessSource(ctx: KoaContext): Promise<void> {
  setHtml(ctx, page('Signed out', '<p>You are signed out.</p>'))
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 64 * 1024) throw new Error('form body too large')
    chunks.push(chunk as Buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function loginPage(uid: string, accounts: ReadonlyMap<string, DevAccount>, problem?: string): string {
  const options = [...accounts.values()].map((a) => `<option value="${escapeHtml(a.id)}">${escapeHtml(`${a.name} <${a.email}>`)}</option>`)
  const note = problem === undefined ? '' : `<p ${ERROR_MARKER}>${escapeHtml(problem)}</p>`
  return page('Sign in', `${note}<form id="${FORM_IDS.login}" method="post" action="/interaction/${escapeHtml(uid)}/login">
<select name="account">${options.join('')}</select><button type="submit">Sign in</button></form>`)
}

function consentPage(details: InteractionDetails): string {
  const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = details.prompt.details
  const items = [
    ...missingOIDCScope.map((scope) => `scope ${scope}`),
    ...missingOIDCClaims.map((claim) => `claim ${claim}`),
    ...Object.keys(missingResourceScopes).map((resource) => `access to ${resource}`),
  ]
  const list = items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')
  return page('Allow access', `<p>${escapeHtml(details.params.client_id)} asks for:</p><ul>${list}</ul>
<form id="${FORM_IDS.consent}" method="post" action="/interaction/${escapeHtml(details.uid)}/consent"><button type="submit">Allow</button></form>
<p><a href="/interaction/${escapeHtml(details.uid)}/abort">Deny</a></p>`)
}

/** Grants everything the consent prompt says is missing (as oidc-provider's devInteractions do). */
async function grantAll(provider: Provider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId
  if (accountId === undefined) throw new Error('consent without a signed-in account')
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)
  const grant = existing ?? new provider.Grant({ accountId, clientId: details.params.client_id })
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details
  if (missingOIDCScope !== undefined) grant.addOIDCScope(missingOIDCScope.join(' '))
  if (missingOIDCClaims !== undefined) grant.addOIDCClaims(missingOIDCClaims)
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '))
  return grant.save()
}

async function handleInteraction(ctx: KoaContext, provider: Provider, accounts: ReadonlyMap<string, DevAccount>, uid: string, action: string | undefined): Promise<void> {
  const details = await provider.interactionDetails(ctx.req, ctx.res)
  if (details.uid !== uid) throw new Error('interaction does not match the session')
  const finish = async (result: Record<string, unknown>, merge: boolean): Promise<void> => {
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge })
    ctx.respond = false
  }
  if (ctx.method === 'GET' && action === undefined) {
    if (details.prompt.name === 'login') return setHtml(ctx, loginPage(uid, accounts))
    if (details.prompt.name === 'consent') return setHtml(ctx, consentPage(details))
    throw new Error(`unsupported prompt ${details.prompt.name}`)
  }
  if (ctx.method === 'GET' && action === 'abort') {
    return finish({ error: 'access_denied', error_description: 'End-User aborted interaction' }, false)
  }
  if (ctx.method === 'POST' && action === 'login' && details.prompt.name === 'login') {
    const accountId = (await readForm(ctx.req)).get('account') ?? ''
    if (!accounts.has(accountId)) return setHtml(ctx, loginPage(uid, accounts, 'No such account.'), 400)
    return finish({ login: { accountId } }, false)
  }
  if (ctx.method === 'POST' && action === 'consent' && details.prompt.name === 'consent') {
    return finish({ consent: { grantId: await grantAll(provider, details) } }, true)
  }
  throw new Error('unexpected interaction request')
}

/**
 * Koa middleware serving `/interaction/:uid` (GET: login or consent page), `/interaction/:uid/login`,
 * `/interaction/:uid/consent` (POST) and `/interaction/:uid/abort` (GET); everything else goes to the provider.
 *
 * @example
 * provider.use(interactionRoutes(provider, accounts))
 */
export function interactionRoutes(provider: Provider, accounts: ReadonlyMap<string, DevAccount>): KoaMiddleware {
  return async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|consent|abort))?$/.exec(ctx.path)
    if (match === null) return next()
    try {
      await handleInteraction(ctx, provider, accounts, match[1] ?? '', match[2])
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error'
      setHtml(ctx, page('Something went wrong', `<p ${ERROR_MARKER}>interaction failed: ${escapeHtml(reason)}</p>`), 400)
    }
  }
}
