/**
 * desktop/src/cli/login-command.ts — `mcp-warden login [--device | --browser]`: sign in once with the
 * organisation's identity provider; the session goes to the OS keychain and every proxy uses it through the agent.
 */
import { parseArgs } from 'node:util'
import { EXIT_CODE, isWardenError, WardenError, type ExitCode } from '@mcp-warden/core'
import { openSession } from '../agent/open-session.js'
import type { OidcSession, SessionStatus } from '../agent/session/index.js'
import { withRunningAgent } from './agent-notify.js'
import type { CliIo } from './io.js'
import { openSystemBrowser } from './open-browser.js'
import { describeSettings } from './settings-notes.js'

export const LOGIN_HELP = `Usage: mcp-warden login [--device | --browser]

Signs you in to MCP Warden with your organisation's identity provider. The session is kept in the OS
keychain (never in a file) and every mcp-warden proxy of yours uses it through the MCP Warden agent.

Options:
  --device    sign in with a code: open the address shown, on any device, and enter the code
  --browser   sign in in this computer's browser (authorization code with PKCE, loopback redirect)
  -h, --help  show this help

Without an option: the code, when your identity provider offers it; otherwise the browser.
`

type Method = 'device' | 'browser' | 'auto'

function parse(argv: readonly string[]): Method | 'help' {
  let values: { device?: boolean | undefined; browser?: boolean | undefined; help?: boolean | undefined }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { device: { type: 'boolean' }, browser: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }))
  } catch (cause) {
    throw new WardenError('ERR_USAGE', `${(cause as Error).message}\nRun \`mcp-warden login --help\` for usage.`)
  }
  if (values.help === true) return 'help'
  if (values.device === true && values.browser === true) throw new WardenError('ERR_USAGE', 'Choose one of --device and --browser.')
  return values.device === true ? 'device' : values.browser === true ? 'browser' : 'auto'
}

function noDeviceFlow(error: unknown): boolean {
  return isWardenError(error) && error.details?.['reason'] === 'no-device-authorization-endpoint'
}

async function signIn(session: OidcSession, method: Method, io: CliIo): Promise<SessionStatus> {
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
      openBrowser: async (url) => {
        out(`Opening your browser to sign in. If it does not open, visit:\n\n    ${url}\n`)
        await openSystemBrowser(url).catch(() => out('(No browser could be started here: open the address above yourself.)'))
      },
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

/**
 * @example
 * const code = await loginCommand(['--device'], io)
 */
export async function loginCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const method = parse(argv)
  if (method === 'help') {
    io.stdout.write(LOGIN_HELP)
    return EXIT_CODE.OK
  }
  const { session, loaded } = await openSession(io.env)
  for (const note of describeSettings(loaded)) io.stderr.write(`mcp-warden login: warning: ${note}\n`)
  const status = await signIn(session, method, io)
  if (status.state !== 'signed-in') {
    throw new WardenError('ERR_SIGNED_OUT', 'The sign-in did not complete. Run `mcp-warden login` again.')
  }
  const who = status.user.email ?? status.user.subject
  io.stdout.write(`Signed in as ${who} at ${status.user.issuer}. The session is kept in your keychain.\n`)
  const reloaded = await withRunningAgent(io.env, 'mcp-warden login', (agent) => agent.reloadSession())
  if (reloaded !== undefined) io.stdout.write('The running MCP Warden agent now uses this session.\n')
  return EXIT_CODE.OK
}
