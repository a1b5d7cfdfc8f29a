/**
 * shared/src/identity/identity-meta-stage.ts — tells a stdio MCP server who is calling: every request to the
 * server that carries a verified identity gets it under a vendor `_meta` key (MCP 2025-11-25, Basic § _meta:
 * reverse-DNS prefixed keys are for implementations), never inside tool `arguments`.
 *
 * The key belongs to Warden: whatever a host put under it is replaced (on requests with an identity) or removed
 * (on anything else travelling to the server), so a host cannot claim to be someone else. Other `_meta` keys
 * (progress tokens, the host's own) are kept as they are.
 *
 * Run it last, after limits: content safety then never scans (or redacts) the identity Warden added, and a
 * denied message never gets it. It is not recorded under the audit record's `modifications`: it applies to
 * every request with an identity, and the record already names that identity.
 */
import { isJsonObject, type JsonObject, type JsonRpcMessage } from '../jsonrpc/message.js'
import type { Identity, MessageContext, Stage } from '../pipeline/types.js'

/** The default `_meta` key. */
export const IDENTITY_META_KEY = 'dev.mcpwarden/identity'

/** What the server finds under the key. */
export interface IdentityMeta {
  /** Issuer of the verified token. */
  readonly iss: string
  readonly sub: string
  readonly email?: string
  readonly groups: readonly string[]
  /** Only when a `token` function is configured: a token issued for this server (its audience). */
  readonly token?: string
}

/** Options of `identityMetaStage`. */
export interface IdentityMetaStageOptions {
  /** The `_meta` key; a reverse-DNS prefix and a name, e.g. `example.com/caller`. Default `dev.mcpwarden/identity`. */
  readonly key?: string | undefined
  /**
   * A token whose audience is this server, for servers that verify the caller themselves. Never pass the
   * token Warden verified (its audience is Warden, and MCP forbids passing it on). Undefined = no token.
   */
  readonly token?: ((context: MessageContext) => string | undefined | Promise<string | undefined>) | undefined
}

/** `prefix/name` with a reverse-DNS prefix, as MCP asks of `_meta` keys; `modelcontextprotocol`/`mcp` prefixes are reserved. */
const META_KEY = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?\/[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/
const RESERVED = /(^|\.)(modelcontextprotocol|mcp)\./

function toMeta(identity: Identity, token: string | undefined): IdentityMeta {
  return {
    iss: identity.issuer,
    sub: identity.subject,
    ...(identity.email === undefined ? {} : { email: identity.email }),
    groups: [...identity.groups],
    ...(token === undefined || token === '' ? {} : { token }),
  }
}

function withParams(message: JsonRpcMessage, params: JsonObject): JsonRpcMessage {
  return { ...message, params } as JsonRpcMessage
}

/**
 * Creates the stage; throws TypeError for a malformed key or a `token` that is not a function.
 *
 * @example
 * const stages = [identityStage(...), policyStage(...), contentSafetyStage(), limitsStage(...), identityMetaStage()]
 * // the server then receives params._meta['dev.mcpwarden/identity'] = { iss, sub, email, groups }
 */
export function identityMetaStage(options: IdentityMetaStageOptions = {}): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const key = options.key ?? IDENTITY_META_KEY
  if (typeof key !== 'string' || !META_KEY.test(key) || RESERVED.test(`${key.split('/')[0]}.`)) {
    throw new TypeError('"key" must be a reverse-DNS prefix and a name, such as "example.com/identity" (the mcp and modelcontextprotocol prefixes are reserved)')
  }
  const { token } = options
  if (token !== undefined && typeof token !== 'function') throw new TypeError('"token" must be a function returning a token for the server, or undefined')
  return {
    name: 'identity-meta',
    async process(context) {
      const { message, identity } = context
      if (context.direction !== 'to-server' || !('method' in message)) return { action: 'pass', context }
      const params = message.params ?? {}
      // Positional params cannot carry `_meta` (and so no spoofed identity either); MCP never uses them.
      if (!isJsonObject(params)) return { action: 'pass', context }
      const meta = isJsonObject(params['_meta']) ? params['_meta'] : {}
      const isRequest = 'id' in message
      if (isRequest && identity !== undefined) {
        const value = toMeta(identity, await token?.(context))
        const attached = withParams(message, { ...params, _meta: { ...meta, [key]: value as unknown as JsonObject } })
        return { action: 'pass', context: { ...context, message: attached } }
      }
      if (!Object.hasOwn(meta, key)) return { action: 'pass', context }
      // No verified identity to attach: what the host put under Warden's key must not reach the server.
      const { [key]: _spoofed, ...rest } = meta
      return { action: 'pass', context: { ...context, message: withParams(message, { ...params, _meta: rest }) } }
    },
  }
}
