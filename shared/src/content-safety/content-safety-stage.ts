/**
 * shared/src/content-safety/content-safety-stage.ts — the pipeline stage that keeps sensitive data from leaving.
 *
 * It scans the content parts of a message (scan-targets.ts), asks the policy decision what to do with each type
 * found, and then denies (any `block`), or passes a copy of the message with values redacted or masked, or
 * passes the message untouched. Every finding goes onto the context, with its action, for the audit record.
 *
 * Actions come from `context.decision?.obligations ?? context.requestDecision?.obligations`: the type's entry
 * in `contentActions`, else `defaultContentAction`. With no obligations at all (no policy stage ran, or it set
 * none) the stage fails closed: secrets are blocked and PII is redacted. An action that is not a ContentAction
 * (a malformed decision) is treated as `block`.
 */
import { isJsonObject, type JsonRpcMessage } from '../jsonrpc/message.js'
import type { Finding, MessageContext, Operation, Stage, Verdict } from '../pipeline/types.js'
import { applyContentActions, type ContentDecider } from './apply-content-actions.js'
import { contentBlockedError } from './blocked-error.js'
import { assertDetectors, type Detector } from './detector.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { CONTENT_ACTIONS, SECRET_ENTITY_TYPES, type ContentAction, type EntityType } from './entities.js'
import { scanJson } from './scan-json.js'
import { replaceAt, scanTargets, valueAt } from './scan-targets.js'

/** Options of `contentSafetyStage`. */
export interface ContentSafetyStageOptions {
  /** Detectors to run (at least one); default DEFAULT_DETECTORS. */
  readonly detectors?: readonly Detector[] | undefined
}

const SECRET_TYPES = new Set<EntityType>(SECRET_ENTITY_TYPES)
const ACTIONS = new Set<string>(CONTENT_ACTIONS)

function deciderFor(context: MessageContext): ContentDecider {
  const obligations = context.decision?.obligations ?? context.requestDecision?.obligations
  if (obligations === undefined) return (type) => (SECRET_TYPES.has(type) ? 'block' : 'redact')
  return (type) => {
    const action: unknown = obligations.contentActions?.[type] ?? obligations.defaultContentAction
    return typeof action === 'string' && ACTIONS.has(action) ? (action as ContentAction) : 'block'
  }
}

/** Keeps `operation` in step with a rewritten message, so later stages and the audit never see the raw values. */
function updatedOperation(operation: Operation, message: JsonRpcMessage): Operation {
  if (operation.kind === 'tool' || operation.kind === 'prompt') {
    const args = valueAt(message, ['params', 'arguments'])
    return isJsonObject(args) ? { ...operation, arguments: args } : operation
  }
  if (operation.kind === 'completion') {
    const args = valueAt(message, ['params', 'context', 'arguments'])
    return isJsonObject(args) ? { ...operation, arguments: args } : operation
  }
  if (operation.kind === 'resource') {
    const uri = valueAt(message, ['params', 'uri'])
    return typeof uri === 'string' ? { ...operation, uri } : operation
  }
  return operation
}

function modificationsAfter(context: MessageContext, applied: readonly Finding[]): MessageContext['modifications'] {
  const modifications = new Set(context.modifications)
  if (applied.some((finding) => finding.action === 'redact')) modifications.add('redacted')
  if (applied.some((finding) => finding.action === 'mask')) modifications.add('masked')
  return modifications.size === context.modifications.length ? context.modifications : [...modifications]
}

function inspect(context: MessageContext, detectors: readonly Detector[]): Verdict {
  const decide = deciderFor(context)
  let message = context.message
  const applied: Finding[] = []
  const blocked = new Set<EntityType>()
  for (const target of scanTargets(context)) {
    const value = valueAt(context.message, target.location)
    if (value === undefined) continue
    const findings = scanJson(value, { detectors, key: target.key })
    if (findings.length === 0) continue
    const result = applyContentActions(value, findings, decide)
    for (const finding of result.applied) applied.push({ ...finding, path: target.base + finding.path })
    for (const type of result.blocked) blocked.add(type)
    if (result.value !== value) message = replaceAt(message, target.location, result.value)
  }
  // The fast path: nothing found, so the very same context goes on (no copy of the message).
  if (applied.length === 0) return { action: 'pass', context }
  const findings = [...context.findings, ...applied]
  if (blocked.size > 0) {
    const kind = context.direction === 'to-server' ? 'request' : 'result'
    return { action: 'deny', error: contentBlockedError([...blocked], kind), context: { ...context, findings } }
  }
  if (message === context.message) return { action: 'pass', context: { ...context, findings } }
  const operation = updatedOperation(context.operation, message)
  return { action: 'pass', context: { ...context, message, operation, findings, modifications: modificationsAfter(context, applied) } }
}

/**
 * Creates the content-safety stage. Throws TypeError when `detectors` is not a non-empty array of detectors.
 * Deny errors are `ERR_CONTENT_BLOCKED` with `details.types` (the blocked types) and never the values.
 *
 * @example
 * const pipeline = createPipeline({ stages: [identityStage(…), policyStage(…), contentSafetyStage(), limitsStage(…)], audit })
 */
export function contentSafetyStage(options: ContentSafetyStageOptions = {}): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const detectors = options.detectors ?? DEFAULT_DETECTORS
  assertDetectors(detectors, '"detectors"')
  if (detectors.length === 0) throw new TypeError('"detectors" must list at least one detector; leave it out to use DEFAULT_DETECTORS')
  const chosen = Object.freeze([...detectors])
  return { name: 'content-safety', process: (context) => inspect(context, chosen) }
}
