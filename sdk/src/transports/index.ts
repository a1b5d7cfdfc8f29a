/**
 * sdk/src/transports/index.ts — upstream and host-side transports: newline-delimited JSON-RPC over streams,
 * and an MCP server run as a child process.
 */

export { NdjsonStreamTransport } from './ndjson-stream-transport.js'
export type { FrameErrorHandler, NdjsonStreamTransportOptions } from './ndjson-stream-transport.js'
export { StdioChildTransport } from './stdio-child-transport.js'
export type { StdioChildTransportOptions } from './stdio-child-transport.js'
export { filterServerEnvironment } from './filter-server-environment.js'
