/**
 * desktop/src/cli/login-command.ts — `mcp-warden login [--device | --browser]`: sign in once with the
 * organisation's identity provider; the session goes to the OS keychain and every proxy uses it through the agent.
 * `mcp-warden login --server NAME`: sign in to an MCP server that has its own authorization server.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, isWardenError, WardenError, type ExitCode } from '@mcp-warden/core'
import { openSession, type OpenedSession } from '../agent/open-session.js'
import { signInToServer } from '../agent/remote-auth/index.js'
import type { OidcSession, SessionStatus } from '../agent/session/index.js'
import { agentSocketFor } from '../agent/protocol/socket-path.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'
import { openSystemBrowser } from './open-browser.js'
import { describeSettings } from './settings-notes.js'

export const LOGIN_HELP = `Usage: mcp-warden login [--device | --browser]
       mcp-warden login --server NAME

Signs you in to MCP Warden with your organisation's identity provider. The session is kept in the OS
keychain (never in a file) and every mcp-warden proxy of yours uses it through the MCP Warden agent.

Options:
  --device    sign in with a code: open the address shown, on any device, and enter the code
  --browser   sign in in this computer's browser (authorization code with PKCE, loopback redirect)
  --server NAME
              sign in to the MCP server NAME of your settings' upstreams that has its own authorization
              server (auth: server), in this computer's browser; its tokens are kept in the keychain
  -h, --help  show this help

Without an option: the code, when your identity provider offers it; otherwise the browser.
`

type Method = 'device' | 'browser' | 'auto' | { readonly server: string }

function parse(argv: readonly string[]): Method | 'help' {
  let values: { device?: boolean | undefined; browser?: boolean | undefined; server?: string | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { device: { type: 'boolean' }, browser: { type: 'boolean' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden login --help\` for usage.`)
  }
  if (values.help === true) return 'help'
  if (values.device === true && values.browser === true) throw new WardenError('ERR_USAGE', 'Choose one of --device and --browser.')
  if (values.server !== undefined) {
    if (values.device === true) throw new WardenError('ERR_USAGE', 'A server with its own authorization server is signed in to in the browser: leave out --device.')
    return { server: values.server }
  }
  return values.device === true ? 'device' : values.browser === true ? 'browser' : 'auto'
}

function noDeviceFlow(error: unknown): boolean {
  return isWardenError(error) && error.details?.['reason'] === 'no-device-authorization-endpoint'
}

const showUrl =
  (io: CliIo) =>
  async (url: string): Promise<void> => {
    io.stdout.write(`Opening your browser to sign in. If it does not open, visit:\n\n    ${url}\n\n`)
    await openSystemBrowser(url).catch(() => io.stdout.write('(No browser could be started here: open the address above yourself.)\n'))
  }

async function signIn(session: OidcSession, method: Exclude<Method, { readonly server: string }>, io: CliIo): Promise<SessionStatus> {
  const out = (line: string): void => void io.stdout.write(`${line}\n`)
  const signal = io.stopSignal
  const device = (): Promise<SessionStatus> =>
    session.loginWithDeviceCode({
      onUserCode: (userCode, verificationUri, complete) => {
        out(`To sign in, open ${verificationUri} and enter the code:\n\n    ${userCode}\n`)
        if (complete !== undefined) out(`(or open ${complete}, which holds the code)`)
        out('Waiting for you to approve…')
      },
      ...(signal === undefined ? {} : { signal }),
    })
  const browser = (): Promise<SessionStatus> =>
    session.loginWithBrowser({
      openBrowser: showUrl(io),
      ...(signal === undefined ? {} : { signal }),
    })
  if (method === 'browser') return browser()
  if (method === 'device') return device()
  try {
    return await device()
  } catch (error) {
    if (!noDeviceFlow(error)) throw error
    return browser()
  }
}

/** The upstream `name` of the settings, which must have its own authorization server. */
export function serverUpstream(opened: Pick<OpenedSession, 'serverUpstreams' | 'loaded'>, name: string): { readonly url: string; readonly clientId?: string | undefined; readonly scopes?: readonly string[] | undefined } {
  const upstream = opened.serverUpstreams[name]
  if (upstream !== undefined) return upstream
  const known = opened.loaded.settings.upstreams?.[name] !== undefined
  const names = Object.keys(opened.serverUpstreams)
  throw new WardenError(
    'ERR_USAGE',
    `${known ? `The server "${name}" uses your organisation's sign-in (run \`mcp-warden login\`), not its own authorization server.` : `No server "${name}" is in your settings' upstreams.`} ${
      names.length === 0 ? 'No server in your settings has its own authorization server (auth: server).' : `Servers with their own authorization server: ${names.join(', ')}.`
    }`,
  )
}

async function loginToServer(name: string, io: CliIo): Promise<ExitCode> {
  const opened = await openSession(io.env)
  for (const note of describeSettings(opened.loaded)) io.stderr.write(`mcp-warden login: warning: ${note}\n`)
  const upstream = serverUpstream(opened, name)
  const done = await signInToServer({
    name,
    resource: upstream.url,
    clientId: upstream.clientId,
    scopes: upstream.scopes,
    secrets: opened.secrets,
    openBrowser: showUrl(io),
    signal: io.stopSignal,
  })
  io.stdout.write(`Signed in to ${name} at ${done.issuer}. Its tokens are kept in your keychain.\n`)
  const reloaded = await withRunningAgent(agentSocketFor(io.env, opened.loaded.settings), 'mcp-warden login', (agent) => agent.reloadSession())
  if (reloaded !== undefined) io.stdout.write('The running MCP Warden agent now uses this sign-in.\n')
  return EXIT_CODE.OK
}

/**
 * @example
 * const code = await loginCommand(['--device'], io)
 * const code = await loginCommand(['--server', 'wiki'], io)
 */
export async function loginCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const method = parse(argv)
  if (method === 'help') {
    io.stdout.write(LOGIN_HELP)
    return EXIT_CODE.OK
  }
  if (typeof method === 'object') return loginToServer(method.server, io)
  const { session, loaded } = await openSession(io.env)
  for (const note of describeSettings(loaded)) io.stderr.write(`mcp-warden login: warning: ${note}\n`)
  const status = await signIn(session, method, io)
  if (status.state !== 'signed-in') {
    throw new WardenError('ERR_SIGNED_OUT', 'The sign-in did not complete. Run `mcp-warden login` again.')
  }
  const who = status.user.email ?? status.user.subject
  io.stdout.write(`Signed in as ${who} at ${status.user.issuer}. The session is kept in your keychain.\n`)
  const reloaded = await withRunningAgent(agentSocketFor(io.env, loaded.settings), 'mcp-warden login', (agent) => agent.reloadSession())
  if (reloaded !== undefined) io.stdout.write('The running MCP Warden agent now uses this session.\n')
  return EXIT_CODE.OK
}
