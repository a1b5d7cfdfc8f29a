import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decodeJwt } from 'jose'
import * as client from 'openid-client'
import { createTokenVerifier } from '@mcp-warden/core'
import { sessionAccount } from './session-record.js'
import { createHarnesses, RESOURCE, signInAlice, type Harness } from './testing/session-fixtures.js'

const harnesses = createHarnesses()
// Only Date is faked: timers and I/O stay real. The IdP and openid-client read the same moved clock.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
})
afterEach(async () => {
  await harnesses.stopAll()
  vi.useRealTimers()
})

function storedRecord(harness: Harness): { refreshToken?: string; idToken: string } | undefined {
  const secret = harness.secrets.entries.get(sessionAccount(harness.idp.issuer, harness.idp.clientId))
  return secret === undefined ? undefined : (JSON.parse(secret) as { refreshToken?: string; idToken: string })
}

/** Moves time to `seconds` before the ID token expires (inside the 60 s refresh margin when < 60). */
async function nearExpiry(session: Awaited<ReturnType<typeof signInAlice>>, seconds: number): Promise<void> {
  const status = await session.status()
  if (status.state !== 'signed-in') throw new Error('expected a signed-in session')
  vi.setSystemTime((status.idTokenExpiresAt - seconds) * 1000)
}

describe('createOidcSession: device sign-in', () => {
  it('signs alice in, stores one keychain entry, and serves a verifiable ID token without refreshing', async () => {
    const harness = await harnesses.start()
    const shown: Array<string | undefined> = []
    const session = harness.session()
    const status = await session.loginWithDeviceCode({
      onUserCode: async (code, uri, complete) => {
        shown.push(uri, complete)
        await harness.idp.approveDevice(code, 'alice')
      },
    })
    expect(shown).toEqual([`${harness.idp.issuer}/device`, expect.stringContaining('user_code=')])
    expect(status).toEqual({
      state: 'signed-in',
      user: { issuer: harness.idp.issuer, subject: 'alice', email: 'alice@example.com', name: 'Alice Example' },
      idTokenExpiresAt: expect.any(Number),
      refreshable: true,
    })
    expect([...harness.secrets.entries.keys()]).toEqual([`session:${harness.idp.issuer}|${harness.idp.clientId}`])
    const { token } = await session.idToken()
    const identity = await createTokenVerifier({ issuer: harness.idp.issuer, audience: harness.idp.clientId }).verify(token)
    expect(identity).toMatchObject({ subject: 'alice', groups: ['engineering'] })
    expect(harness.counter.refreshes()).toBe(0)
  })

  it('refuses an ID token whose signature does not verify (a tampering proxy between Warden and the IdP)', async () => {
    const harness = await harnesses.start()
    const tampering: client.CustomFetch = async (url, options) => {
      const response = await fetch(url, options as RequestInit)
      if (!url.endsWith('/token')) return response
      const body = (await response.json()) as { id_token?: string }
      const [header, payload] = (body.id_token ?? '').split('.')
      const forged = { ...body, id_token: `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}` }
      return new Response(JSON.stringify(forged), { status: response.status, headers: response.headers })
    }
    const signIn = harness.session({ fetch: tampering }).loginWithDeviceCode({ onUserCode: (code) => harness.idp.approveDevice(code, 'alice') })
    await expect(signIn).rejects.toMatchObject({ code: 'ERR_IDENTITY_UNKNOWN' })
    expect(harness.secrets.entries.size).toBe(0)
  })

  it('refuses device sign-in when the IdP has no device authorization endpoint, and says to use the browser', async () => {
    const harness = await harnesses.start({ deviceFlow: false })
    const signIn = harness.session().loginWithDeviceCode({ onUserCode: () => undefined })
    await expect(signIn).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringContaining('Sign in with the browser instead') })
  })

  it('reports signed-out (never) before any sign-in, and ERR_SIGNED_OUT from the token getters', async () => {
    const harness = await harnesses.start()
    const session = harness.session()
    expect(await session.status()).toEqual({ state: 'signed-out', reason: 'never' })
    await expect(session.idToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', message: expect.stringContaining('`mcp-warden login`') })
    await expect(session.upstreamToken(RESOURCE)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' })
  })
})

