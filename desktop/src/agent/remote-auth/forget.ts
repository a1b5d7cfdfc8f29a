/**
 * desktop/src/agent/remote-auth/forget.ts — `mcp-warden logout --server NAME`: asks the server's authorization
 * server to revoke the refresh token (RFC 7009) when it offers revocation, and removes the tokens from the keychain.
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { SecretStore } from '../secrets/secret-store.js'
import { readServerTokens, serverAccount } from './server-token-record.js'

export interface ForgetOptions {
  readonly secrets: SecretStore
  readonly fetch?: FetchLike | undefined
}

/**
 * Removes the tokens of `resource`. `revoked`: the authorization server confirmed the revocation.
 *
 * @example
 * const { removed, revoked } = await forgetServerTokens('https://wiki.example.com/mcp', { secrets })
 */
export async function forgetServerTokens(resource: string, options: ForgetOptions): Promise<{ removed: boolean; revoked: boolean }> {
  const record = await readServerTokens(options.secrets, resource)
  let revoked = false
  // RFC 8414 metadata names it; the SDK's OpenID Connect metadata type does not, though providers send it.
  const endpoint = (record?.metadata as { revocation_endpoint?: unknown } | undefined)?.revocation_endpoint
  if (record !== undefined && typeof endpoint === 'string') {
    const token = record.refreshToken ?? record.accessToken
    const body = new URLSearchParams({ token, token_type_hint: record.refreshToken !== undefined ? 'refresh_token' : 'access_token', client_id: record.client.client_id })
    if (record.client.client_secret !== undefined) body.set('client_secret', record.client.client_secret)
    revoked = await (options.fetch ?? fetch)(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'error' })
      .then(async (response) => {
        await response.body?.cancel()
        return response.ok
      })
      .catch(() => false)
  }
  const removed = await options.secrets.delete(serverAccount(resource))
  return { removed, revoked }
}
