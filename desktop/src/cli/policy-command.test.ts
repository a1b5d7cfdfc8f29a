import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliIo } from './io.js'
import { main } from './main.js'

let dir: string

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: dir }
  const code = await main(argv, io)
  return { code, stdout: out, stderr: err }
}

const policy = (revision: string): string => `version: 1\nrevision: "${revision}"\nrules: []\n`

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-policy-cli-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('mcp-warden policy keygen | sign | verify', () => {
  it('keygen writes a private key (0600, never overwritten) and prints the public one; sign and verify round-trip', async () => {
    const keygen = await run(['policy', 'keygen', '--out', 'key.jwk', '--alg', 'EdDSA', '--kid', 'p1'])
    expect(keygen.code).toBe(0)
    const publicJwk = JSON.parse(keygen.stdout) as Record<string, unknown>
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'p1', alg: 'EdDSA' })
    expect(publicJwk).not.toHaveProperty('d')
    expect((await stat(join(dir, 'key.jwk'))).mode & 0o777).toBe(0o600)
    expect(await run(['policy', 'keygen', '--out', 'key.jwk'])).toMatchObject({ code: 2, stderr: expect.stringContaining('never overwritten') })

    await writeFile(join(dir, 'keys.json'), JSON.stringify({ keys: [publicJwk] }))
    await writeFile(join(dir, 'policy.yaml'), policy('5'))
    expect((await run(['policy', 'sign', 'policy.yaml', '--key', 'key.jwk', '--out', 'policy.jws', '--expires', '2h'])).code).toBe(0)
    const verified = await run(['policy', 'verify', 'policy.jws', '--keys', 'keys.json'])
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: revision 5, signed with key "p1"/) })
    expect((await readFile(join(dir, 'policy.jws'), 'utf8')).split('.')).toHaveLength(3)
  })

  it('refuses what a desktop would refuse, with the reason and exit code 1; misuse is exit code 2', async () => {
    await run(['policy', 'keygen', '--out', 'a.jwk', '--kid', 'a'])
    const other = await run(['policy', 'keygen', '--out', 'b.jwk', '--kid', 'b'])
    await writeFile(join(dir, 'b.json'), other.stdout)
    await writeFile(join(dir, 'policy.yaml'), policy('5'))
    await run(['policy', 'sign', 'policy.yaml', '--key', 'a.jwk', '--out', 'a.jws'])
    const unknown = await run(['policy', 'verify', 'a.jws', '--keys', 'b.json'])
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('(ERR_POLICY_INVALID)') })
    expect(unknown.stderr).toContain('not in the settings')
    await run(['policy', 'sign', 'policy.yaml', '--key', 'b.jwk', '--out', 'b.jws'])
    expect(await run(['policy', 'verify', 'b.jws', '--keys', 'b.json', '--min-revision', '6'])).toMatchObject({ code: 1, stderr: expect.stringContaining('rollback') })

    expect(await run(['policy', 'sign', 'policy.yaml', '--key', 'a.jwk', '--revision', '6'])).toMatchObject({ code: 2, stderr: expect.stringContaining('set `revision: "6"`') })
    await writeFile(join(dir, 'named.yaml'), policy('spring-release'))
    expect(await run(['policy', 'sign', 'named.yaml', '--key', 'a.jwk'])).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a whole number') })
    expect(await run(['policy', 'sign', 'policy.yaml', '--key', 'b.json'])).toMatchObject({ code: 2 })
    expect(await run(['policy', 'frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown subcommand') })
  })
})