describe('createOidcSession: refresh', () => {
  it('refreshes inside the margin, persists the rotated refresh token, and the old one no longer works', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    const before = storedRecord(harness)
    await nearExpiry(session, 30)
    const { token } = await session.idToken()
    const after = storedRecord(harness)
    expect(harness.counter.refreshes()).toBe(1)
    expect(token).not.toBe(before?.idToken)
    expect(after?.idToken).toBe(token)
    expect(after?.refreshToken).toEqual(expect.any(String))
    expect(after?.refreshToken).not.toBe(before?.refreshToken)
    await expect(client.refreshTokenGrant(await harness.config(), before?.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('shares one refresh among 10 concurrent callers after expiry', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    await nearExpiry(session, -1)
    const tokens = await Promise.all(Array.from({ length: 10 }, () => session.idToken()))
    expect(harness.counter.refreshes()).toBe(1)
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1)
    expect(tokens[0]?.token).toBe(storedRecord(harness)?.idToken)
  })

  it('signs out with refresh-rejected when the IdP refuses the refresh token, and removes the keychain entry', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    await client.tokenRevocation(await harness.config(), storedRecord(harness)?.refreshToken ?? '')
    await nearExpiry(session, -1)
    await expect(session.idToken()).rejects.toMatchObject({
      code: 'ERR_SIGNED_OUT',
      message: 'Your sign-in has expired or was revoked. Sign in with `mcp-warden login` or the desktop app.',
    })
    expect(await session.status()).toEqual({ state: 'signed-out', reason: 'refresh-rejected' })
    expect(harness.secrets.entries.size).toBe(0)
  })

  it('serves the cached ID token while the IdP is down and it is still valid, then ERR_IDP_UNAVAILABLE once expired', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    const cached = storedRecord(harness)?.idToken
    await harness.idp.close()
    await nearExpiry(session, 30)
    expect((await session.idToken()).token).toBe(cached)
    await nearExpiry(session, -1)
    await expect(session.idToken()).rejects.toMatchObject({ code: 'ERR_IDP_UNAVAILABLE', message: expect.stringContaining('Check your network connection') })
    expect((await session.status()).state).toBe('signed-in')
  })
})

describe('createOidcSession: upstream tokens', () => {
  it('gets an access token whose audience is the resource, not the ID token, and caches it', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    const [first, ...others] = await Promise.all(Array.from({ length: 5 }, () => session.upstreamToken(RESOURCE)))
    expect(harness.counter.refreshes()).toBe(1)
    expect(others.every((t) => t.token === first?.token)).toBe(true)
    expect(decodeJwt(first?.token ?? '')).toMatchObject({ aud: RESOURCE, sub: 'alice', iss: harness.idp.issuer })
    expect(first?.token).not.toBe((await session.idToken()).token)
    expect(await session.upstreamToken(RESOURCE)).toEqual(first)
    expect(harness.counter.refreshes()).toBe(1)
  })

  it('runs an ID-token refresh and a resource request one after the other, so token rotation never sees a reuse', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    await nearExpiry(session, -1)
    const [id, upstream] = await Promise.all([session.idToken(), session.upstreamToken(RESOURCE)])
    expect(decodeJwt(upstream.token)).toMatchObject({ aud: RESOURCE })
    expect(decodeJwt(id.token)).toMatchObject({ aud: harness.idp.clientId })
    expect(harness.counter.refreshes()).toBe(2)
    // The grant is intact: the stored (twice rotated) refresh token still works at the IdP.
    await expect(client.refreshTokenGrant(await harness.config(), storedRecord(harness)?.refreshToken ?? '')).resolves.toMatchObject({ refresh_token: expect.any(String) })
  })

  it('refuses a resource that was not named at sign-in (the IdP answers invalid_target)', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    await expect(session.upstreamToken('http://127.0.0.1:9999/other')).rejects.toMatchObject({ code: 'ERR_IDP_UNAVAILABLE', details: { reason: 'invalid_target' } })
    await expect(session.upstreamToken('not a url')).rejects.toThrow(TypeError)
  })
})

