/**
 * desktop/src/demo/demo-command.ts — `mcp-warden demo`: the five concerns at work with nothing configured.
 *
 * Starts a development OpenID Connect provider on loopback, signs in a demo user with the device flow (the
 * approval is scripted over HTTP), writes a sample policy and proxy configuration to a temporary directory,
 * runs `@modelcontextprotocol/server-everything` behind `mcp-warden proxy`, drives it with the MCP SDK's
 * Client, and prints what happened and the audit records. Nothing leaves the machine.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type AuditRecord, type ExitCode } from '@mcp-warden/core'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import type { CliIo } from '../cli/io.js'
import { startDevIdp } from './dev-idp.js'
import { signInWithDeviceFlow } from './device-sign-in.js'
import { DEMO_POLICY, DEMO_SERVER_NAME, demoProxyConfig } from './demo-policy.js'
import { runDemoScript } from './demo-script.js'

export const DEMO_HELP = `Usage: mcp-warden demo [--keep]

Shows MCP Warden's five concerns with nothing configured: starts a local OpenID Connect provider, signs
in the demo user alice@example.com with the device flow, writes a sample policy, runs the
@modelcontextprotocol/server-everything server behind \`mcp-warden proxy\`, makes allowed, denied,
redacted, blocked and rate-limited calls, and prints the audit records. Nothing leaves this machine.

Options:
  --keep       keep the temporary directory (policy, configuration, audit log) and print its path
  -h, --help   show this help
`

const require = createRequire(import.meta.url)

/** The launcher of this very CLI, so the demo runs the proxy exactly as an MCP host would. */
function launcherPath(): string {
  return fileURLToPath(new URL('../../bin/mcp-warden.js', import.meta.url))
}

function everythingServerPath(): string {
  return require.resolve('@modelcontextprotocol/server-everything/dist/index.js')
}

export async function demoCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let values: { keep?: boolean | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden demo --help\` for usage.`)
  }
  if (values.help === true) {
    io.stdout.write(DEMO_HELP)
    return EXIT_CODE.OK
  }
  const out = (line = ''): void => void io.stdout.write(`${line}\n`)
  const dir = await mkdtemp(join(tmpdir(), 'mcp-warden-demo-'))
  const idp = await startDevIdp()
  let client: Client | undefined
  try {
    out('MCP Warden demo — everything runs on this machine.\n')
    out(`1. Identity: a local OpenID Connect provider is running at ${idp.issuer}`)
    const tokens = await signInWithDeviceFlow({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scope: 'openid email profile groups',
      allowInsecureHttp: true,
      onUserCode: async (userCode, verificationUri) => {
        out(`   Device sign-in: open ${verificationUri} and enter ${userCode} (approved here for alice@example.com)`)
        await idp.approveDevice(userCode, 'alice')
      },
    })
    out("   Signed in. The proxy checks the ID token's signature (the provider's published keys), issuer, audience and expiry.\n")

    await writeFile(join(dir, 'policy.yaml'), DEMO_POLICY)
    await writeFile(join(dir, 'proxy.yaml'), demoProxyConfig(idp.issuer, idp.clientId))
    out(`2. Policy: ${join(dir, 'policy.yaml')} — deny by default; engineers may use four tools; nobody may read`)
    out('   the environment; e-mail addresses are redacted, card numbers blocked; 5 calls per tool per minute.\n')

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [launcherPath(), 'proxy', '--config', join(dir, 'proxy.yaml'), '--name', DEMO_SERVER_NAME, '--log-level', 'error', '--', process.execPath, everythingServerPath(), 'stdio'],
      env: { ...(process.env as Record<string, string>), MCP_WARDEN_TOKEN: tokens.idToken },
      stderr: 'pipe',
    })
    client = new Client({ name: 'mcp-warden-demo', version: '0.1.0' }, { capabilities: { sampling: {} } })
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      model: 'demo-model',
      role: 'assistant',
      content: { type: 'text', text: 'A sampled answer from the host.' },
    }))
    out(`3. Proxy: mcp-warden proxy --config proxy.yaml --name ${DEMO_SERVER_NAME} -- node server-everything stdio`)
    await client.connect(transport)
    await runDemoScript(client, out)

    await client.close()
    client = undefined
    const records = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditRecord)
    printAudit(records, out)
    if (values.keep === true) out(`\nKept ${dir} (policy.yaml, proxy.yaml, audit.jsonl).`)
    return EXIT_CODE.OK
  } finally {
    await client?.close().catch(() => {})
    await idp.close()
    if (values.keep !== true) await rm(dir, { recursive: true, force: true })
  }
}

function printAudit(records: readonly AuditRecord[], out: (line?: string) => void): void {
  out(`\n5. Audit: ${records.length} records in audit.jsonl (one JSON line each; values never recorded). Tool calls:`)
  out('   time          user               tool                      decision  outcome    reason / findings')
  for (const record of records) {
    if (record.method !== 'tools/call' || record.kind !== 'decision') continue
    const time = record.time.slice(11, 23)
    const user = record.identity?.email ?? record.identity?.subject ?? '-'
    const why = record.code ?? (record.findings.length > 0 ? record.findings.map((f) => `${f.type} at ${f.path} ${f.action}`).join(', ') : record.reasons.join(', '))
    out(`   ${time}  ${user.padEnd(17)}  ${(record.target ?? '').padEnd(24)}  ${record.decision.padEnd(8)}  ${record.outcome.padEnd(9)}  ${why}`)
  }
}
