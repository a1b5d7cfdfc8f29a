/**
 * desktop/src/installers/client-config.ts — the shapes the "protect my clients" installers report and plan, shared by
 * `mcp-warden install`/`uninstall` and the desktop app's Clients screen (over IPC, hence zod).
 */
import { z } from 'zod'

/** The MCP hosts whose configs Warden can rewrite. */
export const CLIENT_IDS = ['claude-desktop', 'cursor', 'vscode', 'windsurf', 'claude-code'] as const
export type ClientId = (typeof CLIENT_IDS)[number]
export const clientIdSchema = z.enum(CLIENT_IDS)

const text = z.string().max(4096)

/** One server entry of a client's config as Warden sees it. */
export const configuredServerSchema = z.object({
  name: text,
  /** `stdio`: a command the host launches; `remote`: a URL the host connects to. */
  kind: z.enum(['stdio', 'remote']),
  /** Launched through (or routed to) the Warden proxy. */
  protected: z.boolean(),
  /**
   * Added or edited by hand since Warden last wrote the file (an unprotected entry, or a protected one whose kept
   * original no longer matches): the app offers to protect it.
   */
  drift: z.boolean(),
  /** Why an entry cannot be protected (e.g. a remote server in a client without HTTP-upstream support). */
  note: text.optional(),
  /** For entries of one project only (Claude Code's `projects[<path>].mcpServers`): that project's path. */
  scope: text.optional(),
})

/** One client on this machine: where its config is, and what it holds. */
export const clientReportSchema = z.object({
  client: clientIdSchema,
  /** Human name, e.g. "Claude Desktop". */
  label: text,
  configPath: text,
  /** `absent`: the client's config file does not exist; `error`: it exists but cannot be read or parsed. */
  state: z.enum(['found', 'absent', 'error']),
  /** With `error`: what is wrong and what to do (the file is left untouched). */
  error: text.optional(),
  servers: z.array(configuredServerSchema),
  /** The launcher written into protected entries is missing or stale: installing again repairs it. */
  launcherMissing: z.boolean(),
})

/** A change Warden would make to one client's config, shown to the person before it is applied. */
export const configPlanSchema = z.object({
  client: clientIdSchema,
  action: z.enum(['install', 'uninstall']),
  configPath: text,
  /** Unified diff of the file, before → after. Empty when there is nothing to change (already protected). */
  diff: z.string().max(1024 * 1024),
  /** One line per server entry touched, e.g. "filesystem: launched through mcp-warden proxy". */
  summary: z.array(text),
})

export type ConfiguredServer = z.output<typeof configuredServerSchema>
export type ClientReport = z.output<typeof clientReportSchema>
export type ConfigPlan = z.output<typeof configPlanSchema>

/**
 * How configs launch the proxy: a stable shim (its path survives app updates), e.g.
 * `{ command: '/home/a/.local/share/mcp-warden/bin/mcp-warden', args: [] }`; entries become `command args… proxy …`.
 */
export interface Launcher {
  readonly command: string
  readonly args: readonly string[]
  /**
   * Variables every protected entry must carry for this launcher, e.g. `{ ELECTRON_RUN_AS_NODE: '1' }` when `command`
   * is the packaged app's executable itself rather than the shim (the shim sets it on its own).
   */
  readonly env?: Readonly<Record<string, string>>
}

/** Where the installers look and keep their undo records. */
export interface InstallerContext {
  readonly platform: NodeJS.Platform
  readonly homeDir: string
  readonly env: NodeJS.ProcessEnv
  readonly launcher: Launcher
  /** Warden's own state directory (kept originals for undo, backups). */
  readonly stateDir: string
}

/** A planned change, ready to apply once the person has seen `plan.diff`. */
export interface PreparedPlan {
  readonly plan: ConfigPlan
  /**
   * Writes the change atomically (backup first). Refuses with a clear error when the file changed since the plan.
   * Resolves to what to tell the person (e.g. "Restart Claude Desktop to use the protected servers.").
   */
  apply(): Promise<string>
}

/** The installers as the CLI and the app use them (desktop/src/installers/index.ts implements this). */
export interface ClientInstallers {
  detectClients(context: InstallerContext): Promise<ClientReport[]>
  planChange(context: InstallerContext, client: ClientId, action: 'install' | 'uninstall'): Promise<PreparedPlan>
}
