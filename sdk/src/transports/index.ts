/**
 * sdk/src/transports/index.ts — upstream and host-side transports: newline-delimited JSON-RPC over streams,
 * an MCP server run as a child process, and a remote Streamable HTTP server reached with a bearer token.
 */

export { NdjsonStreamTransport } from './ndjson-stream-transport.js'
export type { FrameErrorHandler, NdjsonStreamTransportOptions } from './ndjson-stream-transport.js'
export { StdioChildTransport } from './stdio-child-transport.js'
export type { StdioChildTransportOptions } from './stdio-child-transport.js'
export { filterServerEnvironment } from './filter-server-environment.js'
export { createHttpUpstreamTransport, HttpUpstreamTransport } from './http-upstream-transport.js'
export type { HttpUpstreamTransportOptions } from './http-upstream-transport.js'
export { createBearerFetch } from './bearer-fetch.js'
export type { BearerFetchOptions, UpstreamTokenRequest, UpstreamTokenSource } from './bearer-fetch.js'
