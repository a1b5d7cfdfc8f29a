/**
 * test/helpers/redis-server.ts — a real, throw-away `redis-server` on a free loopback port, no persistence.
 *
 * Tests that need it call `redisAvailability()` first: when the binary is missing they skip with a message,
 * unless MCP_WARDEN_REQUIRE_REDIS=1 (CI installs it), where the missing binary fails the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/** Whether a `redis-server` binary runs here; throws when it does not and MCP_WARDEN_REQUIRE_REDIS=1. */
export function redisAvailability(): { available: true } | { available: false; reason: string } {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  if (probe.status === 0) return { available: true }
  const reason = 'redis-server is not installed (apt-get install redis-server); the Redis limit store tests are skipped.'
  if (process.env['MCP_WARDEN_REQUIRE_REDIS'] === '1') throw new Error(`${reason.split(';')[0]}, and MCP_WARDEN_REQUIRE_REDIS=1 requires them.`)
  console.warn(reason)
  return { available: false, reason }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Starts redis-server and resolves once it logs that it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'warden-redis-'))
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
