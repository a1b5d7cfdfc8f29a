/**
 * shared/src/errors.ts — the one error model of MCP Warden.
 *
 * Three kinds, never mixed (see docs/errors.md):
 *  1. misuse of an API (bad options to a factory) → plain `TypeError`, thrown at construction;
 *  2. local operational errors (`LocalErrorCode`) → `WardenError`, shown by the CLI / app, never sent to a peer;
 *  3. decisions about a message (`WireErrorCode`) → `WardenError` inside a deny verdict, rendered on the wire.
 */

/** Codes that may be sent to an MCP peer. The string is the stable API; the number is derived from it. */
export type WireErrorCode =
  | 'ERR_INVALID_MESSAGE'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_IDENTITY_UNKNOWN'
  | 'ERR_SIGNED_OUT'
  | 'ERR_AGENT_UNAVAILABLE'
  | 'ERR_POLICY_DENIED'
  | 'ERR_POLICY_STALE'
  | 'ERR_TOOL_CHANGED'
  | 'ERR_APPROVAL_TIMEOUT'
  | 'ERR_CONTENT_BLOCKED'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_UPSTREAM_UNAVAILABLE'
  | 'ERR_INTERNAL'
  | 'ERR_KEYCHAIN_UNAVAILABLE'
  | 'ERR_IDP_UNAVAILABLE'

/** Codes for local conditions; they never cross the wire (rendered as ERR_INTERNAL if they ever reach it). */
export type LocalErrorCode = 'ERR_CONFIG_INVALID' | 'ERR_USAGE' | 'ERR_AUDIT_UNAVAILABLE' | 'ERR_POLICY_INVALID' | 'ERR_CLIENT_CONFIG'

export type ErrorCode = WireErrorCode | LocalErrorCode

/** The pipeline stages that can deny. Audit is not a gate, so it is not here. */
export type StageName =
  | 'framing'
  | 'identity'
  | 'server-allow-list'
  | 'policy'
  | 'tool-pins'
  | 'approval'
  | 'content-safety'
  | 'limits'
  | 'identity-meta'
  | 'proxy'

/**
 * JSON-RPC error numbers for each wire code. JSON-RPC reserves -32768..-32000; the two codes that mean
 * exactly what JSON-RPC means use its numbers, the rest live in -31999..-31900 (MCP allocates none there as of
 * the 2025-11-25 revision). Never reuse a number: add new codes at the end.
 */
export const JSON_RPC_CODE = {
  ERR_INVALID_MESSAGE: -32600,
  ERR_MESSAGE_TOO_LARGE: -32600,
  ERR_INTERNAL: -32603,
  ERR_POLICY_DENIED: -31901,
  ERR_IDENTITY_UNKNOWN: -31902,
  ERR_SIGNED_OUT: -31903,
  ERR_AGENT_UNAVAILABLE: -31904,
  ERR_POLICY_STALE: -31905,
  ERR_TOOL_CHANGED: -31906,
  ERR_APPROVAL_TIMEOUT: -31907,
  ERR_CONTENT_BLOCKED: -31908,
  ERR_LIMIT_EXCEEDED: -31909,
  ERR_UPSTREAM_UNAVAILABLE: -31910,
  ERR_KEYCHAIN_UNAVAILABLE: -31911,
  ERR_IDP_UNAVAILABLE: -31912,
} as const satisfies Record<WireErrorCode, number>

/** Process exit codes of the CLI: 0 clean, 1 runtime failure, 2 usage or configuration error. */
export const EXIT_CODE = { OK: 0, RUNTIME: 1, USAGE: 2 } as const
export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE]

const WIRE_CODES = new Set<string>(Object.keys(JSON_RPC_CODE))

export interface WardenErrorOptions {
  readonly stage?: StageName | undefined
  readonly cause?: unknown
  /** Non-sensitive, structured facts for the audit record (rule ids, limit names, retry-after). */
  readonly details?: Readonly<Record<string, unknown>> | undefined
}

/**
 * An error with a stable string code. Messages say what happened and what to do next; they never contain
 * argument values, detected PII or tokens.
 *
 * @example
 * throw new WardenError('ERR_POLICY_DENIED', 'Your policy does not allow "fs/write_file". Ask your administrator.', { stage: 'policy' })
 */
export class WardenError extends Error {
  readonly code: ErrorCode
  readonly stage: StageName | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: ErrorCode, message: string, options: WardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'WardenError'
    this.code = code
    this.stage = options.stage
    this.details = options.details
  }
}

/** Checks by name and code, not `instanceof`: bundles may each hold their own copy of the class. */
export function isWardenError(value: unknown): value is WardenError {
  return (
    value instanceof Error &&
    value.name === 'WardenError' &&
    typeof (value as { code?: unknown }).code === 'string'
  )
}

export function isWireErrorCode(code: string): code is WireErrorCode {
  return WIRE_CODES.has(code)
}

/** The code as it may be sent to a peer: local codes become ERR_INTERNAL. */
export function toWireCode(code: ErrorCode): WireErrorCode {
  return isWireErrorCode(code) ? code : 'ERR_INTERNAL'
}

/** CLI exit code for an error thrown out of a command. */
export function toExitCode(error: unknown): ExitCode {
  if (isWardenError(error) && (error.code === 'ERR_CONFIG_INVALID' || error.code === 'ERR_USAGE')) return EXIT_CODE.USAGE
  return EXIT_CODE.RUNTIME
}
