import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendCheckpoint, chainHash, checkpointSigningKey, createChainedAuditLog, generateCheckpointJwk, type AuditRecord } from '@mcp-warden/core'
import { AUDIT_HELP } from './audit-command.js'
import { createTestIo, type TestIo } from './testing/test-io.js'
import { main } from './main.js'

function testIo(stopSignal?: AbortSignal): TestIo {
  return createTestIo({ stopSignal })
}

function record(id: string, subject: string, target: string, decision: 'allow' | 'deny'): AuditRecord {
  return {
    id,
    time: '2026-12-04T12:00:00.000Z',
    kind: 'decision',
    direction: 'to-server',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    target,
    identity: { issuer: 'https://idp.example.com', subject, email: `${subject}@example.com` },
    decision,
    ...(decision === 'deny' ? { code: 'ERR_POLICY_DENIED' as const, stage: 'policy' as const } : {}),
    reasons: decision === 'allow' ? ['engineers-fs'] : ['no-writes'],
    findings: [],
    modifications: [],
    outcome: decision === 'allow' ? 'forwarded' : 'denied',
    latencyMs: 1.5,
  }
}

let dir: string
const FILE = 'audit-20261204-001.jsonl'

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-audit-cli-'))
  const log = createChainedAuditLog({ dir, clock: { now: () => Date.parse('2026-12-04T12:00:00Z') } })
  await log.append(record('1', 'alice', 'read_file', 'allow'))
  await log.append(record('2', 'bob', 'write_file', 'deny'))
  await log.append(record('3', 'alice', 'write_file', 'allow'))
  await log.close()
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('mcp-warden audit verify', () => {
  it('exits 0 and says how much it checked', async () => {
    const io = testIo()
    expect(await main(['audit', 'verify', '--dir', dir], io)).toBe(0)
    expect(io.out()).toMatch(/^OK: 3 entries in 1 files, entries 1 to 3; last hash [0-9a-f]{64}\.\n  No signed checkpoints: a rewrite of the whole log cannot be detected here\.\n$/)
  })

  it('checks the log against its signed checkpoints, and says when it was rewritten after one', async () => {
    const key = await checkpointSigningKey(generateCheckpointJwk())
    const last = JSON.parse(readFileSync(join(dir, FILE), 'utf8').trim().split('\n').at(-1) as string) as { seq: number; hash: string }
    await appendCheckpoint(dir, await key.sign({ seq: last.seq, file: FILE, hash: last.hash, time: '2026-12-04T12:05:00.000Z' }))
    const io = testIo()
    expect(await main(['audit', 'verify', '--dir', dir], io)).toBe(0)
    expect(io.out()).toContain(`\n  1 signed checkpoint(s) match the log, the newest of 2026-12-04T12:05:00.000Z at entry 3; signed by key ${key.kid}.\n`)
    // The last entry replaced and re-hashed: the chain is intact, the checkpoint is not.
    const lines = readFileSync(join(dir, FILE), 'utf8').trim().split('\n')
    const { seq, prev, hash: _hash, ...entry } = JSON.parse(lines[2] as string) as { seq: number; prev: string; hash: string }
    const rewritten = { ...entry, latencyMs: 99, seq, prev }
    lines[2] = JSON.stringify({ ...rewritten, hash: chainHash(rewritten, seq, prev) })
    writeFileSync(join(dir, FILE), `${lines.join('\n')}\n`)
    const after = testIo()
    expect(await main(['audit', 'verify', '--dir', dir], after)).toBe(1)
    expect(after.out()).toBe(
      'TAMPERED: checkpoints.jsonl line 1: entry 3 does not have the hash that the checkpoint signed at 2026-12-04T12:05:00.000Z for entry 3 (audit-20261204-001.jsonl) states: the log was rewritten after this checkpoint\n  3 entries before it verified.\n',
    )
  })

  it('exits 1 with the file and line of an edited entry', async () => {
    const path = join(dir, FILE)
    writeFileSync(path, readFileSync(path, 'utf8').replace('"decision":"deny"', '"decision":"allow"'))
    const io = testIo()
    expect(await main(['audit', 'verify', '--dir', dir], io)).toBe(1)
    expect(io.out()).toBe(`TAMPERED: ${FILE} line 2: edited: the entry does not match its hash\n  1 entries before it verified.\n`)
  })

  it('prints the report as JSON with --json', async () => {
    const io = testIo()
    expect(await main(['audit', 'verify', '--dir', dir, '--json'], io)).toBe(0)
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, files: 1, entries: 3, firstSeq: 1, lastSeq: 3, torn: [] })
  })

  it('exits 2 and names the directory when there is no log there', async () => {
    const io = testIo()
    expect(await main(['audit', 'verify', '--dir', join(dir, 'none')], io)).toBe(2)
    expect(io.err()).toContain(`Cannot read the audit log at ${join(dir, 'none')}: it does not exist. Give its directory with --dir.`)
  })
})

describe('mcp-warden audit tail', () => {
  it('shows the last entries for people, oldest first', async () => {
    const io = testIo()
    expect(await main(['audit', 'tail', '--dir', dir, '-n', '2'], io)).toBe(0)
    expect(io.out()).toBe(
      '2026-12-04T12:00:00.000Z  #2  bob@example.com  fs/write_file  decision deny denied  1.5 ms  ERR_POLICY_DENIED at policy  [no-writes]\n' +
        '2026-12-04T12:00:00.000Z  #3  alice@example.com  fs/write_file  decision allow forwarded  1.5 ms  [engineers-fs]\n',
    )
  })

  it('filters by user, tool and decision, and prints the entries as written with --json', async () => {
    const io = testIo()
    expect(await main(['audit', 'tail', '--dir', dir, '--user', 'alice', '--decision', 'allow', '--tool', 'write_file', '--json'], io)).toBe(0)
    const lines = io.out().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toEqual([expect.objectContaining({ id: '3', seq: 3, prev: expect.any(String), hash: expect.any(String) })])
  })

  it('with --follow, shows entries appended later until stopped', async () => {
    const stop = new AbortController()
    const io = testIo(stop.signal)
    const running = main(['audit', 'tail', '--dir', dir, '-n', '0', '--follow', '--user', 'carol'], io)
    const log = createChainedAuditLog({ dir })
    await log.append(record('4', 'carol', 'read_file', 'allow'))
    await log.close()
    await io.printed('carol@example.com  fs/read_file')
    stop.abort()
    expect(await running).toBe(0)
    expect(io.out().trim().split('\n')).toHaveLength(1)
  })

  it.each([
    [['audit'], 'Say what to do: verify or tail.'],
    [['audit', 'list'], 'Unknown action "list": use verify or tail.'],
    [['audit', 'tail', '--decision', 'maybe'], '--decision must be allow or deny.'],
    [['audit', 'tail', '-n', 'x'], '-n must be a whole number, e.g. -n 50.'],
    [['audit', 'verify', '--follow'], 'verify takes only --dir and --json.'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const io = testIo()
    expect(await main(argv, io)).toBe(2)
    expect(io.err()).toContain(message)
  })

  it('prints its help', async () => {
    const io = testIo()
    expect(await main(['audit', '--help'], io)).toBe(0)
    expect(io.out()).toBe(AUDIT_HELP)
  })
})
