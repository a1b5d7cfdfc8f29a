/**
 * desktop/src/cli/proxy-upstream.ts — the server side of `mcp-warden proxy`: a child process (`-- COMMAND`) or a
 * Streamable HTTP server (`--url`), each opened the same way so one runBridge serves both.
 */
import { WardenError } from '@mcp-warden/core'
import {
  createHttpUpstreamTransport,
  filterServerEnvironment,
  StdioChildTransport,
  type BridgeOptions,
  type FrameErrorHandler,
  type UpstreamTokenSource,
} from '@mcp-warden/sdk'
import type { CliIo } from './io.js'
import type { Logger } from './logger.js'

/** Where the server is: a command to run, or a Streamable HTTP endpoint. */
export type Upstream =
  | { readonly kind: 'command'; readonly command: string; readonly args: readonly string[] }
  | { readonly kind: 'url'; readonly url: URL }

/** The server side of the bridge, and what to say when it closed first. */
export interface OpenedUpstream {
  readonly transport: BridgeOptions['server']
  stopped(): string
}

export type OpenUpstream = (framing: Framing, onFrameError: FrameErrorHandler) => OpenedUpstream

export type Framing = { maxMessageBytes?: number | undefined; maxDepth?: number | undefined } | undefined

/** Runs COMMAND as a child process with the host's environment minus Warden's variables. */
export function commandUpstream(upstream: Extract<Upstream, { kind: 'command' }>, io: CliIo): OpenUpstream {
  return (framing, onFrameError) => {
    const child = new StdioChildTransport({
      command: upstream.command,
      args: [...upstream.args],
      env: filterServerEnvironment(io.env),
      cwd: io.cwd,
      stderr: 'inherit',
      ...framing,
      onFrameError,
    })
    let exit = ''
    child.onexit = (code, signal) => {
      exit = signal !== null ? `signal ${signal}` : `code ${code}`
    }
    return { transport: child, stopped: () => `the MCP server "${upstream.command}" stopped (${exit || 'closed its output'})` }
  }
}

/**
 * Connects to the server at `url`, authenticated with `getToken`; throws TypeError for a URL it must not use.
 *
 * @example
 * const open = urlUpstream(new URL('https://crm.example.com/mcp'), envUpstreamToken(process.env, 'MCP_WARDEN_UPSTREAM_TOKEN'), log)
 */
export function urlUpstream(url: URL, getToken: UpstreamTokenSource, log: Logger): OpenUpstream {
  const transport = createHttpUpstreamTransport({
    url,
    getToken,
    onAuthFailure: () => log.warn(`the MCP server at ${url.origin} refused the access token twice; sign in again (mcp-warden login).`),
  })
  // Frames over HTTP are parsed by the SDK's transport; the stdio framing limits do not apply.
  return () => ({ transport, stopped: () => `the connection to the MCP server at ${url.origin} closed` })
}

/**
 * The access token for the remote server, from the variable the configuration names. Never logged.
 *
 * @example
 * const getToken = envUpstreamToken(io.env, config.identity.upstreamTokenEnv)
 */
export function envUpstreamToken(env: NodeJS.ProcessEnv, variable: string): UpstreamTokenSource {
  return async ({ url }) => {
    const token = env[variable]
    if (token === undefined || token === '') {
      throw new WardenError(
        'ERR_SIGNED_OUT',
        `MCP Warden has no access token for the MCP server at ${url.origin} (${variable} is not set). Sign in with \`mcp-warden login\`, then try again.`,
        { stage: 'proxy' },
      )
    }
    return token
  }
}
