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
 *
 * `tokenize` (reversible redaction) uses the stage's TokenVault, one per session:
 *  - on the way to the server, a tokenized value becomes its placeholder (`[EMAIL_1]`);
 *  - on the way to the host, every response's `result` and `error` have the vault's placeholders turned back into
 *    the values, whenever the vault holds any, whether or not results are scanned. With `scanResults`, the scan
 *    runs first and the restore after it: the host may see its own values, and a value the server returns on its
 *    own is still caught by the scan. In a scanned result `tokenize` means `redact` (a placeholder there would be
 *    turned back into the value at once), and the finding records `redact`.
 * Placeholders the host itself sends are ordinary text on the way out (nothing special is done with them). If the
 * server returns one of this session's placeholders the host gets that value, which came from the host to begin with.
 * Server → host requests and notifications are not restored (a sampling request shows the placeholder).
 *
 * With `findingHashKey` every finding carries `hash`, the keyed hash of the value it found (finding-hash.ts),
 * computed here because this is the last place the value is known; without a key there is no `hash`.
 */
import { isJsonObject, type JsonRpcMessage } from '../jsonrpc/message.js'
import type { Finding, MessageContext, Operation, Stage, Verdict } from '../pipeline/types.js'
import { applyContentActions, findingText, type ContentDecider } from './apply-content-actions.js'
import { contentBlockedError } from './blocked-error.js'
import { assertDetectors, type Detector } from './detector.js'
import { DEFAULT_DETECTORS } from './detectors/default-detectors.js'
import { createFindingHasher, type FindingHasher } from './finding-hash.js'
import { CONTENT_ACTIONS, SECRET_ENTITY_TYPES, type ContentAction, type EntityType } from './entities.js'
import { scanJson } from './scan-json.js'
import { replaceAt, scanTargets, valueAt } from './scan-targets.js'
import { restorePlaceholders } from './restore-placeholders.js'
import { createTokenVault, isTokenVault, type TokenVault } from './token-vault.js'

/** Options of `contentSafetyStage`. */
export interface ContentSafetyStageOptions {
  /** Detectors to run (at least one); default DEFAULT_DETECTORS. */
  readonly detectors?: readonly Detector[] | undefined
  /**
   * The session's placeholders for `tokenize`. Pass the one vault of the session (proxy process, SDK session) so
   * its owner controls its lifetime; default: a new vault for this stage, living as long as the stage.
   */
  readonly vault?: TokenVault | undefined
  /**
   * The organisation's key for the keyed hashes of findings (settings `audit.findingHashKey`, at least 32 bytes).
   * Without it findings have no `hash`.
   */
  readonly findingHashKey?: Uint8Array | undefined
}

const SECRET_TYPES = new Set<EntityType>(SECRET_ENTITY_TYPES)
const ACTIONS = new Set<string>(CONTENT_ACTIONS)

function deciderFor(context: MessageContext): ContentDecider {
  const obligations = context.decision?.obligations ?? context.requestDecision?.obligations
  if (obligations === undefined) return (type) => (SECRET_TYPES.has(type) ? 'block' : 'redact')
  const toHost = context.direction === 'to-client'
  return (type) => {
    const action: unknown = obligations.contentActions?.[type] ?? obligations.defaultContentAction
    if (typeof action !== 'string' || !ACTIONS.has(action)) return 'block'
    return toHost && action === 'tokenize' ? 'redact' : (action as ContentAction)
  }
}

const RESTORED_PARTS = ['result', 'error'] as const

/** Turns the vault's placeholders in a response to the host back into the values (see the top of this file). */
function restored(context: MessageContext, message: JsonRpcMessage, vault: TokenVault): JsonRpcMessage {
  if (vault.size === 0 || context.direction !== 'to-client' || context.operation.kind !== 'response') return message
  let result = message
  for (const part of RESTORED_PARTS) {
    const value = valueAt(result, [part])
    if (value === undefined) continue
    const restoredValue = restorePlaceholders(value, vault)
    if (restoredValue !== value) result = replaceAt(result, [part], restoredValue)
  }
  return result
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
  // A tokenized value was taken out of the message as surely as a redacted one.
  if (applied.some((finding) => finding.action === 'redact' || finding.action === 'tokenize')) modifications.add('redacted')
  if (applied.some((finding) => finding.action === 'mask')) modifications.add('masked')
  return modifications.size === context.modifications.length ? context.modifications : [...modifications]
}

interface Inspection {
  readonly detectors: readonly Detector[]
  readonly vault: TokenVault
  readonly hasher: FindingHasher | undefined
}

function inspect(context: MessageContext, { detectors, vault, hasher }: Inspection): Verdict {
  const decide = deciderFor(context)
  let message = context.message
  const applied: Finding[] = []
  const blocked = new Set<EntityType>()
  for (const target of scanTargets(context)) {
    const value = valueAt(context.message, target.location)
    if (value === undefined) continue
    const findings = scanJson(value, { detectors, key: target.key })
    if (findings.length === 0) continue
    const result = applyContentActions(value, findings, decide, { vault })
    // `applied` lists the findings in the order they were given, so a finding's value is found by its index.
    result.applied.forEach((finding, i) => {
      const path = target.base + finding.path
      applied.push(hasher === undefined ? { ...finding, path } : { ...finding, path, hash: hasher(findingText(value, findings[i] as (typeof findings)[number])) })
    })
    for (const type of result.blocked) blocked.add(type)
    if (result.value !== value) message = replaceAt(message, target.location, result.value)
  }
  if (blocked.size > 0) {
    const kind = context.direction === 'to-server' ? 'request' : 'result'
    return { action: 'deny', error: contentBlockedError([...blocked], kind), context: { ...context, findings: [...context.findings, ...applied] } }
  }
  // After the scan: the scan sees what the server sent, the host gets its own values back.
  message = restored(context, message, vault)
  // The fast path: nothing found or restored, so the very same context goes on (no copy of the message).
  if (applied.length === 0 && message === context.message) return { action: 'pass', context }
  const findings = applied.length === 0 ? context.findings : [...context.findings, ...applied]
  if (message === context.message) return { action: 'pass', context: { ...context, findings } }
  const operation = updatedOperation(context.operation, message)
  return { action: 'pass', context: { ...context, message, operation, findings, modifications: modificationsAfter(context, applied) } }
}

/**
 * Creates the content-safety stage. Throws TypeError when `detectors` is not a non-empty array of detectors.
 * Deny errors are `ERR_CONTENT_BLOCKED` with `details.types` (the blocked types) and never the values.
 *
 * Throws TypeError when `vault` is given and is not a TokenVault, or `findingHashKey` is shorter than 32 bytes.
 *
 * @example
 * const vault = createTokenVault() // one per session
 * const pipeline = createPipeline({ stages: [identityStage(…), policyStage(…), contentSafetyStage({ vault }), limitsStage(…)], audit })
 */
export function contentSafetyStage(options: ContentSafetyStageOptions = {}): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const detectors = options.detectors ?? DEFAULT_DETECTORS
  assertDetectors(detectors, '"detectors"')
  if (detectors.length === 0) throw new TypeError('"detectors" must list at least one detector; leave it out to use DEFAULT_DETECTORS')
  const vault = options.vault ?? createTokenVault()
  if (!isTokenVault(vault)) throw new TypeError('"vault" must be a TokenVault (createTokenVault()) or left out')
  const hasher = options.findingHashKey === undefined ? undefined : createFindingHasher(options.findingHashKey)
  const inspection: Inspection = { detectors: Object.freeze([...detectors]), vault, hasher }
  return { name: 'content-safety', process: (context) => inspect(context, inspection) }
}
