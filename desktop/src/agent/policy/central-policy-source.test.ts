import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signPolicyBundle } from '@mcp-warden/core'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createCentralPolicySource, type CentralPolicySource, type PolicySourceEvent } from './central-policy-source.js'

const T0 = 1_800_000_000_000
const MAX_STALENESS = 600

let privateJwk: JWK
let publicJwk: JWK

/** A static host: one file with a strong ETag, 304 on If-None-Match, and what each request carried. */
interface StaticHost {
  readonly url: string
  publish(body: string): void
  readonly requests: { authorization: string | undefined; ifNoneMatch: string | undefined; status: number }[]
  stop(): Promise<void>
}

async function startStaticHost(): Promise<StaticHost> {
  let body = ''
  let etag = ''
  let version = 0
  const requests: StaticHost['requests'] = []
  const server: Server = createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match']
    const status = ifNoneMatch === etag ? 304 : body === '' ? 404 : 200
    requests.push({ authorization: req.headers.authorization, ifNoneMatch, status })
    res.writeHead(status, { etag, 'content-type': 'application/jose' }).end(status === 200 ? body : undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/policy.jws`,
    publish(next) {
      body = next
      etag = `"v${++version}"`
    },
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function policyText(revision: number, tool: string): string {
  return `version: 1\nrevision: "${revision}"\nrules:\n  - { id: r${revision}, effect: allow, subjects: { anyone: true }, servers: ["*"], tools: [${tool}] }\n`
}

const bundle = (revision: number, options: { expiresAt?: number } = {}): Promise<string> =>
  signPolicyBundle({ policyText: policyText(revision, 'echo'), key: privateJwk, kid: 'k1', alg: 'ES256', revision, issuedAt: new Date(T0 - 60_000), expiresAt: options.expiresAt ?? (T0 + 30 * 86_400_000) / 1000 })

let host: StaticHost
let dir: string
let now: number
let events: PolicySourceEvent[]
let sources: CentralPolicySource[]

function source(url = host.url): CentralPolicySource {
  const created = createCentralPolicySource({
    url,
    signingKeys: [publicJwk],
    maxStalenessSeconds: MAX_STALENESS,
    accessToken: async () => 'access-token-for-policy',
    cacheFile: join(dir, 'state', 'policy-cache.json'),
    pollIntervalMs: 1e9, // the tests call checkNow(); no timer fires during a test
    now: () => now,
    onEvent: (event) => events.push(event),
  })
  sources.push(created)
  return created
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1' }
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' }
})

beforeEach(async () => {
  host = await startStaticHost()
  dir = await mkdtemp(join(tmpdir(), 'warden-policy-'))
  now = T0
  events = []
  sources = []
})

afterEach(async () => {
  for (const s of sources) s.close()
  await host.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('the central policy source', () => {
  it('fetches with the access token, then polls with If-None-Match and takes a 304 as a successful check', async () => {
    host.publish(await bundle(1))
    const policy = source()
    expect(await policy.snapshot()).toMatchObject({ revision: 1, policyText: policyText(1, 'echo'), stale: false, checkedAt: T0 / 1000 })
    now += 300_000
    expect(await policy.checkNow()).toBe('unchanged')
    expect(host.requests).toEqual([
      { authorization: 'Bearer access-token-for-policy', ifNoneMatch: undefined, status: 200 },
      { authorization: 'Bearer access-token-for-policy', ifNoneMatch: '"v1"', status: 304 },
    ])
    expect((await policy.snapshot()).checkedAt).toBe((T0 + 300_000) / 1000)
    expect((await stat(join(dir, 'state', 'policy-cache.json'))).mode & 0o777).toBe(0o600)
  })

  it('picks up a new revision, and refuses a rollback while the good one stays in force', async () => {
    const one = await bundle(1)
    host.publish(one)
    const policy = source()
    expect((await policy.snapshot()).revision).toBe(1)
    host.publish(await bundle(2))
    expect(await policy.checkNow()).toBe('accepted')
    expect(await policy.snapshot()).toMatchObject({ revision: 2, stale: false })
    host.publish(one)
    expect(await policy.checkNow()).toBe('rejected')
    expect(await policy.snapshot()).toMatchObject({ revision: 2, stale: false })
    expect(events).toContainEqual(expect.objectContaining({ kind: 'rejected', reason: 'rollback' }))
  })

  it('keeps the last good policy while the host is down, and reports it stale once maxStalenessSeconds have passed', async () => {
    host.publish(await bundle(1))
    const policy = source()
    expect((await policy.snapshot()).revision).toBe(1)
    await host.stop()
    now += (MAX_STALENESS - 1) * 1000
    expect(await policy.checkNow()).toBe('unreachable')
    expect(await policy.snapshot()).toMatchObject({ revision: 1, stale: false })
    now += 2000
    expect(await policy.snapshot()).toMatchObject({ revision: 1, stale: true, reason: 'unreachable' })
    host = await startStaticHost() // for afterEach
  })

  it('a restarted agent enforces the cached bundle before the network answers, and keeps its revision as the floor', async () => {
    host.publish(await bundle(2))
    expect((await source().snapshot()).revision).toBe(2)
    const down = `http://127.0.0.1:1/policy.jws`
    const restarted = source(down)
    expect(await restarted.snapshot()).toMatchObject({ revision: 2, stale: false })
    expect(events).toContainEqual({ kind: 'loaded-cache', revision: 2 })
    // After a restart, an older bundle is still a rollback.
    host.publish(await bundle(1))
    const again = source()
    expect(await again.checkNow()).toBe('rejected')
    expect(await again.snapshot()).toMatchObject({ revision: 2 })
    expect(events.filter((e) => e.kind === 'rejected').map((e) => (e as { reason: string }).reason)).toContain('rollback')
  })

  it('reports and ignores a corrupt or tampered cache file, never trusting it', async () => {
    const cacheFile = join(dir, 'state', 'policy-cache.json')
    host.publish(await bundle(1))
    await source().snapshot()
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { bundle: string }
    const [h, , s] = cached.bundle.split('.')
    const forged = Buffer.from(JSON.stringify({ policy: policyText(9, '"*"'), rev: 9, iat: T0 / 1000, exp: T0 / 1000 + 86_400 })).toString('base64url')
    await writeFile(cacheFile, JSON.stringify({ ...cached, bundle: `${h}.${forged}.${s}` }))
    const offline = source('http://127.0.0.1:1/policy.jws')
    expect(await offline.snapshot()).toMatchObject({ revision: null, stale: true, reason: 'never-fetched' })
    expect(events).toContainEqual(expect.objectContaining({ kind: 'cache-ignored', message: expect.stringContaining('signature') }))

    await writeFile(cacheFile, '{ not json')
    const online = source()
    expect(await online.snapshot()).toMatchObject({ revision: 1, stale: false })
    expect(events).toContainEqual({ kind: 'cache-ignored', message: `the policy cache ${cacheFile} is not JSON` })
  })

  it('never serves an expired bundle, and backs off with jitter after failures', async () => {
    host.publish(await bundle(1, { expiresAt: T0 / 1000 + 60 }))
    const policy = source()
    expect(await policy.snapshot()).toMatchObject({ revision: 1, stale: false })
    now += 61_000
    expect(await policy.snapshot()).toMatchObject({ revision: 1, stale: true, reason: 'expired' })
    host.publish('')
    const delays: number[] = []
    for (let i = 0; i < 4; i++) {
      expect(await policy.checkNow()).toBe('unreachable')
      delays.push((events.at(-1) as { retryInMs: number }).retryInMs)
    }
    // 2 s, 4 s, 8 s, 16 s bases; each delay in [base/2, base].
    delays.forEach((delay, i) => {
      const base = 2000 * 2 ** i
      expect(delay).toBeGreaterThanOrEqual(base / 2)
      expect(delay).toBeLessThanOrEqual(base)
    })
  })
})
