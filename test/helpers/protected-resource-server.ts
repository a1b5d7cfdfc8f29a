/**
 * test/helpers/protected-resource-server.ts — a real Streamable HTTP MCP server with its own authorization server
 * (test/fixtures/protected-resource-server.mjs), in its own process: it names `issuer` in its protected-resource
 * metadata and accepts only that issuer's access tokens whose audience is its own URL.
 *
 * @example
 * const server = await startProtectedResourceServer(serverAs.issuer, join(dir, 'wiki.jsonl'))
 * expect((await server.entries()).filter((e) => e.tool === 'echo')).toHaveLength(1)
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const SERVER = fileURLToPath(new URL('../fixtures/protected-resource-server.mjs', import.meta.url))

export interface ProtectedResourceServer {
  readonly url: string
  /** What the server recorded: accepted calls (`tool`, `sub`, `aud`, `clientId`) and refused requests (`refused`, `reason`). */
  entries(): Promise<Record<string, unknown>[]>
  stop(): Promise<void>
}

export async function startProtectedResourceServer(issuer: string, log: string): Promise<ProtectedResourceServer> {
  const child = spawn(process.execPath, [SERVER, issuer, log], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const lines = createInterface({ input: child.stdout! })
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the test server exited with ${code}`)))
  })
  lines.close()
  return {
    url: (JSON.parse(first) as { url: string }).url,
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
