/**
 * desktop/src/agent/protocol/frames.ts — the envelopes of the agent protocol: newline-delimited JSON, one
 * request `{ v: 1, id, method, params }` or one response `{ v: 1, id, ok, result | error }` per line.
 *
 * Lines are read with the core's frame reader (size and nesting limits, never more than the limit in memory).
 * `v` is the envelope's version; which methods exist is negotiated separately by `hello` (AGENT_PROTOCOL).
 */
import { createFrameReader, type ErrorCode, type FrameReader } from '@mcp-warden/core'
import { z } from 'zod'
import { errorCodeSchema } from './schemas.js'

/** Largest line either side accepts: audit records and policy snapshots are far below it. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024
/** Deepest JSON nesting either side accepts. */
export const MAX_FRAME_DEPTH = 64

const requestId = z.number().int().nonnegative()

export const requestFrameSchema = z.strictObject({
  v: z.literal(1),
  id: requestId,
  method: z.string().min(1).max(128),
  params: z.unknown(),
})

export const responseFrameSchema = z.discriminatedUnion('ok', [
  z.strictObject({ v: z.literal(1), id: requestId, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({
    v: z.literal(1),
    // null: a line so broken that its id could not be read
    id: requestId.nullable(),
    ok: z.literal(false),
    error: z.strictObject({ code: errorCodeSchema, message: z.string().max(4096) }),
  }),
])

export type RequestFrame = z.output<typeof requestFrameSchema>
export type ResponseFrame = z.output<typeof responseFrameSchema>

/** A frame reader with the protocol's limits. */
export function createAgentFrameReader(): FrameReader {
  return createFrameReader({ maxMessageBytes: MAX_FRAME_BYTES, maxDepth: MAX_FRAME_DEPTH })
}

/** One line on the wire. */
export function encodeFrame(frame: RequestFrame | ResponseFrame): string {
  return `${JSON.stringify(frame)}\n`
}

/** A failure response. Messages are WardenError messages: they never hold tokens or argument values. */
export function errorFrame(id: number | null, code: ErrorCode, message: string): ResponseFrame {
  return { v: 1, id, ok: false, error: { code, message } }
}
