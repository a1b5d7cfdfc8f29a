/**
 * @mcp-warden/core — the governance core of MCP Warden: JSON-RPC model and framing, the pipeline and its
 * stages (identity, policy, content safety, limits), audit sinks and the error model. No Electron, no MCP SDK.
 */
export { WardenError, isWardenError } from './errors.js'
export type {
  Frame,
  FrameReader,
  FrameReaderOptions,
  JsonObject,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcId,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcResultResponse,
  JsonValue,
} from './jsonrpc/index.js'
export {
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_MESSAGE_BYTES,
  createFrameReader,
  errorResponse,
  isJsonObject,
  isJsonRpcErrorResponse,
  isJsonRpcMessage,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  isJsonRpcResultResponse,
  readId,
  serializeFrame,
} from './jsonrpc/index.js'
export { EXIT_CODE, JSON_RPC_CODE, isWireErrorCode, toExitCode, toWireCode } from './errors.js'
export type { ErrorCode, ExitCode, LocalErrorCode, StageName, WardenErrorOptions, WireErrorCode } from './errors.js'
export { classifyMessage, operationMethod, operationTarget } from './pipeline/classify.js'
export { META_KEY, renderDenial, toErrorResponse } from './pipeline/denial.js'
export type { Denial } from './pipeline/denial.js'
export { createPipeline } from './pipeline/pipeline.js'
export type { Outcome, Pipeline, PipelineOptions } from './pipeline/pipeline.js'
export { systemClock } from './pipeline/types.js'
export type {
  BudgetSpec,
  Clock,
  Direction,
  Finding,
  Identity,
  MessageContext,
  Obligations,
  Operation,
  PolicyDecision,
  RateLimitSpec,
  SessionInfo,
  Stage,
  Verdict,
} from './pipeline/types.js'
export type { AuditFinding, AuditIdentity, AuditRecord, AuditSink } from './audit/record.js'
export {
  applyContentActions,
  CONTENT_ACTIONS,
  contentSafetyStage,
  createFindingHasher,
  createRegexDetector,
  createTokenVault,
  DEFAULT_DETECTORS,
  ENTITY_TYPES,
  FINDING_HASH_KEY_MIN_BYTES,
  isEntityType,
  parseJsonPointer,
  PII_ENTITY_TYPES,
  scanJson,
  SECRET_ENTITY_TYPES,
} from './content-safety/index.js'
export type {
  ContentAction,
  ContentActionResult,
  ContentSafetyStageOptions,
  Detector,
  DetectorContext,
  EntityType,
  FindingHasher,
  PiiEntityType,
  ScanFinding,
  ScanJsonOptions,
  SecretEntityType,
  Span,
  TokenVault,
  TokenVaultOptions,
} from './content-safety/index.js'
export {
  createTokenVerifier,
  DEFAULT_ALGORITHMS,
  IDENTITY_META_KEY,
  identityMetaStage,
  IDP_UNREACHABLE_MESSAGE,
  identityStage,
  SIGNED_OUT_EXPIRED_MESSAGE,
  SIGNED_OUT_MESSAGE,
} from './identity/index.js'
export type { ClaimsMapping, IdentityMeta, IdentityMetaStageOptions, IdentityStageOptions, TokenVerifier, TokenVerifierOptions } from './identity/index.js'
export { assertBudgetArguments, assertRateArguments, createMemoryLimitStore, budgetPeriodEnd, budgetPeriodKey, limitsStage, openFileLimitStore } from './limits/index.js'
export type { BudgetResult, FileLimitStore, FileLimitStoreOptions, LimitsStageOptions, LimitStore, MemoryLimitStoreOptions, RateResult, RateWindow } from './limits/index.js'
export {
  appendCheckpoint,
  chainHash,
  checkpointSigningKey,
  CHECKPOINTS_FILE,
  createChainedAuditLog,
  createFileAuditSink,
  createMemoryAuditSink,
  generateCheckpointJwk,
  GENESIS_HASH,
  listAuditFiles,
  peekCheckpoint,
  readAuditFile,
  readCheckpoints,
  verifyAuditLog,
  verifyCheckpoint,
} from './audit/index.js'
export type {
  AuditFileChunk,
  AuditFileName,
  AuditLogEntry,
  AuditLogEvent,
  AuditProblem,
  AuditProblemKind,
  AuditVerifyReport,
  ChainedAuditLog,
  ChainedAuditLogOptions,
  ChainedLine,
  CheckpointClaims,
  CheckpointLine,
  CheckpointReport,
  CheckpointSigningKey,
  FileAuditSinkOptions,
  MemoryAuditSink,
  SignedCheckpoint,
} from './audit/index.js'
export { createPolicyBundleVerifier, pinnedAlgorithm, POLICY_BUNDLE_ALGORITHMS, POLICY_BUNDLE_TYPE, signPolicyBundle, verifyPolicyBundle } from './policy/index.js'
export type { BundleRejection, PolicyBundleAlgorithm, PolicyBundleVerifier, SignPolicyBundleOptions, VerifiedPolicyBundle, VerifyBundleOptions } from './policy/index.js'
export {
  diffPolicies,
  evaluatePolicy,
  explainPinProblem,
  explainServerRefusal,
  lintPolicy,
  mayList,
  parsePolicy,
  policyJsonSchema,
  policyStage,
  reviewTools,
  serverAllowListStage,
  serverRefusal,
  toolDefinitionHash,
  toolInstructionSignals,
  toolPinsStage,
} from './policy/index.js'
export type {
  ApprovalChange,
  CompiledPolicy,
  DiffSubject,
  GrantPair,
  PinProblem,
  PolicyDiff,
  PolicyDocument,
  PolicyFormat,
  PolicyRequest,
  PolicyRule,
  PolicyStageOptions,
  PolicyWarning,
  ServerAllowListStageOptions,
  ServerRefusal,
  ToolPinsStageOptions,
  ToolReview,
  ToolReviewStatus,
  UpstreamFacts,
} from './policy/index.js'
export { canonicalJson } from './canonical-json.js'
export { createStandardPipeline } from './standard-pipeline.js'
export type { StandardPipelineOptions } from './standard-pipeline.js'
export { approvalStage } from './approvals/approval-stage.js'
export { ARGUMENTS_PREVIEW_MAX_BYTES, previewArguments } from './approvals/arguments-preview.js'
export type { ApprovalAnswer, ApprovalRequest, ApprovalStageOptions } from './approvals/approval-stage.js'
