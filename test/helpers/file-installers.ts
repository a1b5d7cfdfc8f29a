/**
 * test/helpers/file-installers.ts — a small ClientInstallers over one real JSON file per client in a temp directory,
 * for the desktop app's tests while the real installers (desktop/src/installers) are built in parallel: entries
 * whose command is the launcher are protected; a plan wraps the others (or unwraps them), shows a line diff, and
 * refuses to apply when the file changed since.
 *
 * @example
 * const installers = createFileInstallers({ 'claude-desktop': join(dir, 'claude.json') })
 */
import { readFile, writeFile } from 'node:fs/promises'
import { WardenError } from '../../shared/src/index.js'
import type { ClientId, ClientInstallers, ClientReport, InstallerContext, PreparedPlan } from '../../desktop/src/installers/client-config.js'

const LABELS: Record<ClientId, string> = { 'claude-desktop': 'Claude Desktop', cursor: 'Cursor', vscode: 'VS Code', windsurf: 'Windsurf', 'claude-code': 'Claude Code' }

interface Entry {
  command: string
  args: string[]
}
type Config = { mcpServers: Record<string, Entry> }

async function readConfig(path: string): Promise<{ text: string; config: Config } | undefined> {
  try {
    const text = await readFile(path, 'utf8')
    return { text, config: JSON.parse(text) as Config }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined
    throw error
  }
}

/** A unified diff of two small texts in one hunk, from their longest common subsequence of lines. */
function lineDiff(path: string, before: string, after: string): string {
  if (before === after) return ''
  const a = before.trimEnd().split('\n')
  const b = after.trimEnd().split('\n')
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i -= 1) for (let j = b.length - 1; j >= 0; j -= 1) common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!)
  const lines: string[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(` ${a[i]}`)
      i += 1
      j += 1
    } else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) lines.push(`-${a[i++]}`)
    else lines.push(`+${b[j++]}`)
  }
  return [`--- ${path}`, `+++ ${path}`, `@@ -1,${a.length} +1,${b.length} @@`, ...lines].join('\n')
}

export function createFileInstallers(paths: Partial<Record<ClientId, string>>): ClientInstallers {
  const isProtected = (entry: Entry, context: InstallerContext): boolean => entry.command === context.launcher.command
  return {
    async detectClients(context) {
      const reports: ClientReport[] = []
      for (const [client, configPath] of Object.entries(paths) as [ClientId, string][]) {
        const read = await readConfig(configPath)
        reports.push({
          client,
          label: LABELS[client],
          configPath,
          state: read === undefined ? 'absent' : 'found',
          servers: Object.entries(read?.config.mcpServers ?? {}).map(([name, entry]) => ({ name, kind: 'stdio', protected: isProtected(entry, context), drift: !isProtected(entry, context) })),
          launcherMissing: false,
        })
      }
      return reports
    },
    async planChange(context, client, action): Promise<PreparedPlan> {
      const configPath = paths[client]
      const read = configPath === undefined ? undefined : await readConfig(configPath)
      if (configPath === undefined || read === undefined) throw new WardenError('ERR_USAGE', `${LABELS[client]} has no configuration file here.`)
      const summary: string[] = []
      const servers: Record<string, Entry> = {}
      for (const [name, entry] of Object.entries(read.config.mcpServers)) {
        if (action === 'install' && !isProtected(entry, context)) {
          servers[name] = { command: context.launcher.command, args: [...context.launcher.args, 'proxy', '--name', name, '--', entry.command, ...entry.args] }
          summary.push(`${name}: launched through mcp-warden proxy`)
        } else if (action === 'uninstall' && isProtected(entry, context)) {
          const [command = '', ...args] = entry.args.slice(entry.args.indexOf('--') + 1)
          servers[name] = { command, args }
          summary.push(`${name}: launched directly again`)
        } else servers[name] = entry
      }
      const after = `${JSON.stringify({ ...read.config, mcpServers: servers }, null, 2)}\n`
      return {
        plan: { client, action, configPath, diff: lineDiff(configPath, read.text, after), summary },
        async apply() {
          if ((await readFile(configPath, 'utf8')) !== read.text) throw new WardenError('ERR_USAGE', `${configPath} changed since this plan was made. Review the change again.`)
          await writeFile(configPath, after)
          return `Restart ${LABELS[client]} to use the protected servers.`
        },
      }
    },
  }
}
