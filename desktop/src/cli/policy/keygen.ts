/**
 * desktop/src/cli/policy/keygen.ts — `mcp-warden policy keygen`: a new policy signing key pair.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EXIT_CODE, WardenError, type ExitCode, type PolicyBundleAlgorithm } from '@mcp-warden/core'
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { CliIo } from '../io.js'
import { parseSubcommandArgs, usage } from './policy-files.js'

export const KEYGEN_HELP = `Usage: mcp-warden policy keygen --out KEY.jwk [--alg ES256|EdDSA] [--kid KID]

Creates a key pair for signing policy bundles. The PRIVATE key is written to KEY.jwk (mode 0600; an existing
file is never overwritten): keep it where only the people who publish policy can read it. The PUBLIC key is
printed on stdout: put it in the settings' policy.signingKeys.

Options:
  --out FILE   where to write the private JWK (required)
  --alg ALG    ES256 (EC P-256, default) or EdDSA (Ed25519)
  --kid KID    the key id bundles will name. Default: the key's RFC 7638 thumbprint
  -h, --help   show this help
`

/**
 * @example
 * await keygenCommand(['--out', 'policy-key.jwk', '--kid', 'policy-2026'], io)   // prints the public JWK
 */
export async function keygenCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseSubcommandArgs(argv, 'keygen', {
    out: { type: 'string' },
    alg: { type: 'string' },
    kid: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) {
    io.stdout.write(KEYGEN_HELP)
    return EXIT_CODE.OK
  }
  if (positionals.length > 0) throw usage('keygen', `Unexpected argument "${positionals[0]}".`)
  if (values.out === undefined) throw usage('keygen', '--out FILE is required: where to write the private key.')
  const alg = (values.alg ?? 'ES256') as PolicyBundleAlgorithm
  if (alg !== 'ES256' && alg !== 'EdDSA') throw usage('keygen', '--alg must be ES256 or EdDSA.')
  if (values.kid === '') throw usage('keygen', '--kid must not be empty.')
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
  const publicJwk = await exportJWK(pair.publicKey)
  const kid = values.kid ?? (await calculateJwkThumbprint(publicJwk))
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg }
  const path = resolve(io.cwd, values.out)
  try {
    await writeFile(path, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new WardenError('ERR_CONFIG_INVALID', code === 'EEXIST' ? `${path} exists: choose another --out (a key is never overwritten).` : `Cannot write ${path} (${code ?? 'error'}).`, { cause })
  }
  io.stderr.write(`Private key written to ${path}. Public key for policy.signingKeys in the settings:\n`)
  io.stdout.write(`${JSON.stringify({ ...publicJwk, kid, alg })}\n`)
  return EXIT_CODE.OK
}
