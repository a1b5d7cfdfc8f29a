/**
 * The central policy, end to end with real parts: keys and bundles made with the built CLI (`policy keygen`,
 * `policy sign`), a static HTTPS host on 127.0.0.1 serving the bundle with an ETag, the development IdP, `login
 * --device` into a real gnome-keyring, and a proxy in agent mode whose agent fetches, verifies and serves the policy.
 * A call denied under revision 1 is allowed once revision 2 is published, in the same proxy process, and the audit
 * records carry the revision that decided each call.
 *
 * The TLS certificate in test/fixtures/tls/ is a self-signed test certificate for 127.0.0.1 (its key is public: it
 * protects nothing), trusted by the CLI processes through NODE_EXTRA_CA_CERTS.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` / CI): skipped with a message without
 * them, and failing instead when MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import { readFileSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ToolResult } from './helpers/governed.js'
import { CLI, runNode } from './helpers/cli.js'
import { connectProxy, EVERYTHING, keyringSuite, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const { skip, title } = keyringSuite('central policy distribution')

const TLS = new URL('./fixtures/tls/', import.meta.url)

function policy(revision: number, tools: string): string {
  return `version: 1
revision: "${revision}"
rules:
  - id: rev${revision}
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [${tools}]
`
}

/** What a static HTTPS host does: one file, a strong ETag, 304 on If-None-Match. */
interface StaticHost {
  readonly url: string
  publish(body: string): void
  readonly authorizations: string[]
  /** Resolves with the status of the next request the host answers. */
  nextStatus(): Promise<number>
  stop(): Promise<void>
}

async function startStaticHost(): Promise<StaticHost> {
  let body = ''
  let etag = '"none"'
  let version = 0
  const authorizations: string[] = []
  const waiting: ((status: number) => void)[] = []
  const server: Server = createServer({ key: readFileSync(new URL('key.pem', TLS)), cert: readFileSync(new URL('cert.pem', TLS)) }, (req, res) => {
    authorizations.push(req.headers.authorization ?? '')
    const status = req.headers['if-none-match'] === etag ? 304 : 200
    for (const resolve of waiting.splice(0)) resolve(status)
    res.writeHead(status, { etag, 'content-type': 'application/jose' }).end(status === 200 ? body : undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/policy.jws`,
    publish(next) {
      body = next
      etag = `"v${++version}"`
    },
    authorizations,
    nextStatus: () => new Promise((resolve) => waiting.push(resolve)),
    stop: () => new Promise((resolve) => server.closeAllConnections() ?? server.close(() => resolve())),
  }
}

let world: SignedInWorld
let host: StaticHost
let revision2: string

async function cli(args: readonly string[]): Promise<string> {
  const result = await runNode([CLI, ...args], world.env)
  expect(result.code, result.stderr).toBe(0)
  return result.stdout
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    host = await startStaticHost()
    // The proxy's own file would allow echo: with a central policy in the settings it must be ignored.
    world = await startSignedInWorld({
      prefix: 'warden-policy-e2e-',
      policy: policy(99, 'echo'),
      policyFile: 'local-policy.yaml',
      env: { NODE_EXTRA_CA_CERTS: new URL('cert.pem', TLS).pathname },
    })
    const { dir } = world
    // The administrator: a key pair, the public key in the settings, revision 1 published (echo not allowed).
    const publicJwk = (await cli(['policy', 'keygen', '--out', join(dir, 'policy-key.jwk'), '--kid', 'policy-test'])).trim()
    await writeFile(join(dir, 'policy-1.yaml'), policy(1, 'get-sum'))
    await writeFile(join(dir, 'policy-2.yaml'), policy(2, 'echo, get-sum'))
    host.publish(await cli(['policy', 'sign', join(dir, 'policy-1.yaml'), '--key', join(dir, 'policy-key.jwk'), '--expires', '1h']))
    await cli(['policy', 'sign', join(dir, 'policy-2.yaml'), '--key', join(dir, 'policy-key.jwk'), '--out', join(dir, 'policy-2.jws')])
    revision2 = await readFile(join(dir, 'policy-2.jws'), 'utf8')
    await world.writeSettings(`policy:\n  url: "${host.url}"\n  signingKeys: [${publicJwk}]\n  maxStalenessSeconds: 8\n`)
  })

  afterAll(async () => {
    await host?.stop()
    await world?.stop()
  })

  it('a call denied under revision 1 is allowed after revision 2 is published, without restarting the proxy', async () => {
    expect((await world.login('alice')).code).toBe(0)
    // The proxy says on stderr when a revision comes into force: the test waits for that, not for a time.
    let stderr!: Readable
    let proxyLog = ''
    const logged = (line: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (proxyLog.includes(line) ? resolve() : void stderr.once('data', check))
        check()
      })
    const client = await connectProxy(world, {
      name: 'everything',
      upstream: EVERYTHING,
      logLevel: 'info',
      stderr: (stream) => {
        stderr = stream
        stderr.setEncoding('utf8')
        stderr.on('data', (chunk: string) => (proxyLog += chunk))
      },
    })
    try {
      await logged('central policy revision 1 in force')
      const denied = (await client.callTool({ name: 'echo', arguments: { message: 'one' } })) as ToolResult
      expect(denied.isError).toBe(true)
      expect(denied._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_POLICY_DENIED')

      host.publish(revision2)
      await logged('central policy revision 2 in force')
      const allowed = (await client.callTool({ name: 'echo', arguments: { message: 'two' } })) as ToolResult
      expect([allowed.isError ?? false, allowed.content[0]?.text]).toEqual([false, 'Echo: two'])
      // The agent's next poll asks with If-None-Match and the unchanged bundle is not sent again.
      expect(await host.nextStatus()).toBe(304)
    } finally {
      await client.close()
    }
    expect(proxyLog).not.toContain('UNSIGNED_POLICY_OPT_IN')

    const calls = (await world.readAudit()).filter((r) => r.method === 'tools/call' && r.kind === 'decision')
    expect(calls.map((r) => [r.decision, r.policyRevision])).toEqual([
      ['deny', '1'],
      ['allow', '2'],
    ])

    // The agent asked with an access token whose audience is the policy URL (never the ID token).
    expect(host.authorizations.every((a) => a.startsWith('Bearer '))).toBe(true)
    const claims = decodeJwt(host.authorizations[0]!.slice('Bearer '.length))
    expect(claims.aud === host.url || (Array.isArray(claims.aud) && claims.aud.includes(host.url))).toBe(true)
  })
})
