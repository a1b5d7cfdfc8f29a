import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import type { ClientPage } from '../../demo/dev-idp-approve.js'
import { createHarnesses, RESOURCE, SCOPES } from './testing/session-fixtures.js'

const harnesses = createHarnesses()
const servers: Server[] = []
afterEach(async () => {
  await harnesses.stopAll()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A port another program holds for the rest of the test. */
async function busyPort(): Promise<number> {
  const server = createServer()
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The person's browser: records the authorization URL and plays it on the IdP, answering as `play` says. */
function browser(play: (url: string) => Promise<ClientPage>): { openBrowser: (url: string) => Promise<void>; url(): URL; page(): Promise<ClientPage> } {
  let opened: { url: URL; page: Promise<ClientPage> } | undefined
  return {
    openBrowser: async (url) => {
      // The browser runs on its own; the sign-in answers its last request only when it has finished.
      opened = { url: new URL(url), page: play(url) }
    },
    url: () => opened?.url ?? new URL('about:blank'),
    page: () => opened?.page ?? Promise.reject(new Error('the browser was never opened')),
  }
}

describe('loginWithBrowser (authorization code + PKCE, loopback redirect)', () => {
  it('signs bob in end to end, shows a success page without tokens, and closes the listener', async () => {
    const harness = await harnesses.start({ deviceFlow: false })
    const session = harness.session({ authorizationParameters: { ui_locales: 'en' } })
    const person = browser((url) => harness.idp.authorize(url, { accountId: 'bob' }))
    const status = await session.loginWithBrowser({ openBrowser: person.openBrowser })
    expect(status).toMatchObject({ state: 'signed-in', user: { subject: 'bob', email: 'bob@example.com' }, refreshable: true })

    const query = Object.fromEntries(person.url().searchParams)
    expect(query).toMatchObject({
      client_id: harness.idp.clientId,
      response_type: 'code',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
      redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/),
      scope: SCOPES.join(' '),
      resource: RESOURCE,
      ui_locales: 'en',
    })
    const page = await person.page()
    expect(page.status).toBe(200)
    expect(page.html).toContain('id="signed-in"')
    const { token } = await session.idToken()
    expect(decodeJwt(token)).toMatchObject({ sub: 'bob', aud: harness.idp.clientId, nonce: query['nonce'] })
    for (const part of token.split('.')) expect(page.html).not.toContain(part)
    await expect(fetch(query['redirect_uri'] ?? '')).rejects.toThrow('fetch failed')
    // The browser sign-in named the resource (RFC 8707), so its refresh token can mint a token for it.
    expect(decodeJwt((await session.upstreamToken(RESOURCE)).token)).toMatchObject({ aud: RESOURCE, sub: 'bob' })
  })

  it('rejects a response whose state does not match, and stays signed out', async () => {
    const harness = await harnesses.start()
    const session = harness.session()
    const person = browser((url) => {
      const tampered = new URL(url)
      tampered.searchParams.set('state', 'forged-by-someone-else')
      return harness.idp.authorize(tampered.href, { accountId: 'alice' })
    })
    await expect(session.loginWithBrowser({ openBrowser: person.openBrowser })).rejects.toMatchObject({
      code: 'ERR_IDENTITY_UNKNOWN',
      details: { reason: 'state-mismatch' },
    })
    const page = await person.page()
    expect(page.status).toBe(400)
    expect(page.html).toContain('id="sign-in-failed"')
    expect(await session.status()).toEqual({ state: 'signed-out', reason: 'never' })
    expect(harness.secrets.entries.size).toBe(0)
  })

  it('turns access_denied at the IdP into ERR_SIGNED_OUT with a clear message', async () => {
    const harness = await harnesses.start()
    const session = harness.session()
    const person = browser((url) => harness.idp.authorize(url, 'deny'))
    await expect(session.loginWithBrowser({ openBrowser: person.openBrowser })).rejects.toMatchObject({
      code: 'ERR_SIGNED_OUT',
      message: 'Sign-in was declined at your identity provider. Sign in again to use MCP Warden.',
      details: { reason: 'access_denied' },
    })
    const page = await person.page()
    expect(page.html).toContain('Sign-in was declined at your identity provider.')
    expect(await session.status()).toEqual({ state: 'signed-out', reason: 'never' })
  })

  it('uses the first free port of loopbackPorts (IdPs that match redirect URIs exactly)', async () => {
    const harness = await harnesses.start()
    const [taken, free] = [await busyPort(), await freePort()]
    const person = browser((url) => harness.idp.authorize(url, { accountId: 'alice' }))
    const status = await harness.session({ loopbackPorts: [taken, free] }).loginWithBrowser({ openBrowser: person.openBrowser })
    expect(status).toMatchObject({ state: 'signed-in', user: { subject: 'alice' } })
    expect(person.url().searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${free}/callback`)
  })

  it('says so when every registered loopback port is taken', async () => {
    const harness = await harnesses.start()
    const taken = await busyPort()
    const signIn = harness.session({ loopbackPorts: [taken] }).loginWithBrowser({ openBrowser: async () => undefined })
    await expect(signIn).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringContaining(`(${taken}) are all in use`) })
  })

  it('gives up after timeoutMs when the browser never comes back', async () => {
    const harness = await harnesses.start()
    const opened: string[] = []
    const signIn = harness.session().loginWithBrowser({ openBrowser: async (url) => void opened.push(url), timeoutMs: 200 })
    await expect(signIn).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', details: { reason: 'timeout' } })
    const redirectUri = new URL(opened[0] ?? '').searchParams.get('redirect_uri') ?? ''
    await expect(fetch(redirectUri)).rejects.toThrow('fetch failed')
  })

  it('rejects with the signal reason when cancelled', async () => {
    const harness = await harnesses.start()
    const controller = new AbortController()
    const cancelled = new Error('cancelled by the person')
    const signIn = harness.session().loginWithBrowser({ openBrowser: async () => controller.abort(cancelled), signal: controller.signal })
    await expect(signIn).rejects.toBe(cancelled)
  })
})
