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
export { CONTENT_ACTIONS, ENTITY_TYPES, PII_ENTITY_TYPES, SECRET_ENTITY_TYPES, isEntityType } from './content-safety/entities.js'
export type { ContentAction, EntityType, PiiEntityType, SecretEntityType } from './content-safety/entities.js'
