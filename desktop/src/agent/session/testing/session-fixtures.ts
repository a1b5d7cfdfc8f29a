/**
 * desktop/src/agent/session/testing/session-fixtures.ts — what the session's tests share: a real development
 * IdP per test and a fetch that counts refresh requests to it. Tests move time with vitest's faked `Date`
 * (`vi.setSystemTime`), so the IdP, openid-client's ID token checks and the session share one clock.
 */
import * as client from 'openid-client'
import { startDevIdp, type DevIdp, type DevIdpOptions } from '../../../demo/dev-idp.js'
import { createOidcSession, type OidcSession } from '../oidc-session.js'
import type { OidcSessionOptions } from '../oidc-options.js'
import { createFakeSecretStore, type FakeSecretStore } from './fake-secret-store.js'

export const SCOPES = ['openid', 'email', 'profile', 'groups', 'offline_access'] as const
export const RESOURCE = 'http://127.0.0.1:1234/mcp'

/** A customFetch that counts refresh-token requests (the token endpoint, `grant_type=refresh_token`). */
export function createCountingFetch(): { readonly fetch: client.CustomFetch; refreshes(): number } {
  let refreshes = 0
  return {
    fetch: (url, options) => {
      if (options.body instanceof URLSearchParams && options.body.get('grant_type') === 'refresh_token') refreshes += 1
      return fetch(url, options as RequestInit)
    },
    refreshes: () => refreshes,
  }
}

export interface Harness {
  readonly idp: DevIdp
  readonly secrets: FakeSecretStore
  readonly counter: ReturnType<typeof createCountingFetch>
  /** A session on the same IdP, store, clock and fetch (another `new` of the agent, or the CLI). */
  session(overrides?: Partial<OidcSessionOptions>): OidcSession
  /** openid-client configured for the IdP, to act as an outsider (replay an old refresh token). */
  config(): Promise<client.Configuration>
}

/** Starts an IdP for one test; `stopAll()` in afterEach stops every one that is still running. */
export function createHarnesses(): { start(options?: DevIdpOptions): Promise<Harness>; stopAll(): Promise<void> } {
  const running = new Set<DevIdp>()
  return {
    async start(options) {
      const started = await startDevIdp(options)
      const idp: DevIdp = {
        ...started,
        close: async () => {
          if (running.delete(started)) await started.close()
        },
      }
      running.add(started)
      const secrets = createFakeSecretStore()
      const counter = createCountingFetch()
      return {
        idp,
        secrets,
        counter,
        session: (overrides = {}) =>
          createOidcSession({
            issuer: idp.issuer,
            clientId: idp.clientId,
            scopes: SCOPES,
            allowInsecureLoopbackHttp: true,
            resources: [RESOURCE],
            secrets,
            fetch: counter.fetch,
            ...overrides,
          }),
        config: () => client.discovery(new URL(idp.issuer), idp.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] }),
      }
    },
    async stopAll() {
      await Promise.all([...running].map((idp) => idp.close()))
      running.clear()
    },
  }
}

/** Signs alice in with the device flow, approving the code on the IdP's pages. */
export async function signInAlice(harness: Harness): Promise<OidcSession> {
  const session = harness.session()
  await session.loginWithDeviceCode({ onUserCode: (code) => harness.idp.approveDevice(code, 'alice') })
  return session
}
