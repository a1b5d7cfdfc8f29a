/**
 * shared/src/audit/record.ts — the audit record: one JSON object per decision, written as one JSON line.
 *
 * What a record holds is documented for the people whose calls are logged (docs/audit.md): who, when, which
 * server and tool, the decision and why, the policy revision, findings by type and JSON pointer, the outcome
 * and the latency. Never argument values, results, detected values or tokens.
 */
import type { ContentAction, EntityType } from '../content-safety/entities.js'
import type { ErrorCode, StageName } from '../errors.js'
import type { JsonRpcId } from '../jsonrpc/message.js'
import type { Direction } from '../pipeline/types.js'

export interface AuditIdentity {
  readonly issuer: string
  readonly subject: string
  readonly email?: string | undefined
}

export interface AuditFinding {
  readonly type: EntityType
  readonly path: string
  readonly action: ContentAction
  /** The keyed hash of the detected value (HMAC-SHA256, 16 bytes, base64url), when the organisation set a key. */
  readonly hash?: string | undefined
}

export interface AuditRecord {
  /** Unique id; the denial the host sees carries it, so support can find the record. */
  readonly id: string
  /** ISO 8601 time the message was received. */
  readonly time: string
  /** `decision`: a message was judged. `result`: a response to a governed request came back. */
  readonly kind: 'decision' | 'result'
  readonly direction: Direction
  readonly server: string
  readonly sessionId: string
  readonly method: string
  /** Tool, prompt or completion name, or resource URI; absent for protocol methods. */
  readonly target?: string | undefined
  readonly requestId?: JsonRpcId | undefined
  readonly identity: AuditIdentity | null
  readonly decision: 'allow' | 'deny'
  /** Set on deny. */
  readonly code?: ErrorCode | undefined
  readonly stage?: StageName | undefined
  /** Rule ids and short reasons (never values). */
  readonly reasons: readonly string[]
  readonly policyRevision?: string | undefined
  readonly findings: readonly AuditFinding[]
  readonly modifications: readonly string[]
  /**
   * decision records: `forwarded` | `denied` (answered by Warden) | `dropped` (a denied notification);
   * result records: `ok` | `error` (JSON-RPC error) | `tool-error` (a tool result with isError).
   */
  readonly outcome: 'forwarded' | 'denied' | 'dropped' | 'ok' | 'error' | 'tool-error'
  /** decision records: time spent in the pipeline; result records: round trip since the request. */
  readonly latencyMs: number
}

/** Where records go. `append` must not reorder records; a rejected promise is reported, and fails closed if configured. */
export interface AuditSink {
  append(record: AuditRecord): void | Promise<void>
  close?(): Promise<void>
}
