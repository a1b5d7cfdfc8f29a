/**
 * desktop/src/agent/protocol/index.ts — the agent protocol, shared by the server and the client.
 */
export { agentSocketFor, agentSocketPath, isNamedPipe } from './socket-path.js'
export type { SocketUser } from './socket-path.js'
export { AGENT_METHODS, AGENT_PROTOCOL, isAgentMethod } from './methods.js'
export type { AgentMethod, AgentParams, AgentResult, HelloParams, HelloResult } from './methods.js'
export { MAX_FRAME_BYTES, MAX_FRAME_DEPTH, createAgentFrameReader, encodeFrame, errorFrame, requestFrameSchema, responseFrameSchema } from './frames.js'
export type { RequestFrame, ResponseFrame } from './frames.js'
export { negotiateProtocol } from './negotiate.js'
