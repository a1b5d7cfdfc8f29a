/**
 * sdk/src/transports/filter-server-environment.ts — the environment an upstream MCP server is started with.
 */

/** Prefix of MCP Warden's own variables (agent socket path, config file, log level…). */
const WARDEN_PREFIX = 'MCP_WARDEN_'

/**
 * Variables that belong to the proxy's own runtime, not to the server. `ELECTRON_RUN_AS_NODE` is set when the
 * proxy runs on the desktop app's Electron binary; passed on, it would make a server that is itself an Electron
 * app start as plain Node.
 */
const RUNTIME_VARIABLES = new Set(['ELECTRON_RUN_AS_NODE'])

/**
 * The environment for the MCP server: what the MCP host gave the proxy for this server entry, minus Warden's
 * own variables. The MCP authorization spec has stdio servers take their credentials from the environment
 * (MCP 2025-11-25, Authorization, "Protocol Requirements"), so the host's entry is passed on whole; only what Warden added is
 * removed, so the agent's socket path and settings never reach a server. Every key starting with
 * `MCP_WARDEN_` (exact, case-sensitive prefix) goes, and so does `ELECTRON_RUN_AS_NODE`. Unset (undefined)
 * entries are left out. The input is not changed.
 *
 * @example
 * const env = filterServerEnvironment(process.env)
 * const upstream = new StdioChildTransport({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'], env })
 */
export function filterServerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const filtered: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith(WARDEN_PREFIX) || RUNTIME_VARIABLES.has(key)) continue
    filtered[key] = value
  }
  return filtered
}
