/**
 * desktop/src/agent/remote-auth/with-server-tokens.ts — the agent's session with the servers that have their own
 * authorization server plugged in: `upstreamToken(resource)` for such a server comes from the server-token
 * source, every other resource from the organisation's session as before.
 */
import type { AgentSession } from '../session/agent-session.js'
import type { ServerTokenSource } from './server-token-source.js'

/**
 * @example
 * const session = withServerTokens(oidcSession, createServerTokenSource({ servers, secrets }))
 * await runAgent({ socketPath, session, auditFile, version, signal })
 */
export function withServerTokens(session: AgentSession, servers: ServerTokenSource): AgentSession {
  return {
    status: () => session.status(),
    idToken: () => session.idToken(),
    upstreamToken: (resource) => (servers.handles(resource) ? servers.token(resource) : session.upstreamToken(resource)),
    reload: () => {
      servers.reload()
      return session.reload()
    },
  }
}
