import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isWardenError } from '../errors.js'
import { createFileAuditSink } from './file-audit-sink.js'
import type { AuditRecord } from './record.js'

// Lets one test cap how many bytes a write() call takes, to exercise the short-write path; others write normally.
const writeCap = vi.hoisted(() => ({ bytes: Number.POSITIVE_INFINITY, calls: 0 }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const writeSync = (fd: number, buffer: Uint8Array, offset: number, length: number): number => {
    writeCap.calls += 1
    return fs.writeSync(fd, buffer, offset, Math.min(length, writeCap.bytes))
  }
  return { ...fs, writeSync }
})

const scratch = mkdtempSync(join(tmpdir(), 'warden-audit-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let counter = 0
const freshPath = (name = 'audit.jsonl') => join(scratch, `case-${(counter += 1)}`, 'logs', name)
const runningAsRoot = process.getuid?.() === 0

function record(id: string, target = 'read_file'): AuditRecord {
  return {
    id,
    time: '2026-11-24T12:30:00.000Z',
    kind: 'decision',
    direction: 'to-server',
    server: 'fs',
    sessionId: 's1',
    method: 'tools/call',
    target,
    requestId: 7,
    identity: { issuer: 'https://idp.example.com', subject: 'alice', email: 'alice@example.com' },
    decision: 'allow',
    reasons: ['r1'],
    policyRevision: 'rev-1',
    findings: [{ type: 'EMAIL', path: '/to', action: 'redact' }],
    modifications: ['redacted'],
    outcome: 'forwarded',
    latencyMs: 3,
  }
}

function lines(path: string): unknown[] {
  const text = readFileSync(path, 'utf8')
  expect(text.endsWith('\n')).toBe(true)
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line))
}

function thrown(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('createFileAuditSink', () => {
  it('creates the directory (0700) and file (0600) and appends one JSON line per record, in order', async () => {
    const path = freshPath()
    const sink = createFileAuditSink(path)
    sink.append(record('a'))
    sink.append(record('b', 'line\nbreak \u2028 and "quotes"'))
    await sink.close?.()
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(lines(path)).toEqual([record('a'), record('b', 'line\nbreak \u2028 and "quotes"')])
  })

  it('appends to an existing log and narrows a wider mode', async () => {
    const path = freshPath()
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, `${JSON.stringify(record('old'))}\n`, { mode: 0o644 })
    chmodSync(path, 0o666)
    const sink = createFileAuditSink(path, { mode: 0o640 })
    sink.append(record('new'))
    await sink.close?.()
    expect(statSync(path).mode & 0o777).toBe(0o640)
    expect(lines(path)).toEqual([record('old'), record('new')])
  })

  it('finishes a short write with further writes, so the line stays whole', async () => {
    const path = freshPath()
    const sink = createFileAuditSink(path)
    writeCap.bytes = 100
    writeCap.calls = 0
    try {
      sink.append(record('short', 'x'.repeat(1000)))
    } finally {
      writeCap.bytes = Number.POSITIVE_INFINITY
    }
    await sink.close?.()
    expect(writeCap.calls).toBeGreaterThan(10)
    expect(lines(path)).toEqual([record('short', 'x'.repeat(1000))])
  })

  it.each([
    ['an empty path', '', undefined, 'createFileAuditSink: path must be a non-empty string'],
    ['a mode above 0o777', 'x', { mode: 0o1777 }, 'createFileAuditSink: options.mode must be permission bits between 0 and 0o777'],
    ['null options', 'x', null, 'createFileAuditSink: options must be an object'],
  ])('rejects %s', (_case, path, options, message) => {
    expect(() => createFileAuditSink(path, options as never)).toThrow(new TypeError(message))
  })

  it('throws ERR_AUDIT_UNAVAILABLE when a part of the path is a file', () => {
    const blocker = join(scratch, 'not-a-directory')
    writeFileSync(blocker, '')
    const path = join(blocker, 'audit.jsonl')
    const error = thrown(() => createFileAuditSink(path))
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toBe(
      `Cannot write the audit log at ${path}: a part of the path exists and is not a directory (EEXIST). Check the directory exists and is writable.`,
    )
  })

  it.skipIf(runningAsRoot)('throws ERR_AUDIT_UNAVAILABLE for a directory it may not write', () => {
    const directory = join(scratch, 'read-only')
    mkdirSync(directory, { mode: 0o500 })
    const path = join(directory, 'audit.jsonl')
    expect(() => createFileAuditSink(path)).toThrow(
      `Cannot write the audit log at ${path}: permission denied (EACCES). Check the directory exists and is writable.`,
    )
  })

  it.runIf(existsSync('/dev/full'))('throws ERR_AUDIT_UNAVAILABLE when a write fails', async () => {
    const sink = createFileAuditSink('/dev/full')
    const error = thrown(() => sink.append(record('lost')))
    await sink.close?.()
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toBe(
      'Cannot write the audit log at /dev/full: the disk is full (ENOSPC). Check the directory exists and is writable.',
    )
    expect(statSync('/dev/full').mode & 0o777).toBe(0o666)
  })

  it('refuses records after close, and closes twice without error', async () => {
    const path = freshPath()
    const sink = createFileAuditSink(path)
    await sink.close?.()
    await sink.close?.()
    const error = thrown(() => sink.append(record('late')))
    expect(isWardenError(error) && error.code).toBe('ERR_AUDIT_UNAVAILABLE')
    expect((error as Error).message).toBe(`Cannot write the audit log at ${path}: this sink was closed. Open a new one.`)
  })
})

