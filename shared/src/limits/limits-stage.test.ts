import { describe, expect, it } from 'vitest'
import { isWardenError, WardenError } from '../errors.js'
import type {
  BudgetSpec,
  Clock,
  Identity,
  MessageContext,
  Obligations,
  Operation,
  RateLimitSpec,
  Verdict,
} from '../pipeline/types.js'
import type { LimitStore } from './limit-store.js'
import { limitsStage } from './limits-stage.js'
import { createMemoryLimitStore } from './memory-limit-store.js'

const ALICE: Identity = { issuer: 'https://idp.example.com', subject: 'alice', groups: [], claims: {} }
const BOB: Identity = { ...ALICE, subject: 'bob' }
const START = Date.UTC(2026, 10, 24, 12, 30)

function fakeClock(): Clock & { advance(ms: number): void; setWall(ms: number): void } {
  let wall = START
  let monotonic = 5_000
  return {
    now: () => wall,
    monotonic: () => monotonic,
    advance(ms) {
      wall += ms
      monotonic += ms
    },
    setWall(ms) {
      wall = ms
    },
  }
}

const rate = (capacity: number, scope: RateLimitSpec['scope'] = 'user', id = 'burst'): RateLimitSpec => ({
  id,
  scope,
  capacity,
  windowSeconds: 60,
})
const budget = (limit: number, period: BudgetSpec['period'] = 'day', scope: BudgetSpec['scope'] = 'user'): BudgetSpec => ({
  id: { hour: 'hourly', day: 'daily', month: 'monthly' }[period],
  scope,
  limit,
  period,
})

interface CallOptions {
  readonly identity?: Identity | undefined
  readonly limits?: Partial<Obligations>
  readonly operation?: Operation
  readonly direction?: MessageContext['direction']
}

function call(tool: string, options: CallOptions = {}): MessageContext {
  const obligations: Obligations = {
    contentActions: {},
    defaultContentAction: 'allow',
    scanResults: false,
    rateLimits: [],
    budgets: [],
    cost: 1,
    ...options.limits,
  }
  return {
    direction: options.direction ?? 'to-server',
    message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } },
    operation: options.operation ?? { kind: 'tool', method: 'tools/call', name: tool, arguments: {} },
    session: { server: 'fs', sessionId: 's1', transport: 'stdio' },
    identity: 'identity' in options ? options.identity : ALICE,
    decision: { effect: 'allow', ruleIds: ['r1'], revision: 'rev-1', explanation: 'Allowed by r1.', obligations },
    findings: [],
    modifications: [],
    receivedAt: START,
  }
}

function setup(store: LimitStore = createMemoryLimitStore()) {
  const clock = fakeClock()
  const stage = limitsStage({ store, clock })
  return { clock, store, run: (context: MessageContext) => stage.process(context) }
}

function errorOf(verdict: Verdict): WardenError {
  if (verdict.action !== 'deny') throw new Error('expected a deny verdict')
  return verdict.error
}

async function actions(run: (c: MessageContext) => Promise<Verdict> | Verdict, contexts: MessageContext[]) {
  const result: string[] = []
  for (const context of contexts) result.push((await run(context)).action)
  return result
}

describe('limitsStage options', () => {
  const store = createMemoryLimitStore()
  it.each([
    ['no options', undefined, 'limitsStage: options must be an object'],
    ['no store', {}, 'limitsStage: options.store must be a LimitStore (consumeRate, refundRate, chargeBudget, refundBudget)'],
    ['a store without refunds', { store: { consumeRate() {}, chargeBudget() {} } }, 'limitsStage: options.store must be a LimitStore (consumeRate, refundRate, chargeBudget, refundBudget)'],
    ['a clock without monotonic time', { store, clock: { now: () => 0 } }, 'limitsStage: options.clock must be a Clock (now, monotonic)'],
  ])('rejects %s', (_case, options, message) => {
    expect(() => limitsStage(options as never)).toThrow(new TypeError(message))
  })

  it('is named limits', () => {
    expect(limitsStage({ store }).name).toBe('limits')
  })
})

