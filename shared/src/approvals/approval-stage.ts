/**
 * shared/src/approvals/approval-stage.ts — pauses a call whose policy decision is `ask` until a person answers.
 *
 * Place it right after `policyStage({ …, approvals: true })`. The injected `approve` asks the person (through MCP
 * elicitation on the host, or the agent's queue); no answer within the rule's `askTimeoutSeconds` denies with
 * ERR_APPROVAL_TIMEOUT, a declined one with ERR_POLICY_DENIED. The answer and how it was obtained go into the
 * decision's rule ids (`approval:allowed-by-user|declined|timeout|unavailable`, `approval-via:<how>`), hence into the
 * audit record. An approver that cannot ask anyone rejects with a WardenError saying how to approve such calls;
 * the call is denied with that error.
 */
import { isWardenError, WardenError } from '../errors.js'
import type { MessageContext, PolicyDecision, Stage, Verdict } from '../pipeline/types.js'
import { previewArguments } from './arguments-preview.js'

/** What the approver is asked. It carries no raw argument value: names, and a preview with every finding masked. */
export interface ApprovalRequest {
  readonly server: string
  /** The tool, prompt or resource the call names. */
  readonly target: string
  readonly method: string
  readonly argumentNames: readonly string[]
  /** The arguments' JSON with every content-safety finding masked, at most 8 KiB (see previewArguments). */
  readonly argumentsPreview: string
  readonly ruleIds: readonly string[]
  readonly timeoutSeconds: number
  /** Aborted when the stage stops waiting (timeout); the approver should withdraw its question. */
  readonly signal: AbortSignal
}

/**
 * The person's answer and the channel that obtained it (`elicitation`, `agent`); `timeout` when the channel itself
 * reports that nobody answered in time.
 */
export interface ApprovalAnswer {
  readonly answer: 'allow' | 'deny' | 'timeout'
  readonly via: string
}

/** Options of `approvalStage`. */
export interface ApprovalStageOptions {
  readonly approve: (request: ApprovalRequest) => Promise<ApprovalAnswer>
  /** Resolves after `ms` milliseconds; injected so tests need not wait. Defaults to setTimeout. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>
}

/**
 * Builds the approval stage.
 *
 * @example approvalStage({ approve: (request) => askHost(request) })
 * @throws TypeError when `options.approve` is not a function.
 */
export function approvalStage(options: ApprovalStageOptions): Stage {
  if (typeof options?.approve !== 'function') throw new TypeError('approvalStage: options.approve must be a function')
  const approve = options.approve
  const wait = options.wait ?? defaultWait
  return {
    name: 'approval',
    async process(context) {
      const decision = context.decision
      if (context.direction === 'to-client' || decision?.effect !== 'ask') return { action: 'pass', context }
      return decide(context, decision, approve, wait)
    },
  }
}

async function decide(
  context: MessageContext,
  decision: PolicyDecision,
  approve: ApprovalStageOptions['approve'],
  wait: NonNullable<ApprovalStageOptions['wait']>,
): Promise<Verdict> {
  const timeoutSeconds = decision.askTimeoutSeconds ?? 120
  const controller = new AbortController()
  const operation = context.operation as { name?: unknown; uri?: unknown; arguments?: unknown; method?: unknown } | undefined
  const args = operation?.arguments
  const request: ApprovalRequest = {
    server: context.session.server,
    target: String(operation?.name ?? operation?.uri ?? ''),
    method: String(operation?.method ?? ''),
    argumentNames: typeof args === 'object' && args !== null && !Array.isArray(args) ? Object.keys(args) : [],
    argumentsPreview: previewArguments(args),
    ruleIds: decision.ruleIds,
    timeoutSeconds,
    signal: controller.signal,
  }
  const timedOut = wait(timeoutSeconds * 1000, controller.signal).then(() => 'timeout' as const)
  let outcome: ApprovalAnswer | 'timeout'
  const target = `${request.server}/${request.target}`
  try {
    outcome = await Promise.race([approve(request), timedOut])
  } catch (cause) {
    // Fail closed: nobody could be asked. The approver's own error says how to approve such calls.
    const error = isWardenError(cause)
      ? new WardenError(cause.code, cause.message, { stage: 'approval', cause })
      : new WardenError('ERR_INTERNAL', `MCP Warden could not ask you to approve "${target}", so it was refused. Retry it; if this persists, check the proxy's log.`, { stage: 'approval', cause })
    return { action: 'deny', error, context: { ...context, decision: settled(decision, 'deny', ['approval:unavailable']) } }
  } finally {
    controller.abort()
  }
  if (outcome === 'timeout' || outcome.answer === 'timeout') {
    const error = new WardenError('ERR_APPROVAL_TIMEOUT', `Nobody approved "${target}" within ${timeoutSeconds} s. Retry and approve it in time, or ask your administrator.`, { stage: 'approval' })
    const reasons = outcome === 'timeout' ? ['approval:timeout'] : ['approval:timeout', `approval-via:${outcome.via}`]
    return { action: 'deny', error, context: { ...context, decision: settled(decision, 'deny', reasons) } }
  }
  const reasons = [`approval:${outcome.answer === 'allow' ? 'allowed-by-user' : 'declined'}`, `approval-via:${outcome.via}`]
  if (outcome.answer === 'allow') return { action: 'pass', context: { ...context, decision: settled(decision, 'allow', reasons) } }
  const error = new WardenError('ERR_POLICY_DENIED', `The call of "${target}" was declined by you. Retry it and approve it if you meant it.`, { stage: 'approval' })
  return { action: 'deny', error, context: { ...context, decision: settled(decision, 'deny', reasons) } }
}

function settled(decision: PolicyDecision, effect: 'allow' | 'deny', reasons: readonly string[]): PolicyDecision {
  return Object.freeze({ ...decision, effect, ruleIds: Object.freeze([...decision.ruleIds, ...reasons]) })
}

function defaultWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
  })
}
