/**
 * desktop/src/proxy/policy-file.ts — a policy read from a local file (development and headless setups; the
 * central, signed policy replaces it once the agent fetches one).
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parsePolicy, WardenError, type CompiledPolicy } from '@mcp-warden/core'

/** Reads and compiles a policy file; every error names the file and what to fix. */
export async function loadPolicyFile(path: string): Promise<CompiledPolicy> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `Cannot read the policy file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause })
  }
  try {
    return parsePolicy(text, extname(path) === '.json' ? 'json' : 'yaml')
  } catch (cause) {
    if (cause instanceof WardenError) throw new WardenError(cause.code, `${path}: ${cause.message}`, { cause })
    throw cause
  }
}
