/**
 * desktop/src/cli/policy/verify.ts — `mcp-warden policy verify`: checks a bundle as a desktop would.
 */
import { EXIT_CODE, verifyPolicyBundle, type ExitCode } from '@mcp-warden/core'
import type { CliIo } from '../io.js'
import { parseSubcommandArgs, readInput, readJwks, usage } from './policy-files.js'

export const VERIFY_HELP = `Usage: mcp-warden policy verify BUNDLE --keys KEYS.json [--min-revision N]

Checks the bundle BUNDLE exactly as a desktop does: signature by one of KEYS (a JWK, an array of JWKs or a JWK
Set: the settings' policy.signingKeys), algorithm, expiry, and that the policy inside loads. Exit code 0 when it
would be accepted; 1 with the reason (ERR_POLICY_INVALID) when not.

Options:
  --keys FILE          the public keys
  --min-revision N     also refuse revisions below N (what a desktop that accepted N would do)
  -h, --help           show this help
`

/**
 * @example
 * await verifyCommand(['policy.jws', '--keys', 'keys.json'], io)   // "revision 42, key policy-2026, …"
 */
export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseSubcommandArgs(argv, 'verify', {
    keys: { type: 'string' },
    'min-revision': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) {
    io.stdout.write(VERIFY_HELP)
    return EXIT_CODE.OK
  }
  const [file, ...extra] = positionals
  if (file === undefined || extra.length > 0) throw usage('verify', 'Give exactly one BUNDLE file.')
  if (values.keys === undefined) throw usage('verify', '--keys KEYS.json is required.')
  const min = values['min-revision']
  if (min !== undefined && !/^[1-9]\d{0,14}$/.test(min)) throw usage('verify', '--min-revision must be a positive whole number.')
  const keys = await readJwks(values.keys, io.cwd, 'keys file')
  const jws = await readInput(file, io.cwd, 'bundle')
  let bundle
  try {
    bundle = await verifyPolicyBundle(jws, { keys, minRevision: min === undefined ? undefined : Number(min), now: Math.floor(Date.now() / 1000) })
  } catch (error) {
    if (error instanceof TypeError) throw usage('verify', error.message.replace(/^createPolicyBundleVerifier: /, 'the keys: '))
    throw error
  }
  const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()
  io.stdout.write(`OK: revision ${bundle.revision}, signed with key "${bundle.kid}", issued ${iso(bundle.issuedAt)}, expires ${iso(bundle.expiresAt)}.\n`)
  return EXIT_CODE.OK
}
