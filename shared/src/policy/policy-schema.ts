/**
 * shared/src/policy/policy-schema.ts — the policy document, as a zod 4 schema.
 *
 * Every object is strict, so a misspelt key is an error rather than a silently ignored line. Checks that need more
 * than one field (unique rule ids, "at least one of") are refinements; they run once the fields themselves are valid.
 * The JSON Schema for editors (shared/policy.schema.json) is generated from this file by `policyJsonSchema()`.
 */
import { z } from 'zod'
import { CONTENT_ACTIONS, ENTITY_TYPES } from '../content-safety/entities.js'

// Descriptions and $defs ids for the JSON Schema live in a registry of our own, not zod's global one, so they neither
// clash with other modules' ids nor depend on how often this module is loaded.
const policyMeta = z.registry<z.GlobalMeta>()

const ID_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/
const RULE_SUBJECT_KEYS = ['users', 'emails', 'emailDomains', 'groups', 'claims'] as const

const Id = z
  .string()
  .regex(ID_FORMAT, 'must be 1-100 characters: letters, digits, ".", "_", ":" or "-", starting with a letter or digit')
const NonEmptyStrings = z.array(z.string().min(1)).min(1)
const Patterns = z.array(z.string().min(1)).min(1).register(policyMeta, {
  id: 'WardenPolicyPatterns',
  description:
    'Glob patterns: "*" matches any run of characters, "?" one; everything else is literal. The whole name must ' +
    'match, case-sensitively, after Unicode NFC normalisation.',
})
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

