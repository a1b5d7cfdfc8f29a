/**
 * desktop/src/cli/scan-command.ts — `mcp-warden scan [FILE]`: the content-safety detector on data you give it.
 *
 * Reads JSON Lines, one `{"id": …, "args": {…}}` per line. Without FILE: reads stdin and writes one JSON line per
 * input line, `{"id", "findings": [{"type", "path", "value", "start", "end"}]}`, or `{"id", "error"}` for a line
 * it cannot read (the scan goes on). With FILE: prints a report for people. This is the one command that prints
 * detected values: it is the tool for looking at them. Nothing here is sent anywhere.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { EXIT_CODE, isJsonObject, parseJsonPointer, scanJson, WardenError, type ExitCode, type JsonRpcId } from '@mcp-warden/core'
import type { CliIo } from './io.js'

export const SCAN_HELP = `Usage: mcp-warden scan [FILE]

Runs MCP Warden's PII and secret detection on JSON Lines, one {"id": ..., "args": {...}} per line.

  mcp-warden scan < cases.jsonl     one JSON line out per line in:
                                    {"id": ..., "findings": [{"type", "path", "value", "start", "end"}]}
                                    path: JSON pointer of the string; start/end: offsets in it
  mcp-warden scan cases.jsonl       a report for people

A line that is not valid JSON, or has no "args" object, gives {"id": ..., "error": "..."} and the scan goes
on. Unlike the proxy's logs and audit records, this command prints the values it finds.

Options:
  -h, --help   show this help
`

export interface ScanLineResult {
  readonly id: JsonRpcId | null
  readonly findings?: { type: string; path: string; value: string; start: number; end: number }[]
  readonly error?: string
}

/** The id of a line that did not parse, when a bounded look at its start finds one. */
function recoverId(line: string): JsonRpcId | null {
  const match = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,20})/.exec(line.slice(0, 512))
  if (match?.[1] === undefined) return null
  try {
    return JSON.parse(match[1]) as JsonRpcId
  } catch {
    return null
  }
}

/** The text a finding's offsets refer to: the string at its path, the member name, or a number's digits. */
function textAt(root: unknown, path: string, inKey: boolean): string {
  const tokens = parseJsonPointer(path)
  if (inKey) return tokens[tokens.length - 1] ?? ''
  let current: unknown = root
  for (const token of tokens) current = (current as Record<string, unknown>)[token]
  return typeof current === 'string' ? current : String(current)
}

/** Scans one input line. Never throws. */
export function scanLine(line: string, lineNumber: number): ScanLineResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (cause) {
    return { id: recoverId(line), error: `line ${lineNumber} is not valid JSON (${(cause as Error).message})` }
  }
  const rawId = isJsonObject(parsed) ? parsed['id'] : undefined
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null
  if (!isJsonObject(parsed) || !isJsonObject(parsed['args'])) {
    return { id, error: `line ${lineNumber} has no "args" object: expected {"id": ..., "args": {...}}` }
  }
  const args = parsed['args']
  const findings = scanJson(args).map((finding) => ({
    type: finding.type,
    path: finding.path,
    value: textAt(args, finding.path, finding.inKey).slice(finding.start, finding.end),
    start: finding.start,
    end: finding.end,
  }))
  return { id, findings }
}

async function* lines(input: Readable): AsyncGenerator<{ line: string; number: number }> {
  let number = 0
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    number += 1
    if (line.trim() !== '') yield { line, number }
  }
}

async function scanToJsonLines(input: Readable, output: Writable): Promise<void> {
  for await (const { line, number } of lines(input)) output.write(`${JSON.stringify(scanLine(line, number))}\n`)
}

async function scanToReport(input: Readable, output: Writable, name: string): Promise<void> {
  const counts = new Map<string, number>()
  let scanned = 0
  for await (const { line, number } of lines(input)) {
    scanned += 1
    const result = scanLine(line, number)
    const label = `${JSON.stringify(result.id)} (line ${number})`
    if (result.error !== undefined) {
      output.write(`${label}: error: ${result.error}\n`)
      continue
    }
    const findings = result.findings ?? []
    output.write(`${label}: ${findings.length === 0 ? 'nothing found' : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}\n`)
    for (const finding of findings) {
      counts.set(finding.type, (counts.get(finding.type) ?? 0) + 1)
      output.write(`  ${finding.type.padEnd(18)} ${finding.path || '(root)'} [${finding.start}, ${finding.end}) ${JSON.stringify(finding.value)}\n`)
    }
  }
  const summary = [...counts].map(([type, count]) => `${type} ${count}`).join(', ')
  output.write(`\n${name}: ${scanned} line${scanned === 1 ? '' : 's'} scanned; ${summary === '' ? 'nothing found' : summary}\n`)
}

/**
 * @example
 * const code = await scanCommand([], io)   // JSON Lines from io.stdin to io.stdout
 */
export async function scanCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let parsed: { values: { help?: boolean | undefined }; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } })
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden scan --help\` for usage.`)
  }
  if (parsed.values.help === true) {
    io.stdout.write(SCAN_HELP)
    return EXIT_CODE.OK
  }
  const [file, ...extra] = parsed.positionals
  if (extra.length > 0) throw new WardenError('ERR_USAGE', 'scan takes at most one FILE.\nRun `mcp-warden scan --help` for usage.')
  if (file === undefined) {
    await scanToJsonLines(io.stdin, io.stdout)
    return EXIT_CODE.OK
  }
  const stream = createReadStream(file, { encoding: 'utf8' })
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', reject)
  })
  try {
    await opened
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `Cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause })
  }
  await scanToReport(stream, io.stdout, file)
  return EXIT_CODE.OK
}
