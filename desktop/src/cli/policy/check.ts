/**
 * desktop/src/cli/policy/check.ts — `mcp-warden policy check FILE [--tools TOOLS.json]`: every error of a policy
 * document with its location, warnings about rules that can never apply or that reach everyone and everything,
 * and, with --tools, each listed tool's definition hash, whether the policy approves it, and signs of instructions
 * aimed at the model.
 */
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { EXIT_CODE, isWardenError, lintPolicy, parsePolicy, reviewTools, type CompiledPolicy, type ExitCode, type ToolReview } from '@mcp-warden/core'
import type { CliIo } from '../io.js'
import { parsePolicyArgs, usage } from './usage.js'

export const HELP = `Usage: mcp-warden policy check FILE [--tools TOOLS.json]

Checks a policy document (YAML or JSON). Prints every error with its location and exits 1 when there is one;
prints warnings (rules that can never apply, rules for everyone on every server and tool) and exits 0 otherwise.

Options:
  --tools TOOLS.json  also review the tools servers list: a JSON object from server name to that server's
                      tools/list result (or its "tools" array). Prints each tool's SHA-256 definition hash, whether
                      approvedTools approves it, signs of instructions aimed at the model, and approvedTools lines
                      to paste for tools that are not approved
  -h, --help          show this help
`

/**
 * Runs `policy check`.
 *
 * @example const code = await run(['policy.yaml', '--tools', 'tools.json'], io)
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parsePolicyArgs('check', argv, { tools: { type: 'string' } })
  if (values.help === true) {
    io.stdout.write(HELP)
    return EXIT_CODE.OK
  }
  if (positionals.length !== 1) throw usage('check', 'Give exactly one policy FILE.')
  const file = positionals[0] as string
  const loaded = await load(resolve(io.cwd, file))
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.stdout.write(`${file}: error: ${problem}\n`)
    io.stdout.write(`${file}: ${loaded.problems.length} error${loaded.problems.length === 1 ? '' : 's'}\n`)
    return EXIT_CODE.RUNTIME
  }
  const warnings = lintPolicy(loaded.policy)
  for (const warning of warnings) io.stdout.write(`${file}: warning: ${warning.path}: ${warning.message}\n`)
  if (values.tools !== undefined) writeReviews(io, await reviewFile(loaded.policy, resolve(io.cwd, values.tools), values.tools))
  io.stdout.write(`${file}: valid (revision ${JSON.stringify(loaded.policy.revision)}), ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`)
  return EXIT_CODE.OK
}

type Loaded = { readonly ok: true; readonly policy: CompiledPolicy } | { readonly ok: false; readonly problems: readonly string[] }

async function load(path: string): Promise<Loaded> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    return { ok: false, problems: [`cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`] }
  }
  try {
    return { ok: true, policy: parsePolicy(text, extname(path) === '.json' ? 'json' : extname(path) === '' ? undefined : 'yaml') }
  } catch (error) {
    if (!isWardenError(error) || error.code !== 'ERR_CONFIG_INVALID') throw error
    const problems = error.details?.['problems']
    return { ok: false, problems: Array.isArray(problems) ? problems.map(String) : [error.message] }
  }
}

async function reviewFile(policy: CompiledPolicy, path: string, shown: string): Promise<ToolReview[]> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw usage('check', `Cannot read --tools ${shown}: ${(cause as Error).message}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw usage('check', `--tools ${shown} must be a JSON object from server name to tools.`)
  const reviews: ToolReview[] = []
  for (const [server, listed] of Object.entries(data)) {
    const tools: unknown = Array.isArray(listed) ? listed : (listed as { tools?: unknown } | null)?.tools
    if (!Array.isArray(tools)) throw usage('check', `--tools ${shown}: "${server}" must be a tools array or a tools/list result.`)
    try {
      reviews.push(...reviewTools(policy, server, tools))
    } catch (error) {
      if (!(error instanceof TypeError)) throw error
      throw usage('check', `--tools ${shown}: "${server}": ${error.message.replace(/^reviewTools: /, '')}`)
    }
  }
  return reviews
}

const STATUS_TEXT: Readonly<Record<ToolReview['status'], string>> = {
  approved: 'approved',
  changed: 'CHANGED since approval: blocked until approved again',
  unapproved: 'not approved: blocked on this pinned server',
  'not-pinned': 'server not pinned: not checked',
}

function writeReviews(io: CliIo, reviews: readonly ToolReview[]): void {
  for (const review of reviews) {
    io.stdout.write(`tool ${review.server}/${review.tool}: sha256 ${review.sha256}: ${STATUS_TEXT[review.status]}\n`)
    for (const signal of review.signals) io.stdout.write(`tool ${review.server}/${review.tool}: warning: looks like instructions to the model (${signal}); read it before approving\n`)
  }
  const toApprove = reviews.filter((review) => review.status !== 'approved')
  if (toApprove.length === 0) return
  io.stdout.write('approvedTools entries for these definitions, after review:\n')
  for (const review of toApprove) {
    io.stdout.write(`  - { server: ${JSON.stringify(review.server)}, tool: ${JSON.stringify(review.tool)}, sha256: ${review.sha256} }\n`)
  }
}
