/**
 * desktop/src/cli/logger.ts — one-line diagnostics on stderr. MCP hosts keep a server's stderr in their logs
 * (Claude Desktop: mcp-server-NAME.log), so this is where people and support look. Never log tokens, argument
 * values or detected PII: log codes, names and counts.
 */
import type { Writable } from 'node:stream'

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface Logger {
  error(message: string): void
  warn(message: string): void
  info(message: string): void
  debug(message: string): void
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)
}

/**
 * @example
 * const log = createLogger(process.stderr, 'proxy', 'info')
 * log.warn('the MCP server exited with code 1')   // → "mcp-warden proxy: warn: the MCP server exited with code 1"
 */
export function createLogger(stream: Writable, component: string, level: LogLevel = 'info'): Logger {
  const threshold = LOG_LEVELS.indexOf(level)
  const write = (at: LogLevel, message: string): void => {
    if (LOG_LEVELS.indexOf(at) <= threshold) stream.write(`mcp-warden ${component}: ${at}: ${message}\n`)
  }
  return {
    error: (message) => write('error', message),
    warn: (message) => write('warn', message),
    info: (message) => write('info', message),
    debug: (message) => write('debug', message),
  }
}
