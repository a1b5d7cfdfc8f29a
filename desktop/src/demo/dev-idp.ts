/**
 * desktop/src/demo/dev-idp.ts — a DEVELOPMENT OpenID Provider for `mcp-warden demo` and the tests.
 *
 * Built on oidc-provider 9 and listening on 127.0.0.1 only. It is deliberately permissive and must never be
 * used as a real identity provider: sign-in needs no password (pick an account), consent grants everything,
 * and it mints a JWT access token for ANY http(s) resource indicator (RFC 8707) that is asked for.
 * What it does offer is the real protocol surface Warden uses with production IdPs: discovery, JWKS,
 * the device authorization grant (RFC 8628), authorization code + PKCE for a native client (RFC 8252,
 * RFC 7636), rotating refresh tokens, revocation (RFC 7009), introspection (RFC 7662), and ID tokens
 * that carry `email` and `groups` (see IDPS.md for how real IdPs differ).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errors, Provider, type KoaMiddleware } from 'oidc-provider'
import { approveDeviceOverHttp, authorizeOverHttp, type AuthorizationDecision, type ClientPage } from './dev-idp-approve.js'
import * as pages from './dev-idp-pages.js'
import { createMemoryStore } from './dev-idp-store.js'

/** A person who can sign in to the development IdP. */
export interface DevAccount {
  readonly id: string
  readonly email: string
  readonly name: string
  readonly groups: readonly string[]
}

/** The accounts used when none are given: one engineer and one salesperson, for policy demos. */
export const DEFAULT_DEV_ACCOUNTS: readonly DevAccount[] = [
  { id: 'alice', email: 'alice@example.com', name: 'Alice Example', groups: ['engineering'] },
  { id: 'bob', email: 'bob@example.com', name: 'Bob Example', groups: ['sales'] },
]

/** The one client registered on the development IdP: a public native app, like the real Warden. */
export const DEV_CLIENT_ID = 'mcp-warden-dev'

export interface DevIdpOptions {
  /** Port on 127.0.0.1; default 0 (a free port). */
  readonly port?: number
  readonly accounts?: readonly DevAccount[]
  /** The `interval` advertised by the device authorization endpoint; default 1 second. */
  readonly deviceFlowIntervalSeconds?: number
  /** Offer the device authorization grant; default true. `false` plays an IdP without it (browser sign-in only). */
  readonly deviceFlow?: boolean
  /**
   * Offer dynamic client registration (RFC 7591) at `/reg`, open to anyone; default false. `true` plays an MCP
   * server's own authorization server, where MCP clients register themselves.
   */
  readonly registration?: boolean
}

export interface DevIdp {
  /** `http://127.0.0.1:<port>`. */
  readonly issuer: string
  readonly clientId: string
  close(): Promise<void>
  /** Approves a pending device sign-in as `accountId`, driving the IdP's pages over HTTP. */
  approveDevice(userCode: string, accountId: string): Promise<void>
  /**
   * Plays the browser for an authorization URL: signs in as `decision.accountId` and allows, or denies
   * (`'deny'`), then follows the redirect and resolves with the page the client's redirect target answered.
   */
  authorize(authorizationUrl: string, decision: AuthorizationDecision): Promise<ClientPage>
  /** Successful token requests so far, by grant type (`urn:ietf:params:oauth:grant-type:device_code`, `refresh_token`, …). */
  grants(): Readonly<Record<string, number>>
}

function signingKeys(): object[] {
  // Fresh keys per start: nothing signed by one demo run verifies against another.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return [{ ...privateKey.export({ format: 'jwk' }), kid: `dev-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' }]
}

function toClaims(account: DevAccount): Record<string, unknown> {
  return { sub: account.id, email: account.email, email_verified: true, name: account.name, groups: [...account.groups] }
}

/**
 * RFC 8707 resource → resource server. Development only: any absolute http(s) URL is accepted and gets a
 * JWT access token whose `aud` is exactly that URL, so a test can ask for a token for any local MCP server.
 */
async function getResourceServerInfo(_ctx: unknown, resource: string): Promise<Record<string, unknown>> {
  const url = URL.canParse(resource) ? new URL(resource) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new errors.InvalidTarget()
  return { scope: 'mcp', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }
}

const DAY = 24 * 60 * 60

/**
 * Lifetimes in seconds, the same as oidc-provider's defaults (given explicitly: the defaults print a notice
 * on stdout). A resource server's own access token TTL wins, as in the default.
 */
const TTL = {
  AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 3600,
  AuthorizationCode: 60,
  ClientCredentials: 600,
  DeviceCode: 600,
  Grant: 14 * DAY,
  IdToken: 3600,
  Interaction: 3600,
  RefreshToken: 14 * DAY,
  Session: 14 * DAY,
}

/**
 * oidc-provider drops `offline_access` from an authorization request that lacks `prompt=consent` (OIDC Core
 * §11), so a browser sign-in would get no refresh token. Okta, Auth0, Entra and Keycloak issue one to a
 * native app without that prompt; so does the development IdP (that refresh token ends with the IdP session).
 * Device sign-ins keep the default rule: a refresh token only with `offline_access`.
 */
