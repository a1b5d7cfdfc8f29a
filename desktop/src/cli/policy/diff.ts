/**
 * desktop/src/cli/policy/diff.ts — `mcp-warden policy diff OLD NEW [--users users.json] [--json]`: the
 * (subject, tool) pairs a new policy revision grants or removes, and the tool approvals it changes.
 * The method is `diffPolicies` (shared/src/policy/diff-policies.ts), described in docs/policy.md.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { diffPolicies, EXIT_CODE, type DiffSubject, type ExitCode } from '@mcp-warden/core'
import { z } from 'zod'
import { loadPolicyFile } from '../../proxy/policy-file.js'
import type { CliIo } from '../io.js'
import { parsePolicyArgs, usage } from './usage.js'

export const HELP = `Usage: mcp-warden policy diff OLD NEW [--users users.json] [--json]

Lists what policy revision NEW grants (+) or removes (-) compared with OLD, as "subject server/tool" pairs, and
the tool approvals (approvedTools hashes) it adds, removes or changes (~).

By default the subjects are one representative per subject selector in either revision (anyone, user:…, email:…,
domain:…, group:…, claim:…=…), each holding only that one attribute; the tools are the server/tool pairs the rules
and approvedTools name (a pattern stands for itself). Give --users for the people themselves.

Options:
  --users FILE  a JSON array of people: { "subject": "...", "email"?: "...", "groups"?: [...], "claims"?: {...} }
                (emails are taken as verified)
  --json        print { granted, removed, approvals } as JSON
  -h, --help    show this help
`

const People = z.array(
  z.strictObject({
    subject: z.string().min(1),
    email: z.string().min(1).optional(),
    groups: z.array(z.string()).optional(),
    claims: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  }),
)

/**
 * Runs `policy diff`. Exit 0 whatever the differences; invalid policies are `ERR_CONFIG_INVALID` (exit 2).
 *
 * @example const code = await run(['old.yaml', 'new.yaml', '--users', 'people.json'], io)
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parsePolicyArgs('diff', argv, { users: { type: 'string' }, json: { type: 'boolean' } })
  if (values.help === true) {
    io.stdout.write(HELP)
    return EXIT_CODE.OK
  }
  if (positionals.length !== 2) throw usage('diff', 'Give the OLD and the NEW policy file.')
  const [before, after] = await Promise.all(positionals.map((file) => loadPolicyFile(resolve(io.cwd, file))))
  const people = values.users === undefined ? undefined : await readPeople(resolve(io.cwd, values.users), values.users)
  const diff = diffPolicies(before!, after!, people === undefined ? {} : { people })
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`)
    return EXIT_CODE.OK
  }
  for (const pair of diff.granted) io.stdout.write(`+ ${pair.subject} ${pair.server}/${pair.tool}\n`)
  for (const pair of diff.removed) io.stdout.write(`- ${pair.subject} ${pair.server}/${pair.tool}\n`)
  for (const change of diff.approvals) {
    const mark = change.before === undefined ? '+' : change.after === undefined ? '-' : '~'
    io.stdout.write(`${mark} approval ${change.server}/${change.tool}: ${change.before ?? '(none)'} -> ${change.after ?? '(none)'}\n`)
  }
  const total = diff.granted.length + diff.removed.length + diff.approvals.length
  io.stdout.write(`${diff.granted.length} granted, ${diff.removed.length} removed, ${diff.approvals.length} approval change${diff.approvals.length === 1 ? '' : 's'}${total === 0 ? ' (no difference)' : ''}\n`)
  return EXIT_CODE.OK
}

async function readPeople(path: string, shown: string): Promise<DiffSubject[]> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw usage('diff', `Cannot read --users ${shown}: ${(cause as Error).message}`)
  }
  const parsed = People.safeParse(data)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw usage('diff', `--users ${shown}: ${first === undefined ? 'invalid' : `[${first.path.join('.')}] ${first.message}`}`)
  }
  return parsed.data.map((person) => ({
    label: person.email ?? person.subject,
    identity: {
      issuer: '(diff)',
      subject: person.subject,
      ...(person.email === undefined ? {} : { email: person.email, emailVerified: true }),
      groups: person.groups ?? [],
      claims: person.claims ?? {},
    },
  }))
}
