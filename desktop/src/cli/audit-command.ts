/**
 * desktop/src/cli/audit-command.ts — `mcp-warden audit verify|tail`: check the hash chain of the user's audit log,
 * and read it: for people (one line per entry) or for machines (`--json`, the entries as written).
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, listAuditFiles, readAuditFile, verifyAuditLog, WardenError, type AuditVerifyReport, type ChainedLine, type CheckpointReport, type ExitCode } from '@mcp-warden/core'
import { defaultAuditDir } from '../agent/audit/audit-paths.js'
import type { CliIo } from './io.js'

export const AUDIT_HELP = `Usage: mcp-warden audit verify [--dir DIR] [--json]
       mcp-warden audit tail [--dir DIR] [-n N] [--follow] [--user U] [--tool T] [--decision allow|deny] [--json]

verify  checks the hash chain of the audit log, then the log against its signed checkpoints: exit 0 when
        intact, 1 with the file and line of the first entry that was edited, removed, reordered or cut short,
        or of the first checkpoint the log no longer matches (the log was rewritten or cut after it).
tail    shows the last entries (default 20), oldest first; --follow keeps showing new ones until Ctrl-C.

Options:
  --dir DIR           the audit log's directory. Default: the agent's (mcp-warden/audit in $XDG_STATE_HOME,
                      ~/.local/state; macOS: ~/Library/Application Support/MCP Warden/audit)
  -n, --lines N       how many entries tail shows first. Default: 20
  -f, --follow        keep showing new entries
  --user U            only calls by this person (subject or email)
  --tool T            only calls of this tool, prompt or resource (the record's target)
  --decision D        only allowed (allow) or denied (deny) calls
  --json              one JSON object per line (the entries as written, with seq, prev and hash)
  -h, --help          show this help

Records hold who called which tool when, the decision and why; never argument values or results (docs/audit.md).
`

/** How often `tail --follow` looks for new entries. */
const FOLLOW_INTERVAL_MS = 250

interface AuditArgs {
  readonly action: 'verify' | 'tail'
  readonly dir: string
  readonly lines: number
  readonly follow: boolean
  readonly user: string | undefined
  readonly tool: string | undefined
  readonly decision: 'allow' | 'deny' | undefined
  readonly json: boolean
}

function usage(message: string): WardenError {
  return new WardenError('ERR_USAGE', `${message}\nRun \`mcp-warden audit --help\` for usage.`)
}

