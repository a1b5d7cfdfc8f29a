/**
 * sdk/src/session-governance.ts — the pipeline for one session of a custom app: one user, one server.
 *
 * An agent backend or chat app serves many people; each of its MCP sessions carries its own identity (a token,
 * or a function that returns the current one, e.g. after a refresh), while the verifier, the policy, the limit
 * store and the audit sink are shared, so limits hold per user across sessions (and across instances with a
 * shared store).
 */
import { randomUUID } from 'node:crypto'
import {
  createStandardPipeline,
  type AuditSink,
  type Clock,
  type CompiledPolicy,
  type LimitStore,
  type TokenVerifier,
} from '@mcp-warden/core'
import type { Governance } from './bridge.js'

export interface SessionGovernanceOptions {
  /** The server's name in policy rules and audit records. */
  readonly server: string
  /** This session's credential: an ID token or JWT access token, or a function returning the current one. */
  readonly token: string | (() => string | undefined | Promise<string | undefined>)
  readonly verifier: TokenVerifier
  readonly policy: CompiledPolicy | (() => CompiledPolicy)
  /** Share one store between sessions so that limits are per user, not per session. */
  readonly limitStore: LimitStore
  readonly audit: AuditSink
  /** The organisation's key for the keyed hashes of findings (settings `audit.findingHashKey`, ≥ 32 bytes); none: no `hash`. */
  readonly findingHashKey?: Uint8Array | undefined
  readonly clock?: Clock | undefined
  readonly onError?: ((error: unknown) => void) | undefined
}

/**
 * @example
 * const governance = createSessionGovernance({ server: 'files', token: () => session.idToken, verifier, policy, limitStore, audit })
 * await governClient(client, new StdioClientTransport({ command: 'mcp-server-filesystem', args: ['/srv'] }), governance)
 */
export function createSessionGovernance(options: SessionGovernanceOptions): Governance {
  const { token } = options
  if (typeof token !== 'string' && typeof token !== 'function') throw new TypeError('"token" must be a string or a function returning one')
  if (typeof options.server !== 'string' || options.server === '') throw new TypeError('"server" must be a non-empty string')
  const pipeline = createStandardPipeline({
    resolveToken: typeof token === 'string' ? () => token : token,
    verifier: options.verifier,
    policy: options.policy,
    limitStore: options.limitStore,
    audit: options.audit,
    findingHashKey: options.findingHashKey,
    clock: options.clock,
    onError: options.onError,
  })
  return {
    pipeline,
    session: { server: options.server, sessionId: randomUUID(), transport: 'sdk' },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  }
}
