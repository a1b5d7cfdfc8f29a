/**
 * shared/src/jsonrpc/index.ts — the JSON-RPC model and its stdio framing, as one import for the package entry.
 */

export type {
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
} from './message.js'
export {
  errorResponse,
  isJsonObject,
  isJsonRpcErrorResponse,
  isJsonRpcMessage,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  isJsonRpcResultResponse,
  readId,
} from './message.js'
export type { Frame, FrameReader, FrameReaderOptions } from './framing.js'
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, createFrameReader, serializeFrame } from './framing.js'
