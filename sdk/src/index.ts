/**
 * @mcp-warden/sdk — the MCP edge of MCP Warden: the governed bridge between two MCP Transports, the governed
 * Transport/Client wrappers for custom apps, a Redis limit store shared by an app's instances, and the upstream transports the proxy uses (a stdio child, or Streamable HTTP with a bearer token).
 */
export { createHostElicitation, isWardenRequestId, WARDEN_ID_PREFIX } from './approvals/host-elicitation.js'
export type { HostElicitation, HostElicitationOptions } from './approvals/host-elicitation.js'
export { createBridge } from './bridge.js'
export type { Bridge, BridgeOptions, Governance, Side } from './bridge.js'
export { GovernedTransport, governClient } from './governed-transport.js'
export type { GovernTransportOptions } from './governed-transport.js'
export { createRedisLimitStore } from './limits/index.js'
export type { RedisCommandClient, RedisLimitStore, RedisLimitStoreOptions } from './limits/index.js'
export { createSessionGovernance } from './session-governance.js'
export type { SessionGovernanceOptions } from './session-governance.js'
export {
  createBearerFetch,
  createHttpUpstreamTransport,
  filterServerEnvironment,
  HttpUpstreamTransport,
  NdjsonStreamTransport,
  StdioChildTransport,
} from './transports/index.js'
export type {
  BearerFetchOptions,
  FrameErrorHandler,
  HttpUpstreamTransportOptions,
  UpstreamTokenRequest,
  UpstreamTokenSource,
} from './transports/index.js'
