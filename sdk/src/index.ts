/**
 * @mcp-warden/sdk — the MCP edge of MCP Warden: the governed bridge between two MCP Transports, the governed
 * Transport/Client wrappers for custom apps, and the upstream stdio transports the proxy uses.
 */
export { createBridge } from './bridge.js'
export type { Bridge, BridgeOptions, Governance, Side } from './bridge.js'
export { GovernedTransport, governClient } from './governed-transport.js'
export type { GovernTransportOptions } from './governed-transport.js'
export { createSessionGovernance } from './session-governance.js'
export type { SessionGovernanceOptions } from './session-governance.js'
export { filterServerEnvironment, NdjsonStreamTransport, StdioChildTransport } from './transports/index.js'
export type { FrameErrorHandler } from './transports/index.js'