describe('limitsStage rate limits', () => {
  it('allows a burst up to the capacity, then denies with the wait', async () => {
    const { run } = setup()
    const context = call('read_file', { limits: { rateLimits: [rate(3)] } })
    expect(await actions(run, [context, context, context])).toEqual(['pass', 'pass', 'pass'])
    const error = errorOf(await run(context))
    expect(isWardenError(error)).toBe(true)
    expect(error.code).toBe('ERR_LIMIT_EXCEEDED')
    expect(error.stage).toBe('limits')
    expect(error.message).toBe('Rate limit "burst" reached for "fs/read_file": try again in 20 seconds.')
    expect(error.details).toEqual({ limit: 'burst', retryAfterMs: 20_000 })
  })

  it('refills over time', async () => {
    const { run, clock } = setup()
    const context = call('read_file', { limits: { rateLimits: [rate(3)] } })
    await actions(run, [context, context, context])
    clock.advance(19_001)
    expect(errorOf(await run(context)).message).toBe('Rate limit "burst" reached for "fs/read_file": try again in 1 second.')
    clock.advance(999)
    expect(await actions(run, [context, context])).toEqual(['pass', 'deny'])
  })

  it('passes the message and context through unchanged when allowed', async () => {
    const { run } = setup()
    const context = Object.freeze(call('read_file', { limits: { rateLimits: [rate(3)] } }))
    const verdict = await run(context)
    expect(verdict).toEqual({ action: 'pass', context })
    expect(verdict.action === 'pass' ? verdict.context : undefined).toBe(context)
  })

  it('never refills a bucket when the wall clock is set back', async () => {
    const { run, clock } = setup()
    const context = call('read_file', { limits: { rateLimits: [rate(1)] } })
    await run(context)
    clock.setWall(START - 86_400_000)
    expect((await run(context)).action).toBe('deny')
  })

  it('keeps one bucket per user for scope user, and one per user and tool for scope user-tool', async () => {
    const { run } = setup()
    const limits = { rateLimits: [rate(2, 'user', 'all'), rate(1, 'user-tool', 'each')] }
    const read = call('read_file', { limits })
    const write = call('write_file', { limits })
    const list = call('list_dir', { limits })
    expect(await actions(run, [read, read, write])).toEqual(['pass', 'deny', 'pass'])
    expect(errorOf(await run(list)).message).toBe('Rate limit "all" reached for "fs/list_dir": try again in 30 seconds.')
  })

  it('keeps two users apart, even when issuer and subject contain the separators', async () => {
    const { run } = setup()
    const limits = { rateLimits: [rate(1)] }
    const tricky: Identity = { ...ALICE, issuer: 'https://idp.example.com|bob', subject: 'x' }
    const alsoTricky: Identity = { ...ALICE, issuer: 'https://idp.example.com', subject: 'bob|x' }
    const calls = [ALICE, BOB, tricky, alsoTricky].map((identity) => call('read_file', { identity, limits }))
    expect(await actions(run, calls)).toEqual(['pass', 'pass', 'pass', 'pass'])
    expect(await actions(run, calls)).toEqual(['deny', 'deny', 'deny', 'deny'])
  })

  it.each<[string, Operation, string]>([
    ['prompts', { kind: 'prompt', method: 'prompts/get', name: 'summary', arguments: {} }, 'prompt "fs/summary"'],
    ['resources', { kind: 'resource', method: 'resources/read', uri: 'file:///home/alice/salary.xlsx' }, 'resources of "fs"'],
    ['completions', { kind: 'completion', method: 'completion/complete', ref: 'resource:file:///x', arguments: {} }, 'completions of "fs"'],
  ])('limits %s too, without naming the URI in the message', async (_case, operation, what) => {
    const { run } = setup()
    const context = call('ignored', { operation, limits: { rateLimits: [rate(1)] } })
    await run(context)
    const error = errorOf(await run(context))
    expect(error.message).toBe(`Rate limit "burst" reached for ${what}: try again in 60 seconds.`)
  })

  it.each<[string, Partial<MessageContext>]>([
    ['tools/list', { operation: { kind: 'list', method: 'tools/list' } }],
    ['protocol methods', { operation: { kind: 'protocol', method: 'ping' } }],
    ['responses', { operation: { kind: 'response', of: { kind: 'tool', method: 'tools/call', name: 'x', arguments: {} } } }],
    ['anything to the client', { direction: 'to-client', operation: { kind: 'client-feature', method: 'sampling/createMessage' } }],
  ])('passes %s without a limit, identity or decision', async (_case, override) => {
    const { run } = setup()
    const context = { ...call('x', { limits: { rateLimits: [rate(1)] } }), identity: undefined, decision: undefined, ...override }
    expect(await actions(run, [context, context])).toEqual(['pass', 'pass'])
  })
})

