/**
 * desktop/src/cli/policy/usage.ts — argument parsing shared by the `policy` tools: strict `parseArgs`, and
 * `ERR_USAGE` errors that name the command's help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { WardenError } from '@mcp-warden/core'

/**
 * Parses `argv` strictly; unknown flags and missing values are `ERR_USAGE` errors.
 *
 * @example const { values, positionals } = parsePolicyArgs('check', argv, { tools: { type: 'string' } })
 */
export function parsePolicyArgs<O extends NonNullable<ParseArgsConfig['options']>>(verb: string, argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } })
  } catch (cause) {
    throw usage(verb, (cause as Error).message)
  }
}

/** An `ERR_USAGE` error for `mcp-warden policy VERB`. */
export function usage(verb: string, message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden policy ${verb} --help\` for usage.`)
}
