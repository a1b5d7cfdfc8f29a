/**
 * desktop/src/settings/org-settings.ts — the settings an administrator deploys (which IdP, which client, which
 * audience each HTTP upstream gets, where policy and audit live), and the narrower file a user may add.
 *
 * ```yaml
 * identity:
 *   issuer: https://login.example.com
 *   clientId: mcp-warden
 *   scopes: [openid, email, profile, offline_access]   # the default
 *   resourceParameter: resource                         # resource (RFC 8707) | audience (Auth0) | entra-scope
 * upstreams:
 *   crm: { url: https://crm.example.com/mcp }           # the resource (audience) the crm server's token is for
 *   wiki: { url: https://wiki.example.com/mcp, auth: server }  # its own authorization server: docs/remote-servers.md
 * policy: { url: https://warden.example.com/policy, maxStalenessSeconds: 3600 }
 * audit: { url: https://warden.example.com/audit, format: warden }   # warden (the default) | otlp
 * # audit.findingHashKey: base64 of at least 32 random bytes: findings carry a keyed hash of the value found
 * ```
 * Where each source lives, and what a user may change: docs/settings.md. Every problem is reported with its
 * location as ERR_CONFIG_INVALID.
 */
import { extname } from 'node:path'
import { FINDING_HASH_KEY_MIN_BYTES, WardenError } from '@mcp-warden/core'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

export const DEFAULT_SCOPES: readonly string[] = ['openid', 'email', 'profile', 'offline_access']

/**
 * How an IdP is asked for a token bound to one upstream: RFC 8707 `resource=<url>`, Auth0's `audience=<url>`, or
 * Microsoft Entra's `scope=<url>/.default`.
 */
export type ResourceParameter = 'resource' | 'audience' | 'entra-scope'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]'])
const LOCAL_HOSTS = new Set([...LOOPBACK_HOSTS, 'localhost'])
/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/
/** The names hosts give servers in their configuration, as the proxy's `--name` accepts them. */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
/** Members that only a private or symmetric key has: a verification key set must not carry them. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
/** Standard base64 with padding (RFC 4648 §4), as `openssl rand -base64 32` writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' })
/** An upstream's URL is its resource indicator: absolute, no fragment (RFC 8707 §2); http only on this machine. */
const upstreamUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
  .refine((url) => !url.includes('#'), 'must not contain a fragment (RFC 8707 §2)')
  .refine((url) => new URL(url).protocol === 'https:' || LOCAL_HOSTS.has(new URL(url).hostname), 'must use https unless the server runs on this machine (127.0.0.1, [::1], localhost)')

const jwk = z
  .looseObject({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().min(1).optional(), alg: z.string().min(1).optional() })
  .superRefine((key, ctx) => {
    for (const member of PRIVATE_JWK_MEMBERS) {
      if (member in key) ctx.addIssue({ code: 'custom', path: [member], message: 'a policy signing key must be a public key: remove the private members' })
    }
  })

const fields = {
  issuer: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }),
  clientId: z.string().min(1),
  scopes: z.array(z.string().regex(SCOPE_TOKEN, 'must be a scope token (no spaces or quotes)')).min(1).refine((scopes) => scopes.includes('openid'), 'must include "openid"'),
  allowInsecureLoopbackHttp: z.boolean(),
  resourceParameter: z.enum(['resource', 'audience', 'entra-scope']),
  upstreams: z.record(
    z.string().regex(SERVER_NAME, 'server names are letters, digits, ".", "_" and "-"'),
    z.strictObject({
      url: upstreamUrl,
      /** Who issues the server's token: the organisation's IdP (the default) or the server's own authorization server. */
      auth: z.enum(['organisation', 'server']).optional(),
      /** With `auth: server`: a client id registered at that server for MCP Warden, instead of dynamic registration. */
      clientId: z.string().min(1).optional(),
      /** With `auth: server`: the scopes to ask for, instead of what the server advertises. */
      scopes: z.array(z.string().regex(SCOPE_TOKEN, 'must be a scope token (no spaces or quotes)')).min(1).optional(),
    })
    .superRefine((upstream, ctx) => {
      for (const key of ['clientId', 'scopes'] as const) {
        if (upstream[key] !== undefined && upstream.auth !== 'server') ctx.addIssue({ code: 'custom', path: [key], message: 'applies only with auth: server' })
      }
    }),
  ),
  policy: {
    url: httpsUrl,
    signingKeys: z.array(jwk).min(1),
    maxStalenessSeconds: z.number().int().min(0).max(30 * 24 * 3600),
  },
  audit: {
    url: httpsUrl,
    format: z.enum(['warden', 'otlp']),
    // A secret: no message here may quote the value (zod's messages for these checks do not).
    findingHashKey: z
      .string()
      .regex(BASE64, 'must be base64 (e.g. `openssl rand -base64 32`)')
      .refine((key) => Buffer.from(key, 'base64').length >= FINDING_HASH_KEY_MIN_BYTES, `must hold at least ${FINDING_HASH_KEY_MIN_BYTES} bytes (e.g. \`openssl rand -base64 32\`)`),
  },
  agent: { socketDir: z.string().refine((dir) => dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir), 'must be an absolute path') },
}

