/**
 * shared/src/pipeline/types.ts — what flows through the governance pipeline.
 *
 * A stage receives one `MessageContext` and returns a `Verdict`. Stages never mutate their input: a stage that
 * changes the message (redaction, tools/list filtering) returns `{ ...context, message: changed }`.
 */
import type { ContentAction, EntityType } from '../content-safety/entities.js'
import type { WardenError, StageName } from '../errors.js'
import type { JsonObject, JsonRpcMessage, JsonRpcRequest, JsonValue } from '../jsonrpc/message.js'

/** A verified person. Built only from verified token claims; never holds a token. */
export interface Identity {
  readonly issuer: string
  readonly subject: string
  readonly email?: string | undefined
  readonly emailVerified?: boolean | undefined
  readonly name?: string | undefined
  /** Missing in the token = empty: "no groups" matches no group rule, never "allow". */
  readonly groups: readonly string[]
  /** Verified claims, for claim-based policy rules (e.g. `tid`, `hd`, `department`). Never tokens. */
  readonly claims: Readonly<Record<string, JsonValue>>
  /** Expiry of the credential it was verified from, seconds since the epoch. */
  readonly expiresAt?: number | undefined
}

/** Facts about the connection a message travels on. */
export interface SessionInfo {
  /** The configured server name; policy rules address tools as `<server>/<tool>`. */
  readonly server: string
  /** Random per proxy process or SDK session; correlates audit records. */
  readonly sessionId: string
  readonly transport: 'stdio' | 'http' | 'sdk'
}

/** `to-server`: host/client → MCP server. `to-client`: MCP server → host/client. */
export type Direction = 'to-server' | 'to-client'

/**
 * What a message asks for, classified once (see `classifyMessage`). Policy addresses `tool`, `resource`,
 * `prompt` and `completion` operations by name; `protocol` covers the methods every session needs; anything
 * the proxy cannot classify is `unknown` and is denied unless the policy allows the method.
 */
export type Operation =
  | { readonly kind: 'tool'; readonly method: string; readonly name: string; readonly arguments: JsonObject }
  | { readonly kind: 'resource'; readonly method: string; readonly uri: string }
  | { readonly kind: 'prompt'; readonly method: string; readonly name: string; readonly arguments: JsonObject }
  | { readonly kind: 'completion'; readonly method: string; readonly ref: string; readonly arguments: JsonObject }
  | { readonly kind: 'list'; readonly method: string }
  | { readonly kind: 'protocol'; readonly method: string }
  /** a server→client request (sampling, elicitation, roots) or the host's answer to one */
  | { readonly kind: 'client-feature'; readonly method: string }
  /** a response; `of` is the operation of the request it answers, when known */
  | { readonly kind: 'response'; readonly of: Operation | undefined }
  | { readonly kind: 'unknown'; readonly method: string }

/** One detected sensitive value. Carries where it was, never what it was. */
export interface Finding {
  readonly type: EntityType
  /** JSON pointer (RFC 6901) of the string that held it, relative to the scanned object. */
  readonly path: string
  /** UTF-16 offsets in that string. Inside the process only; the audit record keeps type and path. */
  readonly start: number
  readonly end: number
  /** What was done about it. */
  readonly action: ContentAction
  /**
   * The keyed hash of the value (HMAC-SHA256 with the organisation's key, 16 bytes, base64url; finding-hash.ts),
   * when the content-safety stage has a key: the same value gives the same hash everywhere, the value stays unknown.
   */
  readonly hash?: string | undefined
}

export interface RateLimitSpec {
  /** Stable id, used in the store key and in messages, e.g. `default` or a rule id. */
  readonly id: string
  /** `user`: one bucket per user; `user-tool`: one per user and tool. */
  readonly scope: 'user' | 'user-tool'
  /** Token bucket: at most `capacity` calls in a burst, refilled at `capacity / windowSeconds` per second. */
  readonly capacity: number
  readonly windowSeconds: number
}

export interface BudgetSpec {
  readonly id: string
  readonly scope: 'user' | 'user-tool'
  /** Total cost allowed per period; each call costs the tool's cost from the policy (default 1). */
  readonly limit: number
  readonly period: 'hour' | 'day' | 'month'
}

/** What an allow decision obliges the later stages to do. */
export interface Obligations {
  /** Action per entity type for outbound content; types not listed use `defaultContentAction`. */
  readonly contentActions: Readonly<Partial<Record<EntityType, ContentAction>>>
  readonly defaultContentAction: ContentAction
  /** Scan results on their way to the host as well (arguments are always scanned). */
  readonly scanResults: boolean
  readonly rateLimits: readonly RateLimitSpec[]
  readonly budgets: readonly BudgetSpec[]
  /** The cost of this call against budgets. */
  readonly cost: number
}

/** The policy stage's decision, kept on the context for the later stages and the audit record. */
export interface PolicyDecision {
  /** `ask`: a person must approve the call first; only an approval stage turns it into `allow`. */
  readonly effect: 'allow' | 'deny' | 'ask'
  /** For `ask`: how long to wait for the answer before denying. */
  readonly askTimeoutSeconds?: number | undefined
  /** Ids of the rules that decided, in evaluation order. Empty for default deny. */
  readonly ruleIds: readonly string[]
  /** Policy revision that decided (goes to every audit record). */
  readonly revision: string
  /** One sentence on why, without argument values; shown to the user on deny. */
  readonly explanation: string
  readonly obligations: Obligations
}

export interface MessageContext {
  readonly direction: Direction
  /** What will be forwarded; stages may return a context with a replaced copy. */
  readonly message: JsonRpcMessage
  readonly operation: Operation
  /** For responses: the request being answered. */
  readonly request?: JsonRpcRequest | undefined
  /** For responses: the policy decision made on that request. */
  readonly requestDecision?: PolicyDecision | undefined
  /** For responses: when the request was received (clock.now()), for the round-trip latency. */
  readonly requestReceivedAt?: number | undefined
  readonly session: SessionInfo
  /** Set by the identity stage. */
  readonly identity?: Identity | undefined
  /** Set by the policy stage. */
  readonly decision?: PolicyDecision | undefined
  /** Observations carried to the audit record. */
  readonly findings: readonly Finding[]
  /** Set when a stage changed the message (`redact` and `filter` are audited as such). */
  readonly modifications: readonly ('redacted' | 'masked' | 'filtered')[]
  /** From the injected clock, milliseconds since the epoch. */
  readonly receivedAt: number
}

export type Verdict =
  | { readonly action: 'pass'; readonly context: MessageContext }
  | { readonly action: 'deny'; readonly error: WardenError; readonly context?: MessageContext | undefined }

/** One step of the pipeline: pure apart from what its factory was given (clock, stores). */
export interface Stage {
  readonly name: StageName
  process(context: MessageContext): Verdict | Promise<Verdict>
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch (for records). */
  now(): number
  /** Monotonic milliseconds (for durations and buckets); never goes backwards. */
  monotonic(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
}
