/**
 * desktop/src/agent/remote-auth/server-token-record.ts — what is kept in the keychain for one MCP server that has
 * its own authorization server: under the account `server:<the server's URL>`, the authorization server's
 * metadata, the client MCP Warden is there (registered or configured), and the tokens. Never in a file or a log.
 */
import { WardenError } from '@mcp-warden/core'
import type { AuthorizationServerMetadata, OAuthClientInformationMixed } from '@modelcontextprotocol/sdk/shared/auth.js'
import { z } from 'zod'
import type { SecretStore } from '../secrets/secret-store.js'

export interface ServerTokenRecord {
  readonly v: 1
  readonly resource: string
  readonly issuer: string
  readonly metadata: AuthorizationServerMetadata
  readonly client: OAuthClientInformationMixed
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  /** Seconds since the epoch. */
  readonly expiresAt: number
  readonly scope?: string | undefined
}

const recordSchema = z.object({
  v: z.literal(1),
  resource: z.string(),
  issuer: z.string(),
  metadata: z.looseObject({ issuer: z.string(), authorization_endpoint: z.string(), token_endpoint: z.string() }),
  client: z.looseObject({ client_id: z.string().min(1), client_secret: z.string().optional() }),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number(),
  scope: z.string().optional(),
})

/**
 * The keychain account of a server's tokens.
 *
 * @example
 * serverAccount('https://wiki.example.com/mcp') // 'server:https://wiki.example.com/mcp'
 */
export function serverAccount(resource: string): string {
  return `server:${resource}`
}

/** The record of `resource`, or `undefined` when there is none or it is unreadable (treated as signed out). */
export async function readServerTokens(secrets: SecretStore, resource: string): Promise<ServerTokenRecord | undefined> {
  const text = await secrets.get(serverAccount(resource))
  if (text === undefined) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = recordSchema.safeParse(raw)
  if (!parsed.success || parsed.data.resource !== resource) return undefined
  return parsed.data as ServerTokenRecord
}

export async function writeServerTokens(secrets: SecretStore, record: ServerTokenRecord): Promise<void> {
  await secrets.set(serverAccount(record.resource), JSON.stringify(record))
}

/** The error for a server with no usable tokens: it says which command signs in to it. */
export function serverSignedOut(name: string, why: string): WardenError {
  return new WardenError('ERR_SIGNED_OUT', `${why} Run \`mcp-warden login --server ${name}\` to sign in to it.`, { details: { server: name } })
}
