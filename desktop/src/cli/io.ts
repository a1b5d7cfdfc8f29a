/**
 * desktop/src/cli/io.ts — what a CLI command may touch, passed in so tests call commands directly.
 * stdout carries only protocol frames (proxy) or the command's result; every log line goes to stderr.
 */
import type { Readable, Writable } from 'node:stream'

export interface CliIo {
  readonly stdin: Readable
  readonly stdout: Writable
  readonly stderr: Writable
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); commands clean up and return. */
  readonly stopSignal?: AbortSignal | undefined
}
