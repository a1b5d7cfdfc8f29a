import { describe, expect, it } from 'vitest'
import { createOidcSession } from './oidc-session.js'
import type { OidcSessionOptions } from './oidc-options.js'
import { createFakeSecretStore } from './testing/fake-secret-store.js'

const valid: OidcSessionOptions = {
  issuer: 'https://login.example.com',
  clientId: 'mcp-warden',
  scopes: ['openid', 'offline_access'],
  secrets: createFakeSecretStore(),
}

describe('createOidcSession options', () => {
  it('accepts valid options without touching the keychain or the network', () => {
    expect(() => createOidcSession(valid)).not.toThrow()
    expect(() => createOidcSession({ ...valid, issuer: 'http://127.0.0.1:4000', allowInsecureLoopbackHttp: true })).not.toThrow()
  })

  it.each([
    [{ issuer: 'http://login.example.com' }, '"issuer" must be an https URL (http only with allowInsecureLoopbackHttp, and only on a loopback address)'],
    [{ issuer: 'http://127.0.0.1:4000' }, '"issuer" must be an https URL (http only with allowInsecureLoopbackHttp, and only on a loopback address)'],
    [{ issuer: 'login.example.com' }, '"issuer" must be an absolute URL'],
    [{ clientId: '' }, '"clientId" must be a non-empty string'],
    [{ clientSecret: '' }, '"clientSecret" must be a non-empty string when given'],
    [{ scopes: ['email'] }, '"scopes" must be an array of scope names that includes "openid"'],
    [{ scopes: ['openid email'] }, '"scopes" must be an array of scope names that includes "openid"'],
    [{ resourceParameter: 'aud' }, '"resourceParameter" must be "resource", "audience" or "entra-scope"'],
    [{ resources: ['/mcp'] }, '"resources" must be an array of absolute URIs'],
    [{ authorizationParameters: { state: 'x' } }, '"authorizationParameters" must not set "state": MCP Warden sets it'],
    [{ authorizationParameters: { prompt: 1 } }, '"authorizationParameters" must be an object of strings'],
    [{ loopbackPorts: [0] }, '"loopbackPorts" must be an array of port numbers from 1 to 65535'],
    [{ secrets: {} }, '"secrets" must be a SecretStore'],
    [{ refreshMarginSeconds: -1 }, '"refreshMarginSeconds" must be a non-negative number'],
  ])('rejects %o', (override, message) => {
    expect(() => createOidcSession({ ...valid, ...(override as Partial<OidcSessionOptions>) })).toThrow(new TypeError(message))
  })
})
