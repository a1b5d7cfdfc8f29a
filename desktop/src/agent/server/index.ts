/**
 * desktop/src/agent/server/index.ts — the agent's socket server.
 */
export { startAgentServer } from './agent-server.js'
export type { AgentServer, AgentServerOptions } from './agent-server.js'
export { isAgentAlreadyRunning } from './agent-lock.js'
export { ensurePrivateDirectory } from './private-directory.js'
export { probeSocket } from './probe-socket.js'
