/**
 * shared/src/pipeline/pipeline.ts — runs the stages over one message, then writes the audit record.
 *
 * A linear fold, not an onion: the first deny stops it, any exception inside a stage denies with
 * ERR_INTERNAL (fail closed), and the audit record is written whatever the verdict. A pass whose audit
 * record cannot be written is turned into a deny (unless `auditFailure: 'continue'` is chosen explicitly).
 */
import { randomUUID } from 'node:crypto'
import type { AuditRecord, AuditSink } from '../audit/record.js'
import { isWardenError, WardenError } from '../errors.js'
import { operationMethod, operationTarget } from './classify.js'
import { systemClock, type Clock, type MessageContext, type Stage, type Verdict } from './types.js'

export type Outcome =
  | { readonly action: 'pass'; readonly context: MessageContext; readonly auditId: string | undefined }
  | {
      readonly action: 'deny'
      readonly error: WardenError
      readonly context: MessageContext
      readonly auditId: string | undefined
    }

export interface PipelineOptions {
  readonly stages: readonly Stage[]
  readonly audit: AuditSink
  readonly clock?: Clock
  /** Audit ids; injectable so tests are deterministic. */
  readonly newId?: () => string
  /** Reports failures that must not reach a peer in full (stage exceptions, audit write errors). */
  readonly onError?: (error: unknown) => void
  /** `deny` (default): a message whose audit record cannot be written is not forwarded. */
  readonly auditFailure?: 'deny' | 'continue'
}

export interface Pipeline {
  process(context: MessageContext): Promise<Outcome>
}

function assertStages(stages: readonly Stage[]): void {
  if (!Array.isArray(stages)) throw new TypeError('"stages" must be an array of stages')
  const seen = new Set<string>()
  for (const stage of stages) {
    if (typeof stage !== 'object' || stage === null || typeof stage.process !== 'function') {
      throw new TypeError('every stage must be an object with a name and a process(context) function')
    }
    if (seen.has(stage.name)) throw new TypeError(`stage "${stage.name}" appears twice in the pipeline`)
    seen.add(stage.name)
  }
}

/** Decisions about requests are always recorded; other messages only when denied; results of governed calls too. */
function isAudited(context: MessageContext, denied: boolean): boolean {
  if (denied) return true
  const { message, operation } = context
  if (operation.kind === 'response') {
    const of = operation.of?.kind
    const governed = of === 'tool' || of === 'prompt' || of === 'resource' || of === 'completion' || of === 'client-feature'
    // A list result that policy filtered is recorded too, so the log shows what a person was not shown.
    return governed || context.modifications.length > 0
  }
  return 'id' in message
}

function resultOutcome(context: MessageContext): AuditRecord['outcome'] {
  const message = context.message as { error?: unknown; result?: { isError?: unknown } }
  if (message.error !== undefined) return 'error'
  return message.result?.isError === true ? 'tool-error' : 'ok'
}

function toRecord(id: string, context: MessageContext, verdict: Outcome | Verdict, pipelineMs: number): AuditRecord {
  const denied = verdict.action === 'deny'
  const error = denied ? verdict.error : undefined
  const isResult = context.operation.kind === 'response'
  const latencyMs =
    isResult && context.requestReceivedAt !== undefined ? context.receivedAt - context.requestReceivedAt + pipelineMs : pipelineMs
  const decision = context.decision ?? context.requestDecision
  const identity = context.identity
  const message = context.message as { id?: unknown }
  return {
    id,
    time: new Date(context.receivedAt).toISOString(),
    kind: isResult ? 'result' : 'decision',
    direction: context.direction,
    server: context.session.server,
    sessionId: context.session.sessionId,
    method: operationMethod(context.operation),
    target: operationTarget(context.operation),
    requestId: typeof message.id === 'string' || typeof message.id === 'number' ? message.id : undefined,
    identity: identity === undefined ? null : { issuer: identity.issuer, subject: identity.subject, email: identity.email },
    decision: denied ? 'deny' : 'allow',
    code: error?.code,
    stage: error?.stage,
    reasons: decision?.ruleIds ?? [],
    policyRevision: decision?.revision,
    findings: context.findings.map((f) => (f.hash === undefined ? { type: f.type, path: f.path, action: f.action } : { type: f.type, path: f.path, action: f.action, hash: f.hash })),
    modifications: context.modifications,
    outcome: denied ? ('id' in context.message ? 'denied' : 'dropped') : isResult ? resultOutcome(context) : 'forwarded',
    latencyMs: Math.round(latencyMs * 1000) / 1000,
  }
}

function internalError(stage: Stage, cause: unknown): WardenError {
  return new WardenError(
    'ERR_INTERNAL',
    'MCP Warden could not check this message, so it was blocked. Try again; if it persists, contact your administrator.',
    { stage: stage.name, cause },
  )
}

/**
 * Builds a pipeline. Stages run in the given order on every message.
 *
 * @example
 * const pipeline = createPipeline({ stages: [identityStage(...), policyStage(...)], audit: sink })
 * const outcome = await pipeline.process(context)
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { stages, audit } = options
  assertStages(stages)
  if (typeof audit?.append !== 'function') throw new TypeError('"audit" must be an AuditSink with an append(record) function')
  const clock = options.clock ?? systemClock
  const newId = options.newId ?? randomUUID
  const onError = options.onError ?? (() => {})
  const auditFailure = options.auditFailure ?? 'deny'

  async function runStages(context: MessageContext): Promise<Verdict> {
    let current = context
    for (const stage of stages) {
      let verdict: Verdict
      try {
        verdict = await stage.process(current)
      } catch (error) {
        onError(error)
        return { action: 'deny', error: isWardenError(error) ? error : internalError(stage, error), context: current }
      }
      if (verdict.action === 'deny') return { ...verdict, context: verdict.context ?? current }
      current = verdict.context
    }
    return { action: 'pass', context: current }
  }

  return {
    async process(context) {
      const started = clock.monotonic()
      const verdict = await runStages(context)
      const final = verdict.context ?? context
      const outcome: Outcome =
        verdict.action === 'pass'
          ? { action: 'pass', context: final, auditId: undefined }
          : { action: 'deny', error: verdict.error, context: final, auditId: undefined }
      if (!isAudited(final, outcome.action === 'deny')) return outcome
      const auditId = newId()
      try {
        await audit.append(toRecord(auditId, final, outcome, clock.monotonic() - started))
      } catch (error) {
        onError(error)
        // No record was written, so no audit id may be handed out.
        if (outcome.action === 'deny') return outcome
        if (auditFailure === 'deny') {
          const cause = new WardenError(
            'ERR_INTERNAL',
            'MCP Warden could not write its audit log, so this call was blocked. Check the audit directory, or contact your administrator.',
            { cause: error },
          )
          return { action: 'deny', error: cause, context: final, auditId: undefined }
        }
        return outcome
      }
      return { ...outcome, auditId }
    },
  }
}