async function issueRefreshToken(_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }, source: { kind: string; scopes: Set<string> }): Promise<boolean> {
  if (!client.grantTypeAllowed('refresh_token')) return false
  return source.kind === 'AuthorizationCode' || source.scopes.has('offline_access')
}

/** Revocation and introspection by a public client: only its own tokens (oidc-provider's default rule). */
async function ownTokensOnly(_ctx: unknown, client: { clientId: string }, token: { clientId?: string }): Promise<boolean> {
  return token.clientId === client.clientId
}

/** devInteractions off: login and consent are our own pages (dev-idp-pages.ts). A fresh object per provider. */
const features = (deviceFlow: boolean, registration: boolean): Record<string, unknown> => ({
  devInteractions: { enabled: false },
  registration: { enabled: registration },
  deviceFlow: {
    enabled: deviceFlow,
    userCodeInputSource: pages.userCodeInputSource,
    userCodeConfirmSource: pages.userCodeConfirmSource,
    successSource: pages.successSource,
  },
  revocation: { enabled: true, allowedPolicy: ownTokensOnly },
  introspection: { enabled: true, allowedPolicy: ownTokensOnly },
  resourceIndicators: { enabled: true, getResourceServerInfo },
  rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
})

function configuration(accounts: ReadonlyMap<string, DevAccount>, deviceFlow: boolean, registration: boolean): Record<string, unknown> {
  return {
    adapter: createMemoryStore(),
    clients: [{
      client_id: DEV_CLIENT_ID,
      client_name: 'MCP Warden (development)',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', ...(deviceFlow ? ['urn:ietf:params:oauth:grant-type:device_code'] : [])],
      response_types: ['code'],
      // Native clients: loopback redirects match on any port (RFC 8252 §7.3).
      redirect_uris: ['http://127.0.0.1/callback'],
    }],
    jwks: { keys: signingKeys() },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    // Real IdPs put the requested profile claims in the ID token; oidc-provider by default keeps them for
    // userinfo unless an access token for another audience is issued (OIDC Core §5.4).
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, id: string) => {
      const account = accounts.get(id)
      return account === undefined ? undefined : { accountId: id, claims: async () => toClaims(account) }
    },
    ttl: TTL,
    issueRefreshToken,
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    renderError: pages.renderError,
    features: features(deviceFlow, registration),
  }
}

/**
 * oidc-provider sends no `interval` in the device authorization response (RFC 8628 §3.2 makes it optional,
 * clients then wait 5 s). The demo and tests should not wait that long, so the IdP advertises one; clients
 * (ours included) simply follow what the server says.
 */
function advertiseInterval(seconds: number): KoaMiddleware {
  return async (ctx, next) => {
    await next()
    const body = ctx.body
    if (ctx.path === '/device/auth' && ctx.status === 200 && typeof body === 'object' && body !== null && 'device_code' in body) {
      ctx.body = { ...body, interval: seconds }
    }
  }
}

function checkOptions(options: DevIdpOptions): void {
  const { port = 0, accounts = DEFAULT_DEV_ACCOUNTS, deviceFlowIntervalSeconds = 1 } = options
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('"port" must be an integer from 0 to 65535')
  if (!Array.isArray(accounts) || accounts.length === 0) throw new TypeError('"accounts" must be a non-empty array')
  if (new Set(accounts.map((a) => a.id)).size !== accounts.length) throw new TypeError('"accounts" must have unique ids')
  if (!Number.isInteger(deviceFlowIntervalSeconds) || deviceFlowIntervalSeconds < 1) {
    throw new TypeError('"deviceFlowIntervalSeconds" must be a positive integer')
  }
}

/**
 * Starts the development IdP on 127.0.0.1 and resolves once it is listening.
 *
 * @example
 * const idp = await startDevIdp()
 * const tokens = await signInWithDeviceFlow({ issuer: idp.issuer, clientId: idp.clientId, scope: 'openid email groups',
 *   allowInsecureHttp: true, onUserCode: (code) => idp.approveDevice(code, 'alice') })
 * await idp.close()
 */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  checkOptions(options)
  const accounts = new Map((options.accounts ?? DEFAULT_DEV_ACCOUNTS).map((account) => [account.id, account]))
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, configuration(accounts, options.deviceFlow ?? true, options.registration ?? false))
  provider.use(advertiseInterval(options.deviceFlowIntervalSeconds ?? 1))
  provider.use(pages.interactionRoutes(provider, accounts))
  server.on('request', provider.callback())
  const grants: Record<string, number> = {}
  provider.on('grant.success', (ctx) => {
    const type = String(ctx.oidc.params?.['grant_type'] ?? 'unknown')
    grants[type] = (grants[type] ?? 0) + 1
  })
  return {
    issuer,
    grants: () => ({ ...grants }),
    clientId: DEV_CLIENT_ID,
    approveDevice: (userCode, accountId) => approveDeviceOverHttp(issuer, userCode, accountId),
    authorize: (authorizationUrl, decision) => authorizeOverHttp(authorizationUrl, decision),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      }),
  }
}
