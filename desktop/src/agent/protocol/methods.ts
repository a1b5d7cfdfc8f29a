/**
 * desktop/src/agent/protocol/methods.ts — every method of the agent protocol with the zod schemas of its params
 * and result. Both sides check against these: the client before sending and after receiving, the server after
 * receiving and before answering. Add a method here and both sides know it; raise AGENT_PROTOCOL.max with it.
 */
import { z } from 'zod'
import {
  approvalOutcomeSchema,
  approvalQuestionSchema,
  auditRecordSchema,
  budgetResultSchema,
  issuedTokenSchema,
  limitSchemas,
  pendingApprovalSchema,
  policySnapshotSchema,
  rateResultSchema,
  sessionStatusSchema,
} from './schemas.js'

/**
 * Protocol versions this build speaks. Version 1: session, tokens, limits, audit, policy. Version 2 adds the
 * approvals queue (`approvals.*`); a proxy that needs it asks for it only when the agent negotiated 2.
 */
export const AGENT_PROTOCOL = { min: 1, max: 2 } as const

const name = z.string().min(1).max(256)
const none = z.strictObject({})
const ack = z.null()

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'expected an http(s) URL' })

export const helloParamsSchema = z.strictObject({
  protocol: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  client: z.strictObject({ name, version: name }),
  server: z.strictObject({ name, upstreamUrl: httpUrl.optional() }),
})

/** Method name → params and result schemas. */
export const AGENT_METHODS = {
  hello: {
    params: helloParamsSchema,
    result: z.object({ protocol: z.number().int().min(1), agent: z.object({ version: name }) }),
  },
  'session.status': { params: none, result: sessionStatusSchema },
  'session.reload': { params: none, result: sessionStatusSchema },
  'identity.token': { params: none, result: issuedTokenSchema },
  'upstream.token': { params: z.strictObject({ resource: httpUrl }), result: issuedTokenSchema },
  'limits.consumeRate': {
    params: z.strictObject({ key: limitSchemas.key, spec: limitSchemas.rateWindowSchema, cost: limitSchemas.cost }),
    result: rateResultSchema,
  },
  'limits.refundRate': {
    params: z.strictObject({ key: limitSchemas.key, spec: limitSchemas.rateWindowSchema, cost: limitSchemas.cost }),
    result: ack,
  },
  'limits.chargeBudget': {
    params: z.strictObject({
      key: limitSchemas.key,
      limit: z.number().finite().nonnegative(),
      periodKey: limitSchemas.key,
      cost: limitSchemas.cost,
    }),
    result: budgetResultSchema,
  },
  'limits.refundBudget': {
    params: z.strictObject({ key: limitSchemas.key, periodKey: limitSchemas.key, cost: limitSchemas.cost }),
    result: ack,
  },
  'audit.append': { params: z.strictObject({ record: auditRecordSchema }), result: ack },
  /** The central policy in force, or null when the settings name no policy URL (proxies use their policy file). */
  'policy.snapshot': { params: none, result: z.object({ snapshot: policySnapshotSchema.nullable() }) },
  /**
   * Queues a question for a person and answers when they do, or with `timeout` when `question.timeoutSeconds`
   * pass, or `withdrawn` when the asking connection closes. A long request: the client's timeout must exceed the
   * question's. Version 2.
   */
  'approvals.request': { params: z.strictObject({ question: approvalQuestionSchema }), result: approvalOutcomeSchema },
  /** The approvals waiting for an answer, oldest first. Version 2. */
  'approvals.list': { params: none, result: z.object({ pending: z.array(pendingApprovalSchema) }) },
  /** A person's answer to one pending approval; an unknown or already-answered id is an error. Version 2. */
  'approvals.answer': {
    params: z.strictObject({ id: z.string().min(1).max(128), answer: z.enum(['allow', 'deny']) }),
    result: ack,
  },
} as const

export type AgentMethod = keyof typeof AGENT_METHODS
export type AgentParams<M extends AgentMethod> = z.output<(typeof AGENT_METHODS)[M]['params']>
export type AgentResult<M extends AgentMethod> = z.output<(typeof AGENT_METHODS)[M]['result']>
export type HelloParams = AgentParams<'hello'>
export type HelloResult = AgentResult<'hello'>

export function isAgentMethod(value: string): value is AgentMethod {
  return Object.hasOwn(AGENT_METHODS, value)
}
