/**
 * desktop/src/cli/policy/policy-files.ts — reading the files the policy subcommands take (keys, documents,
 * bundles), with errors that name the file and what to fix.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { WardenError } from '@mcp-warden/core'
import type { JWK } from 'jose'

/** Reads a text file relative to `cwd`; ERR_CONFIG_INVALID naming it when it cannot be read. */
export async function readInput(path: string, cwd: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8')
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `Cannot read the ${what} ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause })
  }
}

/** Reads one JWK, an array of JWKs or a JWK Set (`{ keys: [...] }`). */
export async function readJwks(path: string, cwd: string, what: string): Promise<JWK[]> {
  const text = await readInput(path, cwd, what)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `The ${what} ${path} is not JSON.`, { cause })
  }
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { keys?: unknown }).keys) ? (raw as { keys: unknown[] }).keys : [raw]
  if (list.length === 0 || !list.every((key) => typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string')) {
    throw new WardenError('ERR_CONFIG_INVALID', `The ${what} ${path} must hold a JWK, an array of JWKs or a JWK Set ({ "keys": [...] }).`)
  }
  return list as JWK[]
}

/** node:util parseArgs with usage errors that point at the subcommand's help. */
export function parseSubcommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  name: string,
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true })
  } catch (cause) {
    throw usage(name, (cause as Error).message)
  }
}

export function usage(name: string, message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden policy ${name} --help\` for usage.`)
}
