/**
 * desktop/src/cli/testing/test-io.ts — a CliIo over in-memory streams for tests of CLI commands: what a command
 * printed, and a wait for a line it will print (no fixed delays). Test-only: excluded from the build.
 */
import { PassThrough } from 'node:stream'
import type { CliIo } from '../io.js'

export interface TestIo extends CliIo {
  out(): string
  err(): string
  /** Resolves when stdout has shown `text`. */
  printed(text: string): Promise<void>
  /** Resolves when stderr has shown `text`. */
  logged(text: string): Promise<void>
}

function waitFor(stream: PassThrough, text: () => string, wanted: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!text().includes(wanted)) return
      stream.off('data', check)
      resolve()
    }
    stream.on('data', check)
    check()
  })
}

/**
 * @example
 * const io = createTestIo({ env: { MCP_WARDEN_DEV_SETTINGS: file } })
 * expect(await main(['status'], io)).toBe(1)
 */
export function createTestIo(options: { stopSignal?: AbortSignal | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): TestIo {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stopSignal: options.stopSignal,
    out: () => out,
    err: () => err,
    printed: (text) => waitFor(stdout, () => out, text),
    logged: (text) => waitFor(stderr, () => err, text),
  }
}