describe('limitsStage budgets', () => {
  it('counts cost per UTC period and resets at the next one', async () => {
    const { run, clock } = setup()
    const context = call('read_file', { limits: { budgets: [budget(2, 'hour')] } })
    expect(await actions(run, [context, context])).toEqual(['pass', 'pass'])
    const error = errorOf(await run(context))
    expect(error.code).toBe('ERR_LIMIT_EXCEEDED')
    expect(error.message).toBe('Budget "hourly" for this hour is used up (2/2). It resets at 2026-11-24T13:00:00.000Z.')
    expect(error.details).toEqual({ limit: 'hourly', resetsAt: '2026-11-24T13:00:00.000Z', used: 2 })
    clock.advance(30 * 60_000)
    expect(await actions(run, [context, context, context])).toEqual(['pass', 'pass', 'deny'])
  })

  it('never resets a budget when the wall clock is set back', async () => {
    const { run, clock } = setup()
    const context = call('read_file', { limits: { budgets: [budget(1, 'day')] } })
    await run(context)
    clock.setWall(START - 3 * 86_400_000)
    expect(errorOf(await run(context)).message).toBe(
      'Budget "daily" for this day is used up (1/1). It resets at 2026-11-25T00:00:00.000Z.',
    )
    clock.setWall(Date.UTC(2026, 10, 25))
    expect((await run(context)).action).toBe('pass')
  })

  it('charges the call cost and says when what is left is too little', async () => {
    const { run } = setup()
    const context = call('query', { limits: { budgets: [budget(8, 'month')], cost: 5 } })
    await run(context)
    expect(errorOf(await run(context)).message).toBe(
      'Budget "monthly" for this month has 3 of 8 left, and this call costs 5. It resets at 2026-12-01T00:00:00.000Z.',
    )
  })

  it('does not count calls that cost nothing', async () => {
    const { run } = setup()
    const free = call('status', { limits: { budgets: [budget(0)], cost: 0 } })
    expect(await actions(run, [free, free])).toEqual(['pass', 'pass'])
  })

  it('keeps per-tool budgets apart', async () => {
    const { run } = setup()
    const limits = { budgets: [budget(1, 'day', 'user-tool')] }
    expect(await actions(run, [call('a', { limits }), call('b', { limits }), call('a', { limits })])).toEqual(['pass', 'pass', 'deny'])
  })
})

describe('limitsStage denied calls consume nothing', () => {
  it('gives back the rate token when the budget denies', async () => {
    const { run } = setup()
    const both = call('read_file', { limits: { rateLimits: [rate(2)], budgets: [budget(1)] } })
    const rateOnly = call('read_file', { limits: { rateLimits: [rate(2)] } })
    expect(await actions(run, [both, both, both])).toEqual(['pass', 'deny', 'deny'])
    expect(await actions(run, [rateOnly, rateOnly])).toEqual(['pass', 'deny'])
  })

  it('gives back the first rate limit when the second denies', async () => {
    const { run } = setup()
    const limits = { rateLimits: [rate(2, 'user', 'wide'), rate(1, 'user-tool', 'narrow')] }
    expect(await actions(run, [call('a', { limits }), call('a', { limits }), call('b', { limits })])).toEqual(['pass', 'deny', 'pass'])
  })

  it('charges no budget while the rate limit denies', async () => {
    const { run, clock } = setup()
    const context = call('read_file', { limits: { rateLimits: [rate(1)], budgets: [budget(2)] } })
    expect(await actions(run, [context, context, context, context])).toEqual(['pass', 'deny', 'deny', 'deny'])
    clock.advance(60_000)
    expect(await actions(run, [context])).toEqual(['pass'])
    clock.advance(60_000)
    expect(errorOf(await run(context)).message).toBe('Budget "daily" for this day is used up (2/2). It resets at 2026-11-25T00:00:00.000Z.')
  })
})

