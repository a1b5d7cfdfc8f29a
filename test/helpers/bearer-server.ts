/**
 * test/helpers/bearer-server.ts — real Streamable HTTP MCP servers in their own processes, launched the same way:
 * test/fixtures/bearer-http-server.mjs accepts only an access token from the given issuer whose audience is its own
 * URL; in its `protected-resource` mode it also names that issuer as its own authorization server (RFC 9728).
 *
 * @example
 * const server = await startBearerServer(idp.issuer, join(dir, 'crm.jsonl'))
 * // ... calls through `mcp-warden proxy --url ${server.url}` ...
 * expect((await server.entries()).filter((e) => e.tool === 'echo')).toHaveLength(1)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('../fixtures/bearer-http-server.mjs', import.meta.url))

export interface BearerServer {
  readonly url: string
  readonly child: ChildProcess
  /** What the server recorded: accepted calls (`tool`, `sub`, `aud`, and `clientId` for the protected-resource one) and refused HTTP requests (`refused`, `reason`). */
  entries(): Promise<Record<string, unknown>[]>
  stop(): Promise<void>
}

/** Starts the server on a free port of 127.0.0.1; it appends what it sees to `log` as JSON lines. */
export async function startBearerServer(issuer: string, log: string, kind: 'bearer' | 'protected-resource' = 'bearer'): Promise<BearerServer> {
  const child = spawn(process.execPath, [SERVER, issuer, log, kind], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const lines = createInterface({ input: child.stdout! })
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the test server exited with ${code}`)))
  })
  lines.close()
  return {
    url: (JSON.parse(first) as { url: string }).url,
    child,
    async entries() {
      const text = await readFile(log, 'utf8').catch(() => '')
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
