/**
 * shared/src/standard-pipeline.ts — the pipeline every Warden edge runs: identity → (server allow-list, when the
 * upstream is known) → policy → tool pins → content safety → limits (→ identity on `_meta`, when asked), then audit. One assembly, so the proxy and the SDK cannot drift apart.
 *
 * Order matters: policy needs the identity; content safety and limits take their obligations from the policy
 * decision; limits run after them so a call blocked for its content does not spend the user's rate limit or
 * budget; tool pins run after policy, so a list is first cut to what the user may use and a call the policy denies
 * is explained by its rule; the identity is attached to `_meta` after every decision, so content safety never sees it.
 */
import type { AuditSink } from './audit/record.js'
import { contentSafetyStage } from './content-safety/content-safety-stage.js'
import type { TokenVault } from './content-safety/token-vault.js'
import { identityMetaStage, type IdentityMetaStageOptions } from './identity/identity-meta-stage.js'
import { identityStage, type IdentityStageOptions } from './identity/identity-stage.js'
import type { LimitStore } from './limits/limit-store.js'
import { limitsStage } from './limits/limits-stage.js'
import { createPipeline, type Pipeline } from './pipeline/pipeline.js'
import type { Clock } from './pipeline/types.js'
import type { CompiledPolicy } from './policy/compiled-policy.js'
import { policyStage } from './policy/policy-stage.js'
import { approvalStage, type ApprovalStageOptions } from './approvals/approval-stage.js'
import { serverAllowListStage, type UpstreamFacts } from './policy/tool-pins/server-allow-list.js'
import { toolPinsStage } from './policy/tool-pins/tool-pins-stage.js'

export interface StandardPipelineOptions {
  /** The token for a message: from the environment (headless proxy), the agent, or an SDK session. */
  readonly resolveToken: IdentityStageOptions['resolveToken']
  readonly verifier: IdentityStageOptions['verifier']
  /** The policy, or a function returning the one in force now (a refresh applies to the next message). */
  readonly policy: CompiledPolicy | (() => CompiledPolicy)
  readonly limitStore: LimitStore
  readonly audit: AuditSink
  /**
   * Values replaced by `tokenize` for this session. One per session and per identity, never shared: restoring
   * placeholders hands the values back to whoever holds the vault. Default: a new one for this pipeline.
   */
  readonly vault?: TokenVault | undefined
  /** The organisation's key for the keyed hashes of findings (settings `audit.findingHashKey`); none: no `hash`. */
  readonly findingHashKey?: Uint8Array | undefined
  /**
   * Attach the verified identity to every request to the server under `_meta` (for stdio servers, which have no
   * other way to learn who calls): `true` for the defaults, or the key and an audience-bound token source.
   * Default false: an HTTP server learns the caller from its own bearer token.
   */
  readonly attachIdentity?: boolean | IdentityMetaStageOptions | undefined
  /**
   * What this edge runs (the proxy knows: its `-- COMMAND…` or `--url`). When given, a policy's `serverAllowList`
   * is enforced; an edge that does not know its upstream (an SDK client) cannot enforce it.
   */
  readonly upstream?: UpstreamFacts | undefined
  /**
   * Asks a person about calls a rule marks `effect: ask` (see `approvalStage`). Without it such calls are denied.
   */
  readonly approve?: ApprovalStageOptions['approve'] | undefined
  readonly clock?: Clock | undefined
  readonly newId?: (() => string) | undefined
  readonly onError?: ((error: unknown) => void) | undefined
}

/**
 * @example
 * const pipeline = createStandardPipeline({
 *   resolveToken: () => process.env.MCP_WARDEN_TOKEN,
 *   verifier: createTokenVerifier({ issuer, audience: clientId }),
 *   policy: parsePolicy(text),
 *   limitStore: createMemoryLimitStore(),
 *   audit: createFileAuditSink('audit.jsonl'),
 *   attachIdentity: true, // a stdio server: params._meta['dev.mcpwarden/identity'] = { iss, sub, email, groups }
 * })
 */
export function createStandardPipeline(options: StandardPipelineOptions): Pipeline {
  const { clock, attachIdentity = false } = options
  return createPipeline({
    stages: [
      identityStage({ resolveToken: options.resolveToken, verifier: options.verifier }),
      ...(options.upstream === undefined ? [] : [serverAllowListStage({ policy: options.policy, upstream: options.upstream })]),
      policyStage({ policy: options.policy, approvals: options.approve !== undefined }),
      toolPinsStage({ policy: options.policy }),
      ...(options.approve === undefined ? [] : [approvalStage({ approve: options.approve })]),
      contentSafetyStage({ vault: options.vault, findingHashKey: options.findingHashKey }),
      limitsStage(clock === undefined ? { store: options.limitStore } : { store: options.limitStore, clock }),
      ...(attachIdentity === false ? [] : [identityMetaStage(attachIdentity === true ? {} : attachIdentity)]),
    ],
    audit: options.audit,
    ...(clock === undefined ? {} : { clock }),
    ...(options.newId === undefined ? {} : { newId: options.newId }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  })
}
