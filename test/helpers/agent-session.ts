/**
 * test/helpers/agent-session.ts — what the end-to-end tests of the signed-in agent share: `mcp-warden login --device`
 * with the person approving the code at the development IdP, and the agent's audit log as records.
 *
 * @example
 * expect((await loginWithDeviceCode(env, idp, 'alice')).code).toBe(0)
 * const records = await readAgentAudit(join(stateHome, 'mcp-warden', 'audit'))
 */
import { spawn } from 'node:child_process'
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
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort()
  const texts = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')))
  return texts.flatMap((text) => text.trim().split('\n')).filter((line) => line !== '').map((line) => JSON.parse(line) as AuditRecord)
}