function parseAuditArgs(argv: readonly string[], env: NodeJS.ProcessEnv): AuditArgs | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        lines: { type: 'string', short: 'n' },
        follow: { type: 'boolean', short: 'f' },
        user: { type: 'string' },
        tool: { type: 'string' },
        decision: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (cause) {
    throw usage((cause as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help === true) return 'help'
  const [action, ...extra] = positionals
  if (action !== 'verify' && action !== 'tail') throw usage(action === undefined ? 'Say what to do: verify or tail.' : `Unknown action "${action}": use verify or tail.`)
  if (extra.length > 0) throw usage(`Unexpected argument "${extra[0] as string}".`)
  if (action === 'verify' && [values.lines, values.follow, values.user, values.tool, values.decision].some((v) => v !== undefined)) {
    throw usage('verify takes only --dir and --json.')
  }
  const lines = values.lines ?? '20'
  if (!/^\d{1,9}$/.test(lines)) throw usage('-n must be a whole number, e.g. -n 50.')
  const decision = values.decision
  if (decision !== undefined && decision !== 'allow' && decision !== 'deny') throw usage('--decision must be allow or deny.')
  return {
    action,
    dir: values.dir ?? defaultAuditDir(env, process.platform),
    lines: Number(lines),
    follow: values.follow === true,
    user: values.user,
    tool: values.tool,
    decision,
    json: values.json === true,
  }
}

function unreadable(dir: string, error: unknown): WardenError {
  const code = (error as { code?: unknown }).code
  const why = code === 'ENOENT' ? 'it does not exist' : String(code ?? (error as Error).message)
  return new WardenError('ERR_CONFIG_INVALID', `Cannot read the audit log at ${dir}: ${why}. Give its directory with --dir.`, { cause: error })
}

function describeReport(report: AuditVerifyReport): string {
  const torn = report.torn.map((t) => `\n  ${t.file} line ${t.line}: cut short by a crash (${t.bytes} bytes), accounted for`).join('')
  if (!report.ok) return `TAMPERED: ${report.problem?.message ?? 'unknown problem'}\n  ${report.entries} entries before it verified.${torn}\n`
  if (report.entries === 0) return `OK: the audit log is empty (${report.files} files).\n`
  const pruned = report.firstSeq > 1 ? ` (entries before ${report.firstSeq} were deleted by retention; the chain is checked from there)` : ''
  return `OK: ${report.entries} entries in ${report.files} files, entries ${report.firstSeq} to ${report.lastSeq}${pruned}; last hash ${report.lastHash}.${describeCheckpoints(report.checkpoints)}${torn}\n`
}

function describeCheckpoints(checkpoints: CheckpointReport | undefined): string {
  if (checkpoints === undefined || checkpoints.checked + checkpoints.beforeRetention === 0) return '\n  No signed checkpoints: a rewrite of the whole log cannot be detected here.'
  const latest = checkpoints.latest === undefined ? '' : `, the newest of ${checkpoints.latest.time} at entry ${checkpoints.latest.seq}`
  const pruned = checkpoints.beforeRetention > 0 ? `; ${checkpoints.beforeRetention} name entries deleted by retention` : ''
  return `\n  ${checkpoints.checked} signed checkpoint(s) match the log${latest}${pruned}; signed by key ${checkpoints.kids.join(', ')}.`
}

function matches(args: AuditArgs, line: ChainedLine): boolean {
  if (args.user === undefined && args.tool === undefined && args.decision === undefined) return true
  if (line.kind === 'log') return false
  if (args.user !== undefined && line.identity?.subject !== args.user && line.identity?.email !== args.user) return false
  if (args.tool !== undefined && line.target !== args.tool) return false
  return args.decision === undefined || line.decision === args.decision
}

/** One line for people: time, who, server/target, decision and outcome, why. Never more than the record holds. */
function describeLine(line: ChainedLine): string {
  if (line.kind === 'log') {
    const what = line.event === 'torn-line' ? `line ${line.line} of ${line.file} was cut short by a crash` : `${line.records} spooled outcome record(s) taken in from ${line.file}`
    return `${line.time}  #${line.seq}  log: ${what}`
  }
  const who = line.identity === null ? '(no identity)' : (line.identity.email ?? line.identity.subject)
  const what = `${line.server}/${line.target ?? line.method}`
  const why = line.decision === 'deny' ? `  ${line.code ?? ''}${line.stage === undefined ? '' : ` at ${line.stage}`}` : ''
  const reasons = line.reasons.length > 0 ? `  [${line.reasons.join(', ')}]` : ''
  return `${line.time}  #${line.seq}  ${who}  ${what}  ${line.kind} ${line.decision} ${line.outcome}  ${line.latencyMs.toFixed(1)} ms${why}${reasons}`
}

async function tail(args: AuditArgs, io: CliIo): Promise<void> {
  const show = (line: ChainedLine): void => {
    if (matches(args, line)) io.stdout.write(`${args.json ? JSON.stringify(line) : describeLine(line)}\n`)
  }
  const files = await listAuditFiles(args.dir)
  const shown: ChainedLine[] = []
  const offsets = new Map<string, number>()
  for (let i = files.length - 1; i >= 0; i -= 1) {
    const name = (files[i] as { name: string }).name
    const chunk = await readAuditFile(args.dir, name)
    offsets.set(name, chunk.nextOffset)
    if (shown.length < args.lines) shown.unshift(...chunk.entries.filter((line) => matches(args, line)).slice(-(args.lines - shown.length)))
    if (shown.length >= args.lines && !args.follow) break
  }
  for (const line of args.lines === 0 ? [] : shown.slice(-args.lines)) show(line)
  if (!args.follow) return
  const stop = io.stopSignal
  while (stop?.aborted !== true) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FOLLOW_INTERVAL_MS)
      stop?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
    for (const { name } of await listAuditFiles(args.dir)) {
      const chunk = await readAuditFile(args.dir, name, offsets.get(name) ?? 0)
      offsets.set(name, chunk.nextOffset)
      for (const line of chunk.entries) show(line)
    }
  }
}

/**
 * @example
 * const code = await auditCommand(['verify', '--dir', dir], io) // 0 intact, 1 tampered
 */
export async function auditCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const args = parseAuditArgs(argv, io.env)
  if (args === 'help') {
    io.stdout.write(AUDIT_HELP)
    return EXIT_CODE.OK
  }
  if (args.action === 'verify') {
    let report: AuditVerifyReport
    try {
      report = await verifyAuditLog(args.dir)
    } catch (error) {
      throw unreadable(args.dir, error)
    }
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : describeReport(report))
    return report.ok ? EXIT_CODE.OK : EXIT_CODE.RUNTIME
  }
  try {
    await tail(args, io)
  } catch (error) {
    throw unreadable(args.dir, error)
  }
  return EXIT_CODE.OK
}
