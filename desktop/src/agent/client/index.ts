/**
 * desktop/src/agent/client/index.ts — talking to the per-user agent from a proxy.
 */
export { connectAgent } from './agent-client.js'
export type { AgentClient, ConnectAgentOptions } from './agent-client.js'
export { ensureAgent, spawnDetachedAgent } from './ensure-agent.js'
export type { EnsureAgentOptions } from './ensure-agent.js'
export { createRemoteAuditSink, createRemoteLimitStore, type RemoteAuditSinkOptions } from './remote-stores.js'