/** A JavaScript regular expression source, matched against the whole value (it is wrapped as `^(?:…)$`). */
const RegexSource = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const problem = regexProblem(source)
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${problem}` })
  })

/** One argument condition: exactly one operator. */
const NoPiiTypes = z.array(z.enum(ENTITY_TYPES)).min(1)

/** Conditions on the arguments object as a whole (every argument, member names included). */
const ArgumentsCondition = z
  .strictObject({
    noPii: NoPiiTypes.register(policyMeta, {
      description: 'No argument (names and values, scanned in full) contains any of these entity types, as received, before redaction.',
    }),
  })
  .register(policyMeta, { id: 'WardenPolicyArgumentsCondition' })

const Condition = z
  .strictObject({
    equals: Scalar.optional().register(policyMeta, { description: 'Strict equality, no type coercion ("1" is not 1).' }),
    oneOf: z.array(Scalar).min(1).optional().register(policyMeta, { description: 'Strictly equal to one of these.' }),
    pattern: RegexSource.optional().register(policyMeta, {
      description: 'A string matching this JavaScript regular expression in full (anchored, no flags).',
    }),
    range: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both')
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max')
      .optional()
      .register(policyMeta, { description: 'A finite number within [min, max], inclusive. A numeric string does not qualify.' }),
    prefix: z.string().min(1).optional().register(policyMeta, {
      description: 'A string starting with this text. Lexical: paths are not resolved, so "/a/../b" starts with "/a/".',
    }),
    pathUnder: z
      .string()
      .regex(/^\//, 'must be an absolute path such as /home/me/docs')
      .optional()
      .register(policyMeta, {
        description:
          'An absolute path inside this directory (or the directory itself). Resolved on disk with realpath for stdio ' +
          'servers; lexical for remote ones. Percent escapes, backslashes, NUL and compatibility characters are refused.',
      }),
    noPii: NoPiiTypes.optional().register(policyMeta, {
      description: 'The argument (any JSON value) contains none of these entity types, as received, before redaction.',
    }),
    absent: z.literal(true).optional().register(policyMeta, { description: 'The argument is not given at all.' }),
  })
  .refine((c) => Object.keys(c).length === 1, 'give exactly one of equals, oneOf, pattern, range, prefix, pathUnder, noPii or absent')
  .register(policyMeta, { id: 'WardenPolicyCondition', minProperties: 1, maxProperties: 1 })

const Subjects = z
  .strictObject({
    anyone: z.literal(true).optional().register(policyMeta, { description: 'Every signed-in identity.' }),
    users: NonEmptyStrings.optional().register(policyMeta, { description: 'Subject (sub) or verified email, exact.' }),
    emails: NonEmptyStrings.optional().register(policyMeta, { description: 'Verified email, case-insensitive.' }),
    emailDomains: z
      .array(z.string().regex(/^[^@\s]+$/, 'must be a domain such as example.com, without "@"'))
      .min(1)
      .optional()
      .register(policyMeta, { description: 'Domain of a verified email, case-insensitive; subdomains do not match.' }),
    groups: NonEmptyStrings.optional(),
    claims: z
      .record(z.string().min(1), NonEmptyStrings)
      .refine((claims) => Object.keys(claims).length > 0, 'name at least one claim')
      .optional()
      .register(policyMeta, {
        description: 'Claim name to accepted string values; an array claim matches if any element does.',
        minProperties: 1,
      }),
  })
  .superRefine((subjects, ctx) => {
    const listed = RULE_SUBJECT_KEYS.filter((key) => subjects[key] !== undefined)
    if (subjects.anyone === true && listed.length > 0) {
      ctx.addIssue({ code: 'custom', message: '"anyone: true" cannot be combined with other subject keys' })
    } else if (subjects.anyone !== true && listed.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'name who the rule applies to (users, emails, emailDomains, groups or claims), or write "anyone: true"',
      })
    }
  })
  .register(policyMeta, { id: 'WardenPolicySubjects', minProperties: 1 })

const Content = z
  .strictObject({
    action: z.enum(CONTENT_ACTIONS).optional().register(policyMeta, { description: 'For entity types not listed in `types`.' }),
    types: z.partialRecord(z.enum(ENTITY_TYPES), z.enum(CONTENT_ACTIONS)).optional(),
    scanResults: z.boolean().optional().register(policyMeta, { description: 'Also scan results on their way to the host.' }),
  })
  .register(policyMeta, { id: 'WardenPolicyContent' })

const RateLimit = z
  .strictObject({
    id: Id,
    scope: z.enum(['user', 'user-tool']),
    capacity: z.int().positive(),
    windowSeconds: z.number().positive(),
  })
  .register(policyMeta, { id: 'WardenPolicyRateLimit', description: 'Token bucket: capacity calls, refilled over windowSeconds.' })

const Budget = z
  .strictObject({
    id: Id,
    scope: z.enum(['user', 'user-tool']),
    limit: z.number().positive(),
    period: z.enum(['hour', 'day', 'month']),
  })
  .register(policyMeta, { id: 'WardenPolicyBudget', description: 'Total cost allowed per period.' })

const RateLimits = z.array(RateLimit).superRefine((list, ctx) => uniqueIds(list, ctx, 'rate limit'))
const Budgets = z.array(Budget).superRefine((list, ctx) => uniqueIds(list, ctx, 'budget'))

const RuleFields = z.strictObject({
  id: Id,
  description: z.string().optional(),
  effect: z.enum(['allow', 'deny', 'ask']).register(policyMeta, {
    description: 'deny overrides ask, ask overrides allow. "ask": a person approves each call (elicitation or the app).',
  }),
  askTimeoutSeconds: z.number().positive().max(3600).optional().register(policyMeta, {
    description: 'For effect "ask": seconds to wait for an answer before denying (default 120).',
  }),
  subjects: Subjects,
  servers: Patterns,
  tools: Patterns.optional(),
  prompts: Patterns.optional(),
  resources: Patterns.optional().register(policyMeta, { description: 'Glob patterns on the resource URI.' }),
  when: z
    .record(z.string().min(1), Condition)
    .optional()
    .register(policyMeta, {
      description: 'Conditions on top-level argument names (no dotted paths); all must hold. Tools and prompts only.',
    }),
  arguments: ArgumentsCondition.optional().register(policyMeta, {
    description: 'Conditions on all the arguments at once; they hold together with `when`. Tools and prompts only.',
  }),
  content: Content.optional(),
  rateLimits: RateLimits.optional(),
  budgets: Budgets.optional(),
})

const Rule = RuleFields.superRefine(checkRuleShape).register(policyMeta, {
  id: 'WardenPolicyRule',
  anyOf: [{ required: ['tools'] }, { required: ['prompts'] }, { required: ['resources'] }],
})

/** An approved tool definition: the SHA-256 of its canonical definition (see `toolDefinitionHash`). */
const ApprovedTool = z
  .strictObject({
    server: z.string().min(1).register(policyMeta, { description: 'The configured server name, exact.' }),
    tool: z.string().min(1).register(policyMeta, { description: 'The tool name, exact.' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits; `mcp-warden policy check --tools FILE` prints them')
      .register(policyMeta, { description: 'SHA-256 (hex) of the canonical JSON of the tool definition.' }),
    note: z.string().optional().register(policyMeta, { description: 'Who approved it and why; not enforced.' }),
  })
  .register(policyMeta, { id: 'WardenPolicyApprovedTool' })

/** A server the organisation allows, bound to the command or URL it must run. */
const AllowedServer = z
  .strictObject({
    name: z.string().min(1).register(policyMeta, { description: 'The configured server name (`--name`), exact.' }),
    command: NonEmptyStrings.optional().register(policyMeta, {
      description: 'The upstream command line must start with these words, compared exactly (no path lookup).',
    }),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .register(policyMeta, { description: 'The upstream URL must have this origin and start with this path, segment-wise.' }),
  })
  .refine((entry) => (entry.command === undefined) !== (entry.url === undefined), 'give exactly one of command or url')
  .register(policyMeta, { id: 'WardenPolicyAllowedServer', minProperties: 2, maxProperties: 2 })

const Defaults = z.strictObject({ content: Content.optional(), rateLimits: RateLimits.optional(), budgets: Budgets.optional() })

/**
 * Methods decided by rules. A malformed request of one of them is classified as unknown, so naming one in
 * `allowMethods` would let such a request through with no rule at all.
 */
const GOVERNED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read', 'resources/subscribe', 'resources/unsubscribe', 'completion/complete'])

function refuseGovernedMethods(methods: readonly string[], ctx: z.RefinementCtx): void {
  methods.forEach((method, index) => {
    if (GOVERNED_METHODS.has(method)) {
      ctx.addIssue({ code: 'custom', path: [index], message: `"${method}" is decided by rules (tools, prompts, resources), not by allowMethods` })
    }
  })
}

/** The policy document schema (version 1). */
export const PolicySchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    revision: z.string().min(1).max(200).register(policyMeta, { description: 'Recorded with every decision.' }),
    defaults: Defaults.optional(),
    costs: z
      .record(z.string().min(1), z.number().nonnegative())
      .optional()
      .register(policyMeta, { description: '"<server>/<tool>" glob to cost; an exact key wins, then the most specific pattern.' }),
    allowMethods: NonEmptyStrings.superRefine(refuseGovernedMethods)
      .optional()
      .register(policyMeta, { description: 'Unclassified JSON-RPC methods to allow, exact.' }),
    approvedTools: z
      .array(ApprovedTool)
      .superRefine(uniqueApprovals)
      .optional()
      .register(policyMeta, {
        description:
          'Pinned tool definitions. A server named here shows and runs only these tools, and only while their definition is unchanged.',
      }),
    serverAllowList: z
      .array(AllowedServer)
      .superRefine(uniqueServerNames)
      .optional()
      .register(policyMeta, { description: 'When present, only these servers may be used, each with its own command or URL.' }),
    rules: z
      .array(Rule)
      .superRefine((rules, ctx) => uniqueIds(rules, ctx, 'rule'))
      .register(policyMeta, { description: 'Deny by default: a call needs an allow rule, and any deny rule overrides it.' }),
  })
  .superRefine(consistentLimitIds)
  .register(policyMeta, { title: 'MCP Warden policy', description: 'Who may use which MCP tools, prompts and resources.' })

/** A validated policy document. */
export type PolicyDocument = z.infer<typeof PolicySchema>
/** One rule of a policy document. */
export type PolicyRule = PolicyDocument['rules'][number]
/** One argument condition of a rule's `when`. */
export type PolicyCondition = z.infer<typeof Condition>
export type PolicyArgumentsCondition = z.infer<typeof ArgumentsCondition>
/** The subjects of a rule. */
export type PolicySubjects = z.infer<typeof Subjects>
/** Content obligations in `defaults` or a rule. */
export type PolicyContent = z.infer<typeof Content>
/** One entry of `approvedTools`. */
export type ApprovedToolEntry = z.infer<typeof ApprovedTool>
/** One entry of `serverAllowList`. */
export type AllowedServerEntry = z.infer<typeof AllowedServer>

/**
 * The JSON Schema (draft 2020-12) of policy documents, for editors. Cross-field checks (unique ids, "exactly one
 * operator") are not expressible there; `parsePolicy` enforces them.
 *
 * @example writeFileSync('policy.schema.json', JSON.stringify(policyJsonSchema(), null, 2) + '\n')
 */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicySchema, { target: 'draft-2020-12', io: 'input', metadata: policyMeta }) as Record<
    string,
    unknown
  >
}

function checkRuleShape(rule: z.infer<typeof RuleFields>, ctx: z.RefinementCtx): void {
  if (rule.tools === undefined && rule.prompts === undefined && rule.resources === undefined) {
    ctx.addIssue({ code: 'custom', message: 'name what the rule covers: tools, prompts or resources' })
  }
  for (const key of ['when', 'arguments'] as const) {
    if (rule[key] === undefined || rule.resources === undefined) continue
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `conditions apply to tool and prompt arguments; put resources in a separate rule without "${key}"`,
    })
  }
  if (rule.askTimeoutSeconds !== undefined && rule.effect !== 'ask') {
    ctx.addIssue({ code: 'custom', path: ['askTimeoutSeconds'], message: 'askTimeoutSeconds applies to "effect: ask" rules only' })
  }
  if (rule.effect === 'deny') {
    for (const key of ['content', 'rateLimits', 'budgets'] as const) {
      if (rule[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only allow rules carry obligations' })
    }
  }
}

function uniqueApprovals(list: readonly { readonly server: string; readonly tool: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>()
  list.forEach((entry, index) => {
    const key = JSON.stringify([entry.server, entry.tool])
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'tool'], message: `"${entry.server}/${entry.tool}" is approved twice; keep one hash per tool` })
    seen.add(key)
  })
}

function uniqueServerNames(list: readonly { readonly name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>()
  list.forEach((entry, index) => {
    if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `server "${entry.name}" is listed twice; one name, one command or URL` })
    seen.add(entry.name)
  })
}

function uniqueIds(list: readonly { readonly id: string }[], ctx: z.RefinementCtx, what: string): void {
  const seen = new Set<string>()
  list.forEach((item, index) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate ${what} id "${item.id}"` })
    seen.add(item.id)
  })
}

