/**
 * desktop/src/cli/cli.ts — wires the real process to `main`. The only file of the CLI with side effects.
 */
import type { ExitCode } from '@mcp-warden/core'
import { main } from './main.js'

export async function runCli(): Promise<ExitCode> {
  const stop = new AbortController()
  const onSignal = (): void => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  // A host that goes away closes our stdout: EPIPE there must end the proxy quietly, not crash it.
  process.stdout.on('error', () => stop.abort())
  const code = await main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stopSignal: stop.signal,
  })
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  return code
}
