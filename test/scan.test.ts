/** `mcp-warden scan`: the JSON Lines contract and the report, through the built CLI. */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, runNode } from './helpers/cli.js'

function scan(input: string): Promise<{ code: number | null; lines: unknown[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'scan'], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) }))
    child.stdin.end(input)
  })
}

describe('mcp-warden scan', () => {
  it('writes one line per input line, with type, pointer, value and offsets, and goes on after bad lines', async () => {
    const input = [
      JSON.stringify({ id: 1, args: { to: 'ada@example.org', body: { text: 'card 4111 1111 1111 1111 ok' } } }),
      '{"id": 2, "args": {broken',
      JSON.stringify({ id: 'clean', args: { order: 'ORD-2026-000123', sha: '9fceb02d0ae598e95dc970b74767f19372d61af8' } }),
      JSON.stringify({ id: 4, params: {} }),
      JSON.stringify({ id: 5, args: { 'a/b~c': 'mail grace@example.net' } }),
    ].join('\n')
    const { code, lines } = await scan(`${input}\n`)
    expect(code).toBe(0)
    expect(lines).toEqual([
      {
        id: 1,
        findings: [
          { type: 'EMAIL', path: '/to', value: 'ada@example.org', start: 0, end: 15 },
          { type: 'CREDIT_CARD', path: '/body/text', value: '4111 1111 1111 1111', start: 5, end: 24 },
        ],
      },
      { id: 2, error: expect.stringMatching(/^line 2 is not valid JSON/) },
      { id: 'clean', findings: [] },
      { id: 4, error: 'line 4 has no "args" object: expected {"id": ..., "args": {...}}' },
      { id: 5, findings: [{ type: 'EMAIL', path: '/a~1b~0c', value: 'grace@example.net', start: 5, end: 22 }] },
    ])
  })

  it('prints a report for people when given a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-scan-'))
    try {
      const file = join(dir, 'cases.jsonl')
      await writeFile(file, `${JSON.stringify({ id: 'a', args: { key: 'AKIAZ7Q3R5T7V2X4Y6W3' } })}\n${JSON.stringify({ id: 'b', args: {} })}\n`)
      const { code, stdout } = await runNode([CLI, 'scan', file])
      expect(code).toBe(0)
      expect(stdout).toContain('"a" (line 1): 1 finding\n  AWS_ACCESS_KEY     /key [0, 20) "AKIAZ7Q3R5T7V2X4Y6W3"')
      expect(stdout).toContain('"b" (line 2): nothing found')
      expect(stdout).toMatch(/cases\.jsonl: 2 lines scanned; AWS_ACCESS_KEY 1\n$/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('exits 2 for a file it cannot read', async () => {
    const { code, stderr } = await runNode([CLI, 'scan', '/no/such/file.jsonl'])
    expect(code).toBe(2)
    expect(stderr).toContain('Cannot read /no/such/file.jsonl (ENOENT)')
  })
})