/**
 * Why a pattern cannot be used, or undefined. Both the bare source and the anchored form must compile: a source
 * such as `a)|(b` is invalid alone but would compile once wrapped, and then match anything starting with "a".
 */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source)
    new RegExp(`^(?:${source})$`)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/**
 * A limit's id names its counter in the store, so every place that names the same id must define the same limit:
 * two rules with one id and different capacities would share one bucket, and the first call would decide its size.
 */
function consistentLimitIds(
  document: {
    readonly defaults?: { readonly rateLimits?: readonly object[] | undefined; readonly budgets?: readonly object[] | undefined } | undefined
    readonly rules: readonly { readonly rateLimits?: readonly object[] | undefined; readonly budgets?: readonly object[] | undefined }[]
  },
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, { readonly spec: string; readonly where: string; readonly list: string }>()
  const places: [readonly (string | number)[], { readonly rateLimits?: readonly object[] | undefined; readonly budgets?: readonly object[] | undefined } | undefined][] = [
    [['defaults'], document.defaults],
    ...document.rules.map((rule, index): [(string | number)[], typeof rule] => [['rules', index], rule]),
  ]
  for (const [path, holder] of places) {
    for (const kind of ['rateLimits', 'budgets'] as const) {
      ;(holder?.[kind] ?? []).forEach((limit, index) => {
        const { id } = limit as { readonly id: string }
        const key = `${kind}:${id}`
        const spec = JSON.stringify(limit)
        const where = [...path, kind, index].join('.')
        const list = [...path, kind].join('.')
        const first = seen.get(key)
        if (first === undefined) seen.set(key, { spec, where, list })
        // Twice in one list is reported by uniqueIds already.
        else if (first.spec !== spec && first.list !== list) {
          ctx.addIssue({ code: 'custom', path: [...path, kind, index], message: `"${id}" is defined differently at ${first.where}; one id names one counter, so give this limit its own id` })
        }
      })
    }
  }
}
