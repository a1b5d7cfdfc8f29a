/**
 * desktop/src/agent/protocol/schemas.ts — zod schemas of the values the agent protocol carries (session,
 * tokens, limits, audit records). Method params and results are assembled from them in methods.ts.
 */
import { CONTENT_ACTIONS, ENTITY_TYPES, type AuditRecord, type ErrorCode, type StageName } from '@mcp-warden/core'
import { z } from 'zod'

const ERROR_CODE = /^ERR_[A-Z_]{1,60}$/
const STAGES = ['framing', 'identity', 'server-allow-list', 'policy', 'tool-pins', 'approval', 'content-safety', 'limits', 'identity-meta', 'proxy'] as const satisfies readonly StageName[]

/** A WardenError code as it travels: checked by shape, so an older peer still carries a code it does not know. */
export const errorCodeSchema = z.custom<ErrorCode>((value) => typeof value === 'string' && ERROR_CODE.test(value), {
  message: 'expected an ERR_* code',
})

const text = z.string().max(4096)
const key = z.string().min(1).max(1024)
const cost = z.number().finite().nonnegative()

// Results are plain (stripping) objects: only the fields named here travel, so a session that returns more (a
// refresh token, raw claims) leaks nothing, and a newer agent's extra fields do not break an older client.
// Params are strict: what a client sends that the agent does not know is refused.
export const sessionStatusSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('signed-in'),
    user: z.object({
      issuer: text,
      subject: text,
      email: text.optional(),
      name: text.optional(),
    }),
    idTokenExpiresAt: z.number().finite(),
    refreshable: z.boolean(),
  }),
  z.object({ state: z.literal('signed-out'), reason: z.enum(['never', 'logged-out', 'refresh-rejected']) }),
  z.object({ state: z.literal('keychain-unavailable'), keychain: z.enum(['locked', 'unavailable']) }),
])

export const issuedTokenSchema = z.object({ token: z.string().min(1).max(65536), expiresAt: z.number().finite() })

export const rateWindowSchema = z.strictObject({
  capacity: z.number().finite().min(1),
  windowSeconds: z.number().finite().positive(),
})

/** `retryAfterMs` may be `Infinity`, which JSON cannot hold: it travels as `null`. */
export const rateResultSchema = z.object({
  allowed: z.boolean(),
  remaining: z.number().finite(),
  retryAfterMs: z.number().finite().nonnegative().nullable(),
})

export const budgetResultSchema = z.object({
  allowed: z.boolean(),
  used: z.number().finite(),
  remaining: z.number().finite(),
  periodKey: key,
})

export const limitSchemas = { key, cost, rateWindowSchema }

// Audit fields come from what MCP peers sent (method names, resource URIs, JSON pointers): generous bounds, so a
// long but legitimate value is not refused (which would deny the call: audit fails closed); the frame limit bounds
// the whole record.
const peerText = z.string().max(65536)
const auditIdentitySchema = z.strictObject({ issuer: text, subject: text, email: text.optional() })

export const auditRecordSchema: z.ZodType<AuditRecord> = z.strictObject({
  id: z.string().min(1).max(256),
  time: z.string().max(64),
  kind: z.enum(['decision', 'result']),
  direction: z.enum(['to-server', 'to-client']),
  server: text,
  sessionId: text,
  method: peerText,
  target: peerText.optional(),
  requestId: z.union([peerText, z.number().finite()]).optional(),
  identity: auditIdentitySchema.nullable(),
  decision: z.enum(['allow', 'deny']),
  code: errorCodeSchema.optional(),
  stage: z.enum(STAGES).optional(),
  reasons: z.array(peerText).max(1000),
  policyRevision: text.optional(),
  findings: z
    .array(z.strictObject({ type: z.enum(ENTITY_TYPES), path: peerText, action: z.enum(CONTENT_ACTIONS), hash: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional() }))
    .max(10000),
  modifications: z.array(peerText).max(10000),
  outcome: z.enum(['forwarded', 'denied', 'dropped', 'ok', 'error', 'tool-error']),
  latencyMs: z.number().finite(),
})

/**
 * The central policy as the agent holds it (`policy.snapshot`); `null` instead of this when the settings name no
 * policy URL (each proxy then uses its own policy file: the development opt-in, docs/policy-distribution.md).
 * `stale` means: refuse every call with ERR_POLICY_STALE (`reason` says why).
 */
export const policySnapshotSchema = z.object({
  revision: z.number().int().min(1).nullable(),
  /** The verified document's text (up to the bundle limit); null when no valid bundle was ever received. */
  policyText: z.string().max(3 * 1024 * 1024).nullable(),
  /** Seconds since the epoch: the last time the source confirmed the policy in force (200 or 304). */
  checkedAt: z.number().finite().nullable(),
  expiresAt: z.number().finite().nullable(),
  stale: z.boolean(),
  reason: z.enum(['never-fetched', 'unreachable', 'expired']).optional(),
})

export type PolicySnapshot = z.output<typeof policySnapshotSchema>

/**
 * A call a policy rule marks `effect: ask`, as the agent queues it for a person (the desktop app's prompt, or
 * `mcp-warden approvals`). `argumentsPreview` is the arguments' JSON with every content-safety finding masked,
 * cut to a few KiB: enough to judge the call, never a raw value the policy would not let through.
 */
export const approvalQuestionSchema = z.strictObject({
  server: text,
  target: peerText,
  method: peerText,
  argumentNames: z.array(peerText).max(1000),
  argumentsPreview: z.string().max(8192).optional(),
  ruleIds: z.array(text).max(1000),
  timeoutSeconds: z.number().int().min(1).max(86400),
})

/** One approval waiting in the agent's queue. Times are milliseconds since the epoch. */
export const pendingApprovalSchema = z.object({
  id: z.string().min(1).max(128),
  question: approvalQuestionSchema,
  /** Who asked: the signed-in user the proxy runs for, as the agent knows it. */
  requestedAt: z.number().finite(),
  expiresAt: z.number().finite(),
})

/** How a queued approval ended: a person's answer, or nobody answered before it expired / the asker withdrew. */
export const approvalOutcomeSchema = z.object({
  answer: z.enum(['allow', 'deny', 'timeout', 'withdrawn']),
})

export type ApprovalQuestion = z.output<typeof approvalQuestionSchema>
export type PendingApproval = z.output<typeof pendingApprovalSchema>
export type ApprovalOutcome = z.output<typeof approvalOutcomeSchema>
