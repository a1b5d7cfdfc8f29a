/**
 * test/helpers/agent-session.ts — what the end-to-end tests of the signed-in agent share: `mcp-warden login --device`
 * with the person approving the code at the development IdP, the agent's audit log as records, and stopping the
 * agent a proxy started.
 *
 * @example
 * expect((await loginWithDeviceCode(env, idp, 'alice')).code).toBe(0)
 * const records = await readAgentAudit(join(stateHome, 'mcp-warden', 'audit'))
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditRecord } from '../../shared/src/index.js'
import { CLI } from './cli.js'
import type { DevIdp } from './idp.js'

/** Runs `mcp-warden login --device` and approves the code it prints as `accountId`; resolves with its exit code and stdout. */
export async function loginWithDeviceCode(env: NodeJS.ProcessEnv, idp: DevIdp, accountId: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [CLI, 'login', '--device'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  let approved: Promise<void> | undefined
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    const code = /enter the code:\s+(\S+)/.exec(stdout)?.[1]
    if (code !== undefined && approved === undefined) approved = idp.approveDevice(code, accountId)
  })
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
  await approved
  return { code: exitCode, stdout }
}

/** Every record in the agent's hash-chained audit directory, in file order (chain fields included). */
export async function readAgentAudit(dir: string): Promise<AuditRecord[]> {
  // The log's files only: checkpoints.jsonl (signed checkpoints, with shipping) lives in the same directory.
  const files = (await readdir(dir)).filter((name) => /^audit-\d{8}-\d{3,}\.jsonl$/.test(name)).sort()
  const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')))
  return texts.flatMap((text) => text.trim().split('\n')).filter((line) => line !== '').map((line) => JSON.parse(line) as AuditRecord)
}

/** The pid in the lock file of the agent whose socket lives under `runtimeDir`, or undefined when none holds it. */
export function agentPid(runtimeDir: string): number | undefined {
  try {
    return Number(readFileSync(join(runtimeDir, 'mcp-warden', 'agent.lock'), 'utf8').trim())
  } catch {
    return undefined
  }
}

/** Whether `pid` is still a process running this checkout's CLI (the lock may name a pid that is gone). */
function runsCli(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(CLI)
  } catch {
    return false
  }
}

/**
 * Stops the agent under `runtimeDir` with `signal` and resolves once its process is gone (/proc says so: no fixed
 * wait). Resolves at once when no agent runs there.
 */
export function stopAgent(runtimeDir: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = agentPid(runtimeDir)
  if (pid === undefined || !runsCli(pid)) return Promise.resolve()
  process.kill(pid, signal)
  return new Promise((resolve) => {
    const check = (): void => (runsCli(pid) ? void setTimeout(check, 20) : resolve())
    check()
  })
}
