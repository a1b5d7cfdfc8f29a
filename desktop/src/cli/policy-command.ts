/**
 * desktop/src/cli/policy-command.ts — `mcp-warden policy SUBCOMMAND`: a small dispatcher; each subcommand lives in
 * desktop/src/cli/policy/<name>.ts with its own help, and is loaded only when used.
 */
import { EXIT_CODE, type ExitCode } from '@mcp-warden/core'
import type { CliIo } from './io.js'

export const POLICY_HELP = `Usage: mcp-warden policy <subcommand> [options]

Work with the organisation's policy.

Subcommands:
  keygen    create a key pair for signing policy bundles (prints the public key for the settings)
  sign      sign a policy document into a bundle to publish at the settings' policy.url
  verify    check a bundle as a desktop would (signature, key, expiry, revision)
  check     report every error with its location; warn on rules that never match or match everything
  diff      list the (subject, tool) pairs a new revision grants or removes
  explain   the decision for a user and a tool, and the rules that made it

Run \`mcp-warden policy <subcommand> --help\` for its options. Publishing: docs/policy-distribution.md.
`

interface Subcommand {
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>
  readonly help: () => Promise<string>
}

/** Subcommands by name; add one with a file in ./policy/ and a line here. */
export const POLICY_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  keygen: {
    run: async (argv, io) => (await import('./policy/keygen.js')).keygenCommand(argv, io),
    help: async () => (await import('./policy/keygen.js')).KEYGEN_HELP,
  },
  sign: {
    run: async (argv, io) => (await import('./policy/sign.js')).signCommand(argv, io),
    help: async () => (await import('./policy/sign.js')).SIGN_HELP,
  },
  verify: {
    run: async (argv, io) => (await import('./policy/verify.js')).verifyCommand(argv, io),
    help: async () => (await import('./policy/verify.js')).VERIFY_HELP,
  },
  check: {
    run: async (argv, io) => (await import('./policy/check.js')).run(argv, io),
    help: async () => (await import('./policy/check.js')).HELP,
  },
  diff: {
    run: async (argv, io) => (await import('./policy/diff.js')).run(argv, io),
    help: async () => (await import('./policy/diff.js')).HELP,
  },
  explain: {
    run: async (argv, io) => (await import('./policy/explain.js')).run(argv, io),
    help: async () => (await import('./policy/explain.js')).HELP,
  },
}

/**
 * @example
 * const code = await policyCommand(['sign', 'policy.yaml', '--key', 'key.jwk'], io)
 */
export async function policyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv
  if (name === undefined || name === '-h' || name === '--help') {
    ;(name === undefined ? io.stderr : io.stdout).write(POLICY_HELP)
    return name === undefined ? EXIT_CODE.USAGE : EXIT_CODE.OK
  }
  const subcommand = POLICY_SUBCOMMANDS[name]
  if (subcommand === undefined) {
    io.stderr.write(`mcp-warden policy: unknown subcommand "${name}". Run \`mcp-warden policy --help\` for the list.\n`)
    return EXIT_CODE.USAGE
  }
  return subcommand.run(rest, io)
}
