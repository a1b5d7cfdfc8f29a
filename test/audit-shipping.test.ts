/**
 * Audit shipping, end to end with real parts: the development IdP, `login --device` into a real gnome-keyring, proxies
 * that start the agent, a published MCP server, and an HTTPS collector on 127.0.0.1 (a certificate made by openssl
 * for the test, trusted through NODE_EXTRA_CA_CERTS) that checks the user's access token and the signed checkpoints.
 * The collector goes down (connections refused, then 503) while calls go on, and comes back: after de-duplication
 * by record id it holds every record of the local log once, with the chain's hashes; checkpoints arrive signed with
 * the device key the agent keeps in the keychain; findings carry the same keyed hash in two proxies. Then the user
 * rewrites the local log: `audit verify` names the rewrite against the local checkpoints, and once the user also
 * deletes those, the collector still detects it against the checkpoints it holds.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` / CI) and openssl: skipped with a message
 * without them, and failing instead when MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import { createHmac } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { calculateJwkThumbprint } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { chainHash, GENESIS_HASH, type AuditRecord } from '../shared/src/index.js'
import { stopAgent } from './helpers/agent-session.js'
import { startAuditCollector, type AuditCollector, type ShippedEntry } from './helpers/audit-collector.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy } from './helpers/governed.js'
import { runStore } from './helpers/keyring.js'
import { connectProxy, echo, EVERYTHING, keyringSuite, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const { skip, title } = keyringSuite('audit shipping')

const POLICY = testPolicy(`rules:
  - id: engineers-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo]
`)
const FINDING_KEY = Buffer.alloc(32, 0x5a)
const EMAIL = 'ada@example.org'
// Backoff after the outage plus process start-ups on a loaded 2-core machine: generous bounds, never fixed sleeps.
const WAIT = { timeout: 60_000, interval: 100 }
const TEST_TIMEOUT = 150_000

let world: SignedInWorld
let collector: AuditCollector

type LocalEntry = AuditRecord & { seq: number; prev: string; hash: string }
const localLog = async (): Promise<LocalEntry[]> => (await world.readAudit()) as LocalEntry[]

function connectHost(): Promise<Client> {
  return connectProxy(world, { name: 'everything', upstream: EVERYTHING, logLevel: 'info', stderr: 'ignore' })
}

/** What a user with write access to the files can do: change entries from `seq` on and re-make every hash after. */
function rewriteLog(change: (entry: Record<string, unknown>) => Record<string, unknown>, from: number): void {
  let prev = GENESIS_HASH
  for (const name of readdirSync(world.auditDir).filter((n) => /^audit-.*\.jsonl$/.test(n)).sort()) {
    const lines = readFileSync(join(world.auditDir, name), 'utf8').trim().split('\n')
    const out = lines.map((line) => {
      const { seq, prev: _prev, hash: _hash, ...entry } = JSON.parse(line) as Record<string, unknown> & { seq: number }
      const chained = { ...(seq >= from ? change(entry) : entry), seq, prev }
      const hash = chainHash(chained, seq, prev)
      prev = hash
      return JSON.stringify({ ...chained, hash })
    })
    writeFileSync(join(world.auditDir, name), `${out.join('\n')}\n`)
  }
}

