/**
 * test/helpers/cli.ts — paths to the built CLI and the published MCP servers, and a raw NDJSON driver for
 * talking to a proxy process byte by byte (for malformed and oversized input).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

/** The launcher hosts run: `node desktop/bin/mcp-warden.js`. `npm test` builds dist first. */
export const CLI = fileURLToPath(new URL('../../desktop/bin/mcp-warden.js', import.meta.url))
export const EVERYTHING_SERVER = require.resolve('@modelcontextprotocol/server-everything/dist/index.js')
export const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js')
/** The MCP Inspector 2.x launcher (`--cli` mode); its client is the SDK v2 one, a second implementation. */
export const INSPECTOR = require.resolve('@modelcontextprotocol/inspector/clients/launcher/build/index.js')

export interface RawProcess {
  readonly child: ChildProcessWithoutNullStreams
  /** Lines the process wrote to stdout, parsed. */
  readonly messages: unknown[]
  stderr(): string
  send(line: string): void
  /** Resolves with the first stdout message matching `predicate`. */
  waitFor(predicate: (message: unknown) => boolean, timeoutMs?: number): Promise<unknown>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Spawns `node <args>` with piped stdio and collects its stdout as JSON lines. */
export function spawnRaw(args: readonly string[], env: NodeJS.ProcessEnv): RawProcess {
  const child = spawn(process.execPath, [...args], { env, stdio: 'pipe' })
  const messages: unknown[] = []
  const waiters: { predicate: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = []
  let buffer = ''
  let err = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk
    let newline: number
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      const message: unknown = JSON.parse(line)
      messages.push(message)
      for (const waiter of [...waiters]) {
        if (waiter.predicate(message)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(message)
        }
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    messages,
    exited,
    stderr: () => err,
    send: (line) => void child.stdin.write(line),
    waitFor(predicate, timeoutMs = 15_000) {
      const found = messages.find(predicate)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs)
        waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) })
      })
    },
  }
}

/** Matches a response by id. */
export const byId = (id: string | number | null) => (message: unknown): boolean =>
  typeof message === 'object' && message !== null && (message as { id?: unknown }).id === id

/** Runs `node <args>` to completion with stdin closed (some CLIs wait for stdin's end before exiting). */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
