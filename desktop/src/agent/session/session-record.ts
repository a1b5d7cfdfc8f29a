/**
 * desktop/src/agent/session/session-record.ts — the one keychain entry a signed-in session keeps: the tokens,
 * their expiries and the user summary taken from the verified ID token. Checked with zod when read back,
 * because another process (the CLI) or an older version may have written it.
 */
import { z } from 'zod'
import type { SessionUser } from './agent-session.js'

const userSchema = z.object({
  issuer: z.string(),
  subject: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
})

const recordSchema = z.object({
  version: z.literal(1),
  refreshToken: z.string().min(1).optional(),
  idToken: z.string().min(1),
  /** Seconds since the epoch, from the ID token's `exp`. */
  idTokenExpiresAt: z.number(),
  /** The access token of the sign-in itself (for the IdP's userinfo): never handed to an MCP server. */
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number().optional(),
  user: userSchema,
})

/** What is stored under {@link sessionAccount}. */
export type SessionRecord = z.infer<typeof recordSchema>

/**
 * The keychain account of a session: one entry per issuer and client, so two IdPs never share tokens.
 *
 * @example
 * sessionAccount('https://login.example.com', 'mcp-warden') // 'session:https://login.example.com|mcp-warden'
 */
export function sessionAccount(issuer: string, clientId: string): string {
  return `session:${issuer}|${clientId}`
}

/** The record, or `undefined` when the entry is not one we can use (it is then treated as signed out). */
export function parseSessionRecord(secret: string): SessionRecord | undefined {
  let json: unknown
  try {
    json = JSON.parse(secret)
  } catch {
    return undefined
  }
  const parsed = recordSchema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}

/** The user summary from validated ID token claims; only `email` and `name` are kept, and only when strings. */
export function toSessionUser(claims: { readonly iss: string; readonly sub: string; readonly [claim: string]: unknown }): SessionUser {
  const { email, name } = claims
  return {
    issuer: claims.iss,
    subject: claims.sub,
    ...(typeof email === 'string' ? { email } : {}),
    ...(typeof name === 'string' ? { name } : {}),
  }
}
