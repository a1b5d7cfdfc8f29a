/**
 * shared/src/policy/index.ts — the public surface of the policy module.
 *
 * Load a document with `parsePolicy`, decide with `evaluatePolicy` or the `policyStage`, filter lists with
 * `mayList`. The document format is described by `PolicySchema` and, for editors, shared/policy.schema.json.
 */
export { isCompiledPolicy } from './compiled-policy.js'
export type { CompiledPolicy, SessionTransport, TargetKind } from './compiled-policy.js'
export { evaluatePolicy } from './evaluate-policy.js'
export type { PolicyRequest } from './evaluate-policy.js'
export { mayList } from './may-list.js'
export { parsePolicy } from './parse-policy.js'
export type { PolicyFormat } from './parse-policy.js'
export { PolicySchema, policyJsonSchema } from './policy-schema.js'
export type {
  AllowedServerEntry,
  ApprovedToolEntry,
  PolicyArgumentsCondition,
  PolicyCondition,
  PolicyContent,
  PolicyDocument,
  PolicyRule,
  PolicySubjects,
} from './policy-schema.js'
export { policyStage } from './policy-stage.js'
export type { PolicyStageOptions } from './policy-stage.js'
export { createPolicyBundleVerifier, pinnedAlgorithm, POLICY_BUNDLE_ALGORITHMS, POLICY_BUNDLE_TYPE, signPolicyBundle, verifyPolicyBundle } from './bundle/index.js'
export type { BundleRejection, PolicyBundleAlgorithm, PolicyBundleVerifier, SignPolicyBundleOptions, VerifiedPolicyBundle, VerifyBundleOptions } from './bundle/index.js'
export { HASHED_TOOL_MEMBERS, toolDefinitionHash } from './tool-pins/tool-definition-hash.js'
export { INSTRUCTION_SIGNALS, toolInstructionSignals } from './tool-pins/tool-instructions.js'
export { explainPinProblem, toolPinsStage } from './tool-pins/tool-pins-stage.js'
export type { PinProblem, ToolPinsStageOptions } from './tool-pins/tool-pins-stage.js'
export { explainServerRefusal, serverAllowListStage, serverRefusal } from './tool-pins/server-allow-list.js'
export type { ServerAllowListStageOptions, ServerRefusal, UpstreamFacts } from './tool-pins/server-allow-list.js'
export { reviewTools } from './tool-pins/review-tools.js'
export type { ToolReview, ToolReviewStatus } from './tool-pins/review-tools.js'
export { lintPolicy } from './lint-policy.js'
export type { PolicyWarning } from './lint-policy.js'
export { diffPolicies } from './diff-policies.js'
export type { ApprovalChange, DiffSubject, GrantPair, PolicyDiff } from './diff-policies.js'