/** The received entries, one per id (log events have no id: one per seq). */
function deduplicated(entries: readonly ShippedEntry[]): Map<string, ShippedEntry[]> {
  const byId = new Map<string, ShippedEntry[]>()
  for (const entry of entries) byId.set(entry.id ?? `seq:${entry.seq}`, [...(byId.get(entry.id ?? `seq:${entry.seq}`) ?? []), entry])
  return byId
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    world = await startSignedInWorld({
      prefix: 'warden-ship-e2e-',
      policy: POLICY,
      prepare: async ({ idp, dir }) => {
        collector = await startAuditCollector({ dir, issuer: idp.issuer })
        return {
          settings: `audit:\n  url: "${collector.url}"\n  findingHashKey: "${FINDING_KEY.toString('base64')}"\n`,
          env: { NODE_EXTRA_CA_CERTS: collector.caFile, MCP_WARDEN_AUDIT_CHECKPOINT_SECONDS: '1' },
        }
      },
    })
  })

  afterAll(async () => {
    await collector?.stop()
    await world?.stop()
  })

  it('ships every record once after de-duplication across a collector outage, with signed checkpoints and keyed finding hashes', async () => {
    expect((await world.login('alice')).code).toBe(0)
    const first = await connectHost()
    try {
      expect((await echo(first, `mail ${EMAIL}`)).content[0]?.text).toBe('Echo: mail [REDACTED:EMAIL]')
      await vi.waitFor(async () => expect(deduplicated(collector.received).size).toBe((await localLog()).length), WAIT)

      // The collector goes away: calls go on, their records wait in the log.
      await collector.down()
      for (let i = 0; i < 3; i += 1) expect((await echo(first, `while down ${i}`)).isError ?? false).toBe(false)
    } finally {
      await first.close()
    }
    // A second proxy process: the same value gives the same keyed hash.
    const second = await connectHost()
    try {
      expect((await echo(second, `again ${EMAIL}`)).content[0]?.text).toBe('Echo: again [REDACTED:EMAIL]')
    } finally {
      await second.close()
    }
    // Back, but refusing batches (503) until the agent has tried once more; then accepting.
    await collector.up('unavailable')
    await vi.waitFor(() => expect(collector.refusals).toContain('unavailable'), WAIT)
    await collector.up('ok')

    const local = await localLog()
    const last = local.at(-1) as LocalEntry
    await vi.waitFor(() => {
      expect(deduplicated(collector.received).size).toBe(local.length)
      expect(collector.checkpoints.some((c) => c.claims.seq === last.seq)).toBe(true)
    }, WAIT)

    // Nothing lost, nothing altered: one record per id, the chain's seq 1..N with the local hashes.
    const byId = deduplicated(collector.received)
    for (const entry of local) expect(byId.get(entry.id ?? `seq:${entry.seq}`)?.every((copy) => copy.seq === entry.seq && copy.hash === entry.hash)).toBe(true)
    expect([...new Set(collector.received.map((entry) => entry.seq))].sort((a, b) => a - b)).toEqual(local.map((_, i) => i + 1))
    expect(collector.refusals.filter((reason) => reason !== 'unavailable')).toEqual([])

    // Checkpoints: verified with the key they carry, one pinned key, the device key kept in the keychain.
    const kids = new Set(collector.checkpoints.map((c) => c.kid))
    expect(kids.size).toBe(1)
    expect(collector.checkpoints.every((c) => c.subject === 'alice')).toBe(true)
    expect(collector.conflicts()).toEqual([])
    const [stored] = await runStore(world.env, 'dev.mcpwarden', [{ op: 'get', account: 'audit-checkpoint-key' }])
    const jwk = JSON.parse((stored as { value: string }).value) as { kty: string; crv: string; x: string; d?: string }
    expect(typeof jwk.d).toBe('string')
    expect(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x })).toBe([...kids][0])

    // Keyed hashes: the same value in two proxies, the same hash; the value itself nowhere.
    const expected = createHmac('sha256', FINDING_KEY).update(EMAIL, 'utf8').digest().subarray(0, 16).toString('base64url')
    const emailFindings = collector.received.flatMap((entry) => (entry['findings'] as Array<{ type: string; hash?: string }> | undefined) ?? []).filter((f) => f.type === 'EMAIL')
    expect(emailFindings.length).toBeGreaterThanOrEqual(2)
    expect(emailFindings.every((finding) => finding.hash === expected)).toBe(true)
    expect(new Set(collector.received.filter((entry) => (entry['findings'] as unknown[] | undefined)?.length).map((entry) => entry['sessionId'])).size).toBe(2)
    expect(JSON.stringify(collector.received)).not.toContain(EMAIL)
  }, TEST_TIMEOUT)

  it('detects a log rewritten after a checkpoint: locally while the checkpoints are there, at the collector after they are gone', async () => {
    await stopAgent(world.env['XDG_RUNTIME_DIR']!)
    // The user hides the first finding and re-makes every hash after it: the chain alone stays intact.
    const finding = (await localLog()).find((entry) => entry.findings?.length > 0) as LocalEntry
    rewriteLog((entry) => (entry['id'] === finding.id ? { ...entry, findings: [], modifications: [] } : entry), finding.seq)

    const caught = await runNode([CLI, 'audit', 'verify'], world.env)
    expect(caught.code).toBe(1)
    expect(caught.stdout).toMatch(/^TAMPERED: checkpoints\.jsonl line \d+: entry \d+ does not have the hash that the checkpoint signed at \S+ for entry \d+ \(audit-\d{8}-\d{3}\.jsonl\) states: the log was rewritten after this checkpoint\n/)

    // The user also removes the local checkpoints and the shipping cursor: locally, nothing shows any more.
    await unlink(join(world.auditDir, 'checkpoints.jsonl'))
    await unlink(join(world.dir, 'state', 'mcp-warden', 'audit-ship.json'))
    const fooled = await runNode([CLI, 'audit', 'verify'], world.env)
    expect(fooled.code).toBe(0)
    expect(fooled.stdout).toContain('No signed checkpoints')

    // The agent starts again (a proxy starts it) and ships the rewritten log: the collector's checkpoints contradict it.
    const host = await connectHost()
    try {
      expect((await echo(host, 'after the rewrite')).isError ?? false).toBe(false)
    } finally {
      await host.close()
    }
    await vi.waitFor(() => expect(collector.conflicts().map((c) => c.seq)).toContain(collector.checkpoints.find((c) => c.claims.seq >= finding.seq)?.claims.seq), WAIT)
    // Signed by the same device key as before: the keychain kept it.
    expect(new Set(collector.checkpoints.map((c) => c.kid)).size).toBe(1)
  }, TEST_TIMEOUT)
})
