/**
 * desktop/src/config/proxy-config.ts — the proxy's configuration file (YAML or JSON), checked once at start.
 *
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

const configSchema = z.strictObject({
  identity: z.strictObject({
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
  }),
  policy: z.strictObject({ file: z.string().min(1) }),
  audit: z.strictObject({ file: z.string().min(1) }),
  limits: z.strictObject({ store: z.literal('memory') }).optional(),
  framing: z
    .strictObject({
      maxMessageBytes: z.number().int().min(1024).optional(),
      maxDepth: z.number().int().min(8).max(10_000).optional(),
    })
    .optional(),
})

export type ProxyConfig = z.infer<typeof configSchema> & { readonly path: string }

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
  const config = parsed.data
  return {
    ...config,
    policy: { file: expandPath(config.policy.file, base) },
    audit: { file: expandPath(config.audit.file, base) },
    path,
  }
}

/**
 * Reads the configuration: `--config`, else `MCP_WARDEN_CONFIG`, else the per-user default.
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
    const hint =
      chosen === undefined
        ? `No configuration was given and ${path} does not exist. Pass --config FILE, or run \`mcp-warden demo\` to see a working setup.`
        : `Cannot read the configuration file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}). Check the path given to --config.`
    throw new WardenError('ERR_CONFIG_INVALID', hint, { cause })
  }
  return parseProxyConfig(text, path)
}

/** `$XDG_CONFIG_HOME/mcp-warden/proxy.yaml` (Linux), the same under ~/.config elsewhere until the app writes its own. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] ?? resolve(homedir(), '.config')
  return resolve(base, 'mcp-warden', 'proxy.yaml')
}
