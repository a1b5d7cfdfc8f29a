/**
 * desktop/src/cli/policy/sign.ts — `mcp-warden policy sign`: a policy document into a signed bundle.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EXIT_CODE, parsePolicy, signPolicyBundle, WardenError, type ExitCode } from '@mcp-warden/core'
import type { CliIo } from '../io.js'
import { parseSubcommandArgs, readJwks, readInput, usage } from './policy-files.js'

export const SIGN_HELP = `Usage: mcp-warden policy sign FILE --key KEY.jwk [--kid KID] [--revision N] [--expires 30d] [--out BUNDLE]

Signs the policy document FILE (YAML or JSON) into a bundle (a compact JWS) that every desktop verifies against
the settings' policy.signingKeys. Publish the bundle at the settings' policy.url (any static HTTPS host).

Options:
  --key FILE      the private JWK (from \`mcp-warden policy keygen\`); ES256 or EdDSA
  --kid KID       default: the key's "kid"
  --revision N    default: the document's revision, which must be a whole number. Desktops refuse a revision
                  lower than one they already accepted, so each publication needs a higher one
  --expires D     how long desktops accept the bundle: Ns, Nm, Nh or Nd. Default 30d. Re-sign before then
  --out FILE      write the bundle there (mode 0644). Default: stdout
  -h, --help      show this help
`

const DURATION = /^(\d{1,9})([smhd])$/
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

/**
 * @example
 * await signCommand(['policy.yaml', '--key', 'policy-key.jwk', '--out', 'policy.jws'], io)
 */
export async function signCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseSubcommandArgs(argv, 'sign', {
    key: { type: 'string' },
    kid: { type: 'string' },
    revision: { type: 'string' },
    expires: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) {
    io.stdout.write(SIGN_HELP)
    return EXIT_CODE.OK
  }
  const [file, ...extra] = positionals
  if (file === undefined || extra.length > 0) throw usage('sign', 'Give exactly one policy FILE.')
  if (values.key === undefined) throw usage('sign', '--key KEY.jwk is required.')
  const duration = DURATION.exec(values.expires ?? '30d')
  if (duration === null) throw usage('sign', '--expires must be a number followed by s, m, h or d (e.g. 30d).')
  const policyText = await readInput(file, io.cwd, 'policy document')
  const document = parsePolicy(policyText)
  const revisionText = values.revision ?? document.revision
  if (!/^[1-9]\d{0,14}$/.test(revisionText)) {
    throw usage('sign', values.revision === undefined ? `The document's revision "${document.revision}" is not a whole number: set one (e.g. revision: "42"), or pass --revision.` : '--revision must be a positive whole number.')
  }
  const [key, ...more] = await readJwks(values.key, io.cwd, 'signing key')
  if (key === undefined || more.length > 0) throw usage('sign', '--key must hold exactly one private JWK.')
  const kid = values.kid ?? key.kid
  if (kid === undefined || kid === '') throw usage('sign', 'The key has no "kid": pass --kid.')
  const alg = key.crv === 'Ed25519' ? 'EdDSA' : 'ES256'
  const issuedAt = Math.floor(Date.now() / 1000)
  const expiresAt = issuedAt + Number(duration[1]) * UNIT_SECONDS[duration[2] as keyof typeof UNIT_SECONDS]
  let bundle: string
  try {
    bundle = await signPolicyBundle({ policyText, key, kid, alg, revision: Number(revisionText), issuedAt, expiresAt })
  } catch (error) {
    if (error instanceof TypeError) throw usage('sign', error.message.replace(/^signPolicyBundle: /, ''))
    throw error
  }
  if (values.out === undefined) io.stdout.write(`${bundle}\n`)
  else {
    const path = resolve(io.cwd, values.out)
    try {
      await writeFile(path, `${bundle}\n`, { mode: 0o644 })
    } catch (cause) {
      throw new WardenError('ERR_CONFIG_INVALID', `Cannot write ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause })
    }
  }
  io.stderr.write(`Signed revision ${revisionText} with key "${kid}" (${alg}); it expires ${new Date(expiresAt * 1000).toISOString()}.\n`)
  return EXIT_CODE.OK
}