describe('limitsStage fails closed', () => {
  function failing(method: keyof LimitStore, inner = createMemoryLimitStore()): LimitStore {
    return { ...inner, [method]: () => Promise.reject(new Error('connection refused')) }
  }
  const message = 'Usage limits could not be checked, so the call was not made. Try again in a moment; if it keeps failing, restart MCP Warden or tell your administrator.'

  it.each(['consumeRate', 'chargeBudget'] as const)('denies with ERR_INTERNAL when %s fails', async (method) => {
    const { run } = setup(failing(method))
    const error = errorOf(await run(call('read_file', { limits: { rateLimits: [rate(1)], budgets: [budget(1)] } })))
    expect(error.code).toBe('ERR_INTERNAL')
    expect(error.stage).toBe('limits')
    expect(error.message).toBe(message)
    expect((error.cause as Error).message).toBe('connection refused')
  })

  it('gives back what was taken before the store failed', async () => {
    const inner = createMemoryLimitStore()
    const broken = setup(failing('chargeBudget', inner))
    await broken.run(call('read_file', { limits: { rateLimits: [rate(1)], budgets: [budget(1)] } }))
    const healthy = setup(inner)
    expect((await healthy.run(call('read_file', { limits: { rateLimits: [rate(1)] } }))).action).toBe('pass')
  })

  it('still denies for the limit, and notes it, when the refund fails', async () => {
    const { run } = setup(failing('refundRate'))
    const error = errorOf(await run(call('read_file', { limits: { rateLimits: [rate(1)], budgets: [budget(0)] } })))
    expect(error.code).toBe('ERR_LIMIT_EXCEEDED')
    expect(error.details).toMatchObject({ limit: 'daily', refundFailed: true })
  })

  it("passes on what the store's own WardenError says to do", async () => {
    const damaged = new WardenError('ERR_INTERNAL', 'The usage-limit ledger ~/limits.jsonl is damaged (line 2: not JSON). Move the file aside.')
    const { run } = setup({ ...createMemoryLimitStore(), consumeRate: () => Promise.reject(damaged) })
    const error = errorOf(await run(call('read_file', { limits: { rateLimits: [rate(1)] } })))
    expect(error.code).toBe('ERR_INTERNAL')
    expect(error.message).toBe(`Usage limits could not be checked, so the call was not made. ${damaged.message}`)
  })

  it('denies with ERR_INTERNAL when the store throws synchronously', async () => {
    const store = { ...createMemoryLimitStore(), consumeRate: () => { throw new Error('boom') } }
    const { run } = setup(store)
    expect(errorOf(await run(call('read_file', { limits: { rateLimits: [rate(1)] } }))).message).toBe(message)
  })

  it.each<[string, Partial<MessageContext>, string]>([
    ['no identity', { identity: undefined }, 'the call has no verified identity'],
    ['no decision', { decision: undefined }, 'the call has no policy decision'],
  ])('denies a governed call with %s', async (_case, override, why) => {
    const { run } = setup()
    const error = errorOf(await run({ ...call('read_file'), ...override }))
    expect(error.code).toBe('ERR_INTERNAL')
    expect(error.message).toBe(
      `Usage limits could not be checked because ${why}. Try again in a moment; if it keeps failing, restart MCP Warden or tell your administrator.`,
    )
  })

  it('denies when a budget has an unknown period', async () => {
    const { run } = setup()
    const odd = { ...budget(5), period: 'week' } as unknown as BudgetSpec
    expect(errorOf(await run(call('read_file', { limits: { budgets: [odd] } }))).code).toBe('ERR_INTERNAL')
  })
})
