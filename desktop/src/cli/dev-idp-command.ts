/**
 * desktop/src/cli/dev-idp-command.ts — `mcp-warden dev-idp`: the development identity provider, kept running, so a
 * newcomer can try the real sign-in (`mcp-warden login`), the agent and several proxies without an IdP of their own.
 *
 * It writes a development settings file (used through the greppable `MCP_WARDEN_DEV_SETTINGS` opt-in), the sample
 * policy and a proxy configuration that takes identity, limits and audit from the agent. The IdP needs no password:
 * never point real settings at it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EXIT_CODE, WardenError, type ExitCode } from '@mcp-warden/core'
import { DEMO_POLICY } from '../demo/demo-policy.js'
import { startDevIdp } from '../demo/dev-idp.js'
import type { CliIo } from './io.js'

export const DEV_IDP_HELP = `Usage: mcp-warden dev-idp [--port PORT] [--dir DIR]

Runs MCP Warden's DEVELOPMENT OpenID Connect provider on 127.0.0.1 until you press Ctrl-C, and writes
settings for it, so you can try sign-in, the agent and the proxy without an identity provider of your own.
Accounts: alice (group engineering) and bob (group sales); no password. Never use it for real.

Options:
  --port PORT  port on 127.0.0.1 (default 4455; the issuer must stay the same across restarts)
  --dir DIR    where to write settings.yaml, policy.yaml and proxy.yaml
               (default $XDG_STATE_HOME/mcp-warden/dev, else ~/.local/state/mcp-warden/dev)
  -h, --help   show this help
`

/** Settings of an organisation that uses the development IdP (docs/settings.md has every key). */
export function devSettings(issuer: string, clientId: string): string {
  return `# Development settings written by \`mcp-warden dev-idp\`. Used only through MCP_WARDEN_DEV_SETTINGS.
identity:
  issuer: ${issuer}
  clientId: ${clientId}
  scopes: [openid, email, profile, groups, offline_access]
  allowInsecureLoopbackHttp: true
`
}

/** A proxy configuration whose identity, limits and audit come from the signed-in agent. */
export const DEV_PROXY_CONFIG = `# Proxy configuration written by \`mcp-warden dev-idp\`: identity, limits and audit come from the agent.
agent: {}
policy: { file: ./policy.yaml }
`

function defaultDir(env: NodeJS.ProcessEnv): string {
  return resolve(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'mcp-warden', 'dev')
}

function parse(argv: readonly string[]): { port: number; dir: string | undefined } | 'help' {
  let values: { port?: string | undefined; dir?: string | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { port: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden dev-idp --help\` for usage.`)
  }
  if (values.help === true) return 'help'
  const port = Number(values.port ?? '4455')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WardenError('ERR_USAGE', '--port must be a whole number from 0 (any free port) to 65535.')
  }
  return { port, dir: values.dir }
}

/**
 * @example
 * const code = await devIdpCommand(['--port', '4455'], io)   // runs until io.stopSignal aborts
 */
export async function devIdpCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parse(argv)
  if (parsed === 'help') {
    io.stdout.write(DEV_IDP_HELP)
    return EXIT_CODE.OK
  }
  const dir = parsed.dir === undefined ? defaultDir(io.env) : resolve(io.cwd, parsed.dir)
  let idp: Awaited<ReturnType<typeof startDevIdp>>
  try {
    idp = await startDevIdp({ port: parsed.port })
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new WardenError('ERR_CONFIG_INVALID', `Cannot listen on 127.0.0.1:${parsed.port} (${code ?? 'error'}). Pick another port with --port.`, { cause })
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFile(join(dir, 'settings.yaml'), devSettings(idp.issuer, idp.clientId))
    await writeFile(join(dir, 'policy.yaml'), DEMO_POLICY)
    await writeFile(join(dir, 'proxy.yaml'), DEV_PROXY_CONFIG)
    io.stdout.write(
      `Development identity provider: ${idp.issuer} (accounts alice, bob; no password)\n\n` +
        `In another terminal:\n` +
        `  export MCP_WARDEN_DEV_SETTINGS=${join(dir, 'settings.yaml')}\n` +
        `  mcp-warden login --device        # open the address it prints, enter the code, pick alice\n` +
        `  mcp-warden status\n` +
        `  mcp-warden proxy --config ${join(dir, 'proxy.yaml')} --name everything -- npx -y @modelcontextprotocol/server-everything\n\n` +
        `Press Ctrl-C to stop. Sessions end with it: the provider keeps nothing on disk.\n`,
    )
    if (io.stopSignal === undefined) return EXIT_CODE.OK
    const stop = io.stopSignal
    await new Promise<void>((done) => (stop.aborted ? done() : stop.addEventListener('abort', () => done(), { once: true })))
    return EXIT_CODE.OK
  } finally {
    await idp.close()
  }
}
