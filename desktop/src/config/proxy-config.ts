/**
 * desktop/src/config/proxy-config.ts — the proxy's configuration file (YAML or JSON), checked once at start.
 *
 * With the per-user agent (the product): identity, limits and audit come from the agent, the IdP from the
 * organisation's settings (docs/settings.md).
 * ```yaml
 * agent: {}                                  # optional `socket: PATH`; default: the platform's place
 * policy: { file: ./policy.yaml }
 * ```
 * Headless, without an agent (CI, servers): the token comes from the environment.
 * ```yaml
 * identity:
 *   issuer: https://login.example.com        # exact issuer of the OIDC provider
 *   audience: mcp-warden                     # our client id (ID tokens) or our resource (JWT access tokens)
 *   tokenEnv: MCP_WARDEN_TOKEN               # headless use: the token comes from this variable
 *   upstreamTokenEnv: MCP_WARDEN_UPSTREAM_TOKEN  # `proxy --url`: the access token for that server (audience = its URL)
 * policy: { file: ./policy.yaml }            # relative paths are relative to this file
 * audit: { file: ~/.local/state/mcp-warden/audit.jsonl }
 * ```
 * Every problem is reported with its location, as ERR_CONFIG_INVALID (exit code 2).
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, extname, isAbsolute, resolve } from 'node:path'
import { WardenError } from '@mcp-warden/core'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

/** Warden's variables are never passed to the MCP server; the token variable must be one of them. */
const WARDEN_VARIABLE = /^MCP_WARDEN_[A-Z0-9_]+$/

const identitySchema = z.strictObject({
    issuer: z.url({ protocol: /^https?$/ }),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    tokenEnv: z
      .string()
      .regex(WARDEN_VARIABLE, 'must start with MCP_WARDEN_ so that it is never passed to the MCP server')
      .default('MCP_WARDEN_TOKEN'),
    upstreamTokenEnv: z
      .string()
      .regex(WARDEN_VARIABLE, 'must start with MCP_WARDEN_ so that it is never passed to an MCP server')
      .default('MCP_WARDEN_UPSTREAM_TOKEN'),
    clockToleranceSeconds: z.number().int().min(0).max(300).optional(),
})

const configSchema = z.strictObject({
  agent: z.strictObject({ socket: z.string().min(1).optional() }).optional(),
  identity: identitySchema.optional(),
  policy: z.strictObject({ file: z.string().min(1) }).optional(),
  audit: z.strictObject({ file: z.string().min(1) }).optional(),
  limits: z.strictObject({ store: z.literal('memory') }).optional(),
  framing: z
    .strictObject({
      maxMessageBytes: z.number().int().min(1024).optional(),
      maxDepth: z.number().int().min(8).max(10_000).optional(),
    })
    .optional(),
}).superRefine((config, ctx) => {
  if (config.agent !== undefined) {
    for (const key of ['identity', 'audit', 'limits'] as const) {
      if (config[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'comes from the agent when `agent` is set: remove it' })
    }
    return
  }
  for (const key of ['identity', 'audit', 'policy'] as const) {
    if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required without `agent` (or add `agent: {}` to use the signed-in agent)' })
  }
})

type Framing = z.infer<typeof configSchema>['framing']

/** Identity, limits and audit from the user's agent. */
export interface AgentProxyConfig {
  readonly mode: 'agent'
  readonly agent: { readonly socket?: string | undefined }
  /** Enforced only when the organisation's settings name no central policy (the development opt-in). */
  readonly policy: { readonly file: string } | undefined
  readonly framing: Framing
  readonly path: string
}

/** Without an agent: the token from the environment, limits in memory, a local audit file. */
export interface HeadlessProxyConfig {
  readonly mode: 'headless'
  readonly identity: z.infer<typeof identitySchema>
  readonly policy: { readonly file: string }
  readonly audit: { readonly file: string }
  readonly framing: Framing
  readonly path: string
}

export type ProxyConfig = AgentProxyConfig | HeadlessProxyConfig

function expandPath(file: string, base: string): string {
  if (file === '~' || file.startsWith('~/')) return resolve(homedir(), file.slice(2))
  return isAbsolute(file) ? file : resolve(base, file)
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`).join('; ')
}

/** Parses configuration text; `path` is used for messages and to resolve relative file names. */
export function parseProxyConfig(text: string, path: string): ProxyConfig {
  let raw: unknown
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true })
  } catch (cause) {
    throw new WardenError('ERR_CONFIG_INVALID', `The configuration file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`, { cause })
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    throw new WardenError('ERR_CONFIG_INVALID', `The configuration file ${path} has errors: ${describeIssues(parsed.error)}`)
  }
  const base = dirname(path)
  const { agent, identity, audit, framing } = parsed.data
  const policy = parsed.data.policy === undefined ? undefined : { file: expandPath(parsed.data.policy.file, base) }
  if (agent !== undefined) {
    return { mode: 'agent', agent: agent.socket === undefined ? {} : { socket: expandPath(agent.socket, base) }, policy, framing, path }
  }
  // All three are present: the schema requires them without `agent`.
  return { mode: 'headless', identity: identity!, policy: policy!, audit: { file: expandPath(audit!.file, base) }, framing, path }
}

/**
 * The configuration a proxy runs with when none was given and the per-user file does not exist — what the
 * installers write into host configs relies on it: the signed-in agent, the organisation's central policy, no
 * local policy file (with no central policy in the settings, every call is refused and says why).
 */
export function builtInProxyConfig(): AgentProxyConfig {
  return { mode: 'agent', agent: {}, policy: undefined, framing: undefined, path: '(built-in: the MCP Warden agent and your organisation\'s policy)' }
}

/**
 * Reads the configuration: `--config`, else `MCP_WARDEN_CONFIG`, else the per-user file, else the built-in one
 * (`builtInProxyConfig`).
 *
 * @example
 * const config = await loadProxyConfig({ flag: values.config, env: process.env, cwd: process.cwd() })
 */
export async function loadProxyConfig(options: { flag?: string | undefined; env: NodeJS.ProcessEnv; cwd: string }): Promise<ProxyConfig> {
  const chosen = options.flag ?? options.env['MCP_WARDEN_CONFIG']
  const path = chosen !== undefined ? resolve(options.cwd, chosen) : defaultConfigPath(options.env)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    if (chosen === undefined && code === 'ENOENT') return builtInProxyConfig()
    const hint =
      chosen === undefined
        ? `Cannot read the configuration file ${path} (${code}). Fix its permissions, or pass --config FILE.`
        : `Cannot read the configuration file ${path} (${code}). Check the path given to --config.`
    throw new WardenError('ERR_CONFIG_INVALID', hint, { cause })
  }
  return parseProxyConfig(text, path)
}

/** `$XDG_CONFIG_HOME/mcp-warden/proxy.yaml` (Linux), the same under ~/.config elsewhere until the app writes its own. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] ?? resolve(homedir(), '.config')
  return resolve(base, 'mcp-warden', 'proxy.yaml')
}