describe('createOidcSession: logout, reload, keychain', () => {
  it('revokes the refresh token at the IdP and forgets the session', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    const refreshToken = storedRecord(harness)?.refreshToken ?? ''
    await session.upstreamToken(RESOURCE)
    const rotated = storedRecord(harness)?.refreshToken ?? ''
    expect(await session.logout()).toEqual({ revoked: true })
    expect(harness.secrets.entries.size).toBe(0)
    expect(await session.status()).toEqual({ state: 'signed-out', reason: 'logged-out' })
    await expect(session.upstreamToken(RESOURCE)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' })
    await expect(client.refreshTokenGrant(await harness.config(), rotated)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(refreshToken).not.toBe(rotated)
  })

  it('signs out offline: clears the keychain and says it could not revoke', async () => {
    const harness = await harnesses.start()
    const session = await signInAlice(harness)
    await harness.idp.close()
    const fresh = harness.session()
    expect(await fresh.logout()).toEqual({ revoked: false })
    expect(harness.secrets.entries.size).toBe(0)
    expect(await session.reload()).toEqual({ state: 'signed-out', reason: 'logged-out' })
  })

  it('picks up a sign-in made by another process on reload', async () => {
    const harness = await harnesses.start()
    const agent = harness.session()
    expect(await agent.status()).toEqual({ state: 'signed-out', reason: 'never' })
    await signInAlice(harness)
    expect(await agent.status()).toEqual({ state: 'signed-out', reason: 'never' })
    expect(await agent.reload()).toMatchObject({ state: 'signed-in', user: { subject: 'alice' } })
    expect((await agent.idToken()).token).toBe(storedRecord(harness)?.idToken)
  })

  it('refreshes with the refresh token another process rotated, instead of replaying its own spent one', async () => {
    const harness = await harnesses.start()
    const agent = await signInAlice(harness)
    const cli = harness.session()
    await nearExpiry(agent, 30)
    const { token } = await cli.idToken()
    expect(harness.counter.refreshes()).toBe(1)
    expect((await agent.idToken()).token).toBe(token)
    expect(harness.counter.refreshes()).toBe(1)
    expect(decodeJwt((await agent.upstreamToken(RESOURCE)).token)).toMatchObject({ aud: RESOURCE })
    await expect(client.refreshTokenGrant(await harness.config(), storedRecord(harness)?.refreshToken ?? '')).resolves.toMatchObject({ refresh_token: expect.any(String) })
  })

  it('notices a sign-out by another process when it next needs the refresh token', async () => {
    const harness = await harnesses.start()
    const agent = await signInAlice(harness)
    expect(await harness.session().logout()).toEqual({ revoked: true })
    await expect(agent.upstreamToken(RESOURCE)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', details: { reason: 'logged-out' } })
    expect(await agent.status()).toEqual({ state: 'signed-out', reason: 'logged-out' })
    expect(harness.counter.refreshes()).toBe(0)
  })

  it('reports a locked keychain in status and from the token getters', async () => {
    const harness = await harnesses.start()
    await signInAlice(harness)
    harness.secrets.setState('locked')
    const agent = harness.session()
    expect(await agent.status()).toEqual({ state: 'keychain-unavailable', keychain: 'locked' })
    await expect(agent.idToken()).rejects.toMatchObject({ code: 'ERR_KEYCHAIN_UNAVAILABLE', details: { state: 'locked' } })
    harness.secrets.setState('available')
    expect(await agent.status()).toMatchObject({ state: 'signed-in' })
  })
})
