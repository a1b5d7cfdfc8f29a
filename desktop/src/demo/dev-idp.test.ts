import { afterEach, describe, expect, it } from 'vitest'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { createTokenVerifier } from '@mcp-warden/core'
import { signInWithDeviceFlow } from './device-sign-in.js'
import { startDevIdp, type DevIdp } from './dev-idp.js'

const SCOPE = 'openid email profile groups offline_access'
const RESOURCE = 'http://127.0.0.1:9/mcp'

const running: DevIdp[] = []
async function devIdp(options?: Parameters<typeof startDevIdp>[0]): Promise<DevIdp> {
  const idp = await startDevIdp(options)
  running.push(idp)
  return idp
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((idp) => idp.close()))
})

describe('startDevIdp + signInWithDeviceFlow', () => {
  it('signs alice in with the device flow; her ID token verifies with groups and email', async () => {
    const idp = await devIdp()
    const shown: string[] = []
    const tokens = await signInWithDeviceFlow({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scope: SCOPE,
      allowInsecureHttp: true,
      onUserCode: async (code, uri, complete) => {
        shown.push(uri, complete ?? '')
        await idp.approveDevice(code, 'alice')
      },
    })
    expect(shown).toEqual([`${idp.issuer}/device`, expect.stringMatching(new RegExp(`^${idp.issuer}/device\\?user_code=`))])
    expect(tokens.refreshToken).toEqual(expect.any(String))
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() / 1000)
    const identity = await createTokenVerifier({ issuer: idp.issuer, audience: idp.clientId }).verify(tokens.idToken)
    expect(identity).toMatchObject({
      issuer: idp.issuer,
      subject: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      groups: ['engineering'],
    })
  })

  it('issues a JWT access token whose audience is the requested resource', async () => {
    const idp = await devIdp()
    const tokens = await signInWithDeviceFlow({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scope: SCOPE,
      resource: RESOURCE,
      allowInsecureHttp: true,
      onUserCode: (code) => idp.approveDevice(code, 'bob'),
    })
    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' })
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ iss: idp.issuer, aud: RESOURCE, sub: 'bob', client_id: idp.clientId })
    const identity = await createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE }).verify(tokens.accessToken)
    expect(identity.subject).toBe('bob')
    const idIdentity = await createTokenVerifier({ issuer: idp.issuer, audience: idp.clientId }).verify(tokens.idToken)
    expect(idIdentity).toMatchObject({ subject: 'bob', email: 'bob@example.com', groups: ['sales'] })
  })

  it('rotates refresh tokens, detects reuse, and supports introspection and revocation', async () => {
    const idp = await devIdp()
    const tokens = await signInWithDeviceFlow({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scope: SCOPE,
      allowInsecureHttp: true,
      onUserCode: (code) => idp.approveDevice(code, 'alice'),
    })
    const config = await client.discovery(new URL(idp.issuer), idp.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] })
    const refreshed = await client.refreshTokenGrant(config, tokens.refreshToken ?? '')
    expect(refreshed.refresh_token).toEqual(expect.any(String))
    expect(refreshed.refresh_token).not.toBe(tokens.refreshToken)
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: true, sub: 'alice', client_id: idp.clientId })
    await client.tokenRevocation(config, refreshed.refresh_token ?? '')
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' })
    // Reusing the rotated-away token is refused too (and, per oidc-provider, revokes the whole grant).
    await expect(client.refreshTokenGrant(config, tokens.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('requires PKCE for the authorization code flow and accepts a loopback redirect on any port', async () => {
    const idp = await devIdp()
    const query = new URLSearchParams({ client_id: idp.clientId, response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1:53682/callback' })
    const response = await fetch(`${idp.issuer}/auth?${query}`, { redirect: 'manual' })
    const location = new URL(response.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:53682/callback')
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', error_description: 'Authorization Server policy requires PKCE to be used for this request' })
  })

  it('advertises the configured polling interval in the device authorization response', async () => {
    const idp = await devIdp({ deviceFlowIntervalSeconds: 2 })
    const response = await fetch(`${idp.issuer}/device/auth`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: idp.clientId, scope: 'openid' }),
    })
    expect(await response.json()).toMatchObject({ interval: 2, verification_uri: `${idp.issuer}/device`, expires_in: 600 })
  })

  it('serves discovery with the endpoints Warden relies on', async () => {
    const idp = await devIdp()
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(metadata).toMatchObject({
      issuer: idp.issuer,
      device_authorization_endpoint: `${idp.issuer}/device/auth`,
      revocation_endpoint: `${idp.issuer}/token/revocation`,
      introspection_endpoint: `${idp.issuer}/token/introspection`,
      code_challenge_methods_supported: ['S256'],
    })
    expect(metadata['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'offline_access', 'email', 'profile', 'groups']))
  })

  it('rejects approval as an unknown account, and the sign-in stops with that error', async () => {
    const idp = await devIdp()
    const signIn = signInWithDeviceFlow({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scope: SCOPE,
      allowInsecureHttp: true,
      onUserCode: (code) => idp.approveDevice(code, 'mallory'),
    })
    await expect(signIn).rejects.toThrow('development IdP: signing in as "mallory" failed (No such account.)')
  })

  it('rejects a wrong user code', async () => {
    const idp = await devIdp()
    await expect(idp.approveDevice('BCDF-GHJK', 'alice')).rejects.toThrow(/^development IdP: entering the user code failed \(That code was not accepted/)
  })

  it('refuses a plain-http issuer unless allowInsecureHttp is set', async () => {
    const idp = await devIdp()
    const options = { issuer: idp.issuer, clientId: idp.clientId, scope: SCOPE, onUserCode: () => undefined }
    await expect(signInWithDeviceFlow({ ...options, allowInsecureHttp: false })).rejects.toThrow(
      new TypeError('"issuer" must be an https URL (http only with allowInsecureHttp, and only on a loopback address)'),
    )
    await expect(signInWithDeviceFlow({ ...options, issuer: 'http://idp.example.com', allowInsecureHttp: true })).rejects.toThrow(TypeError)
  })

  it('validates its options', async () => {
    await expect(startDevIdp({ deviceFlowIntervalSeconds: 0 })).rejects.toThrow(new TypeError('"deviceFlowIntervalSeconds" must be a positive integer'))
    await expect(startDevIdp({ accounts: [] })).rejects.toThrow(new TypeError('"accounts" must be a non-empty array'))
  })
})
