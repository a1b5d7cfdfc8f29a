/**
 * desktop/src/agent/protocol/methods.ts — every method of the agent protocol with the zod schemas of its params
 * and result. Both sides check against these: the client before sending and after receiving, the server after
 * receiving and before answering. Add a method here and both sides know it; raise AGENT_PROTOCOL.max with it.
 */
import { z } from 'zod'
import {
  auditRecordSchema,
  budgetResultSchema,
  issuedTokenSchema,
  limitSchemas,
  policySnapshotSchema,
  rateResultSchema,
  sessionStatusSchema,
} from './schemas.js'

/** Protocol versions this build speaks. Version 1 is the method set below. */
export const AGENT_PROTOCOL = { min: 1, max: 1 } as const

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
} as const

export type AgentMethod = keyof typeof AGENT_METHODS
export type AgentParams<M extends AgentMethod> = z.output<(typeof AGENT_METHODS)[M]['params']>
export type AgentResult<M extends AgentMethod> = z.output<(typeof AGENT_METHODS)[M]['result']>
export type HelloParams = AgentParams<'hello'>
export type HelloResult = AgentResult<'hello'>

export function isAgentMethod(value: string): value is AgentMethod {
  return Object.hasOwn(AGENT_METHODS, value)
}
