import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peekCheckpoint, readCheckpoints, verifyCheckpoint } from '@mcp-warden/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../secrets/memory-secret-store.js'
import { createAuditCheckpoints } from './audit-checkpoints.js'
import { loadDeviceSigningKey } from './device-signing-key.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-checkpoints-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const seqs = async (): Promise<Array<number | undefined>> => (await readCheckpoints(dir)).lines.map((line) => (line.checkpoint === undefined ? undefined : peekCheckpoint(line.checkpoint)?.seq))

describe('createAuditCheckpoints', () => {
  it('signs the head only when it moved, survives a locked keychain, and does not repeat a checkpoint after a restart', async () => {
    const secrets = createMemorySecretStore({ state: 'locked' })
    const errors: unknown[] = []
    let head: { seq: number; hash: string; file: string } | undefined
    const make = () =>
      createAuditCheckpoints({ dir, key: () => loadDeviceSigningKey(secrets), head: () => head, clock: { now: () => Date.parse('2026-12-04T12:00:00Z') }, onError: (e) => errors.push(e) })
    const checkpoints = make()
    await checkpoints.checkpoint()
    expect(await seqs()).toEqual([]) // an empty log: nothing to sign
    head = { seq: 4, hash: 'a'.repeat(64), file: 'audit-20261204-001.jsonl' }
    await checkpoints.checkpoint()
    expect(errors).toMatchObject([{ code: 'ERR_KEYCHAIN_UNAVAILABLE' }])
    secrets.setState('available')
    await checkpoints.checkpoint()
    await checkpoints.checkpoint()
    expect(await seqs()).toEqual([4])
    const [line] = (await readCheckpoints(dir)).lines
    expect((await verifyCheckpoint(line?.checkpoint as never)).claims).toEqual({ seq: 4, hash: 'a'.repeat(64), file: 'audit-20261204-001.jsonl', time: '2026-12-04T12:00:00.000Z' })
    // Another agent later: the same head is not signed again; a new one is, on close.
    const again = make()
    await again.checkpoint()
    head = { seq: 5, hash: 'b'.repeat(64), file: 'audit-20261204-001.jsonl' }
    await again.close()
    expect(await seqs()).toEqual([4, 5])
  })

  it('refuses options without key or head, and a bad interval', () => {
    expect(() => createAuditCheckpoints({ dir } as never)).toThrow('createAuditCheckpoints: options.key and options.head must be functions')
    expect(() => createAuditCheckpoints({ dir, key: async () => undefined as never, head: () => undefined, intervalMs: 0 })).toThrow('options.intervalMs must be a positive integer')
  })
})