/*
 * Two real processes, each with its own sink (its own open file description) on one file: what several proxies do.
 * The children need the sink as JavaScript; the TypeScript compiler (a devDependency) transpiles the sink and the
 * files it imports into a scratch folder, so the children run the same source as the tests above, with no build.
 */
describe('createFileAuditSink with concurrent writers', () => {
  const SOURCES = ['errors.ts', 'audit/record.ts', 'audit/audit-errors.ts', 'audit/file-audit-sink.ts']
  const PER_WRITER = 5_000
  const build = join(scratch, 'build')
  const CHILD = `
import { createFileAuditSink } from './audit/file-audit-sink.js'
const [path, writer, count] = process.argv.slice(2)
const sink = createFileAuditSink(path)
const base = ${JSON.stringify(record('template'))}
// Every tenth record is ~8 KB of two-byte characters; the others vary from 0 to 499 characters.
const target = (i) => (i % 10 === 0 ? '\\u00e9'.repeat(4_000) : 'x'.repeat((i * 37) % 500))
process.stdout.write('ready\\n')
process.stdin.once('data', async () => {
  for (let i = 0; i < Number(count); i += 1) sink.append({ ...base, id: writer + '-' + i, sessionId: writer, target: target(i) })
  await sink.close()
  process.exit(0)
})
`

  beforeAll(() => {
    const sourceRoot = fileURLToPath(new URL('..', import.meta.url))
    for (const file of SOURCES) {
      const { outputText } = ts.transpileModule(readFileSync(join(sourceRoot, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        fileName: file,
      })
      const out = join(build, file.replace(/\.ts$/, '.js'))
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, outputText)
    }
    writeFileSync(join(build, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(build, 'child.js'), CHILD)
  })

  async function startWriter(path: string, writer: string) {
    const child = spawn(process.execPath, [join(build, 'child.js'), path, writer, String(PER_WRITER)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const exited = once(child, 'exit')
    const [ready] = await Promise.race([once(child.stdout.setEncoding('utf8'), 'data'), exited])
    if (ready !== 'ready\n') throw new Error(`writer ${writer} did not start: ${stderr}`)
    return {
      go: () => child.stdin.end('go\n'),
      done: async () => {
        const [code] = await exited
        if (code !== 0) throw new Error(`writer ${writer} exited with ${String(code)}: ${stderr}`)
      },
    }
  }

  it('keeps every line whole and every record once, in each writer\'s order', async () => {
    const path = freshPath()
    const writers = await Promise.all([startWriter(path, 'one'), startWriter(path, 'two')])
    for (const writer of writers) writer.go()
    await Promise.all(writers.map((writer) => writer.done()))

    const records = lines(path) as AuditRecord[]
    expect(records).toHaveLength(2 * PER_WRITER)
    // The writers did run at once: one after the other would switch once; at once, thousands of times on two cores.
    const switches = records.filter((r, i) => i > 0 && records[i - 1]?.sessionId !== r.sessionId).length
    expect(switches).toBeGreaterThan(1)
    for (const writer of ['one', 'two']) {
      const ids = records.filter((r) => r.sessionId === writer).map((r) => r.id)
      expect(ids).toEqual(Array.from({ length: PER_WRITER }, (_, i) => `${writer}-${i}`))
    }
    expect(records.filter((r) => r.target?.length === 4_000)).toHaveLength(2 * (PER_WRITER / 10))
    expect(statSync(path).mode & 0o777).toBe(0o600)
  }, 60_000)
})