const policy = z.strictObject({ url: fields.policy.url.optional(), signingKeys: fields.policy.signingKeys.optional(), maxStalenessSeconds: fields.policy.maxStalenessSeconds.optional() })
const audit = z.strictObject({ url: fields.audit.url.optional(), format: fields.audit.format.optional(), findingHashKey: fields.audit.findingHashKey.optional() })
const agent = z.strictObject({ socketDir: fields.agent.socketDir.optional() })

/** The complete settings: what an administrator deploys, or a personal install's own file. */
const orgSettingsSchema = z.strictObject({
  identity: z
    .strictObject({
      issuer: fields.issuer,
      clientId: fields.clientId,
      scopes: fields.scopes.default([...DEFAULT_SCOPES]),
      allowInsecureLoopbackHttp: fields.allowInsecureLoopbackHttp.default(false),
      resourceParameter: fields.resourceParameter.default('resource'),
    })
    .superRefine((identity, ctx) => {
      const url = new URL(identity.issuer)
      if (url.protocol === 'https:') return
      const message = !identity.allowInsecureLoopbackHttp
        ? 'must use https (http is allowed only for a development IdP on 127.0.0.1 with identity.allowInsecureLoopbackHttp: true)'
        : LOOPBACK_HOSTS.has(url.hostname)
          ? undefined
          : 'http is allowed only on 127.0.0.1 or [::1], even with identity.allowInsecureLoopbackHttp'
      if (message !== undefined) ctx.addIssue({ code: 'custom', path: ['issuer'], message })
    }),
  upstreams: fields.upstreams.optional(),
  policy: policy.optional(),
  audit: audit.optional(),
  agent: agent.optional(),
})

/** A user's file under managed settings: every key optional; what it may change is decided when merging. */
const userSettingsSchema = z.strictObject({
  identity: z
    .strictObject({
      issuer: fields.issuer.optional(),
      clientId: fields.clientId.optional(),
      scopes: fields.scopes.optional(),
      allowInsecureLoopbackHttp: fields.allowInsecureLoopbackHttp.optional(),
      resourceParameter: fields.resourceParameter.optional(),
    })
    .optional(),
  upstreams: fields.upstreams.optional(),
  policy: policy.optional(),
  audit: audit.optional(),
  agent: agent.optional(),
})

export type OrgSettings = z.output<typeof orgSettingsSchema>
export type UserSettings = z.output<typeof userSettingsSchema>
/** One entry of `upstreams`. */
export type UpstreamSettings = NonNullable<OrgSettings['upstreams']>[string]

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      // A bad record key (a server name) carries the key's own problem inside.
      const message = issue.code === 'invalid_key' ? `invalid name: ${issue.issues.map((inner) => inner.message).join(', ')}` : issue.message
      return `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${message}`
    })
    .join('; ')
}

/** YAML (or JSON for `.json` names) to a plain value; `where` names the source in messages. */
export function parseSettingsText(text: string, where: string, format: 'yaml' | 'json' = extname(where) === '.json' ? 'json' : 'yaml'): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true })
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `${where} is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`, { cause })
  }
}

/**
 * Checks complete settings (an administrator's, or a personal install's own file).
 *
 * @example
 * const settings = parseOrgSettings(parseSettingsText(text, path), `The settings file ${path}`)
 */
export function parseOrgSettings(raw: unknown, where: string): OrgSettings {
  const parsed = orgSettingsSchema.safeParse(raw ?? {})
  if (!parsed.success) throw new WardenError('ERR_CONFIG_INVALID', `${where} has errors: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/**
 * Checks a user's file under managed settings: the shape only (any key may be present); `narrowSettings` decides.
 *
 * @example
 * const user = parseUserSettings(parseSettingsText(text, path), `Your settings file ${path}`)
 */
export function parseUserSettings(raw: unknown, where: string): UserSettings {
  const parsed = userSettingsSchema.safeParse(raw ?? {})
  if (!parsed.success) throw new WardenError('ERR_CONFIG_INVALID', `${where} has errors: ${describeIssues(parsed.error)}`)
  return parsed.data
}
