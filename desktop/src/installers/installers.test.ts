/**
 * The installers on real files in a temporary home: each host's real config shape, install then uninstall
 * restoring the file byte for byte, idempotence, malformed and read-only files left untouched, a file changed
 * between plan and apply, and entries edited by hand after install.
 */
import { chmod, chown, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parse } from 'jsonc-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { CLIENT_IDS, type ClientId, type InstallerContext } from './client-config.js'
import { CLIENTS, clientInstallers, launcherShimPath, shimLauncher, writeLauncherShim } from './index.js'
import { SAMPLES, temporaryHome, writeConfig } from './testing/samples.js'

const { detectClients, planChange } = clientInstallers
const homes: string[] = []

async function home(): Promise<InstallerContext> {
  const context = await temporaryHome()
  homes.push(context.homeDir)
  return context
}

afterEach(async () => {
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function install(context: InstallerContext, client: ClientId): Promise<string> {
  return (await planChange(context, client, 'install')).apply()
}

function servers(text: string, client: ClientId, scope?: string): Record<string, Record<string, unknown>> {
  const root = parse(text, [], { allowTrailingComma: true }) as Record<string, unknown>
  if (scope !== undefined) return ((root['projects'] as Record<string, Record<string, unknown>>)[scope] as Record<string, unknown>)['mcpServers'] as never
  return root[client === 'vscode' ? 'servers' : 'mcpServers'] as never
}

async function backups(context: InstallerContext): Promise<string[]> {
  return readdir(join(context.stateDir, 'installers', 'backups')).catch(() => [])
}

describe('install then uninstall, on each host’s own config shape', () => {
  it.each(CLIENT_IDS)('%s: protects every server it can and uninstall restores the file byte for byte', async (client) => {
    const context = await home()
    const path = await writeConfig(context, client, SAMPLES[client])
    const prepared = await planChange(context, client, 'install')
    expect(prepared.plan).toMatchObject({ client, action: 'install', configPath: path })
    expect(prepared.plan.diff).toContain(`--- a${path}`)
    expect(prepared.plan.diff).toMatch(/^\+\s*"proxy",$/m)
    expect(await readFile(path, 'utf8')).toBe(SAMPLES[client])
    expect(await prepared.apply()).toContain(CLIENTS[client].restart)
    const report = (await detectClients(context)).find((r) => r.client === client)
    expect(report?.state).toBe('found')
    for (const server of report?.servers ?? []) expect(server.drift).toBe(false)

    const uninstall = await planChange(context, client, 'uninstall')
    expect(uninstall.plan.summary).toContain('the file as it was before MCP Warden, byte for byte')
    await uninstall.apply()
    expect(await readFile(path, 'utf8')).toBe(SAMPLES[client])
    expect((await detectClients(context)).find((r) => r.client === client)?.servers.every((s) => !s.protected)).toBe(true)
  })

  it('Claude Desktop: stdio entries run the launcher with `proxy --name NAME -- COMMAND ARGS…`, env and other fields kept', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-desktop', SAMPLES['claude-desktop'])
    await install(context, 'claude-desktop')
    const text = await readFile(path, 'utf8')
    expect(servers(text, 'claude-desktop')['github']).toEqual({
      command: launcherShimPath(context),
      args: ['proxy', '--name', 'github', '--', 'docker', 'run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_exampleexampleexample' },
    })
    expect(text).toContain('"globalShortcut": "Ctrl+Space"')
  })

  it('names the proxy after the entry, made into a valid server name', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-desktop', '{"mcpServers": {"Google Drive (work)": {"command": "npx", "args": ["-y", "@isaacphi/mcp-gdrive"]}}}')
    await install(context, 'claude-desktop')
    expect(servers(await readFile(path, 'utf8'), 'claude-desktop')['Google Drive (work)']?.['args']).toEqual(['proxy', '--name', 'Google-Drive-work', '--', 'npx', '-y', '@isaacphi/mcp-gdrive'])
  })

  it('VS Code: keeps comments, tabs, trailing commas and `inputs`; remote servers become `type: stdio` through `proxy --url`', async () => {
    const context = await home()
    const path = await writeConfig(context, 'vscode', SAMPLES.vscode)
    await install(context, 'vscode')
    const text = await readFile(path, 'utf8')
    for (const kept of ['// Servers for Copilot agent mode.', '// the published server', '/* remote, no auth headers */', '"id": "perplexity-key",', '\t\t\t"password": true,\n\t\t},\n\t],']) {
      expect(text).toContain(kept)
    }
    const entries = servers(text, 'vscode')
    expect(entries['perplexity']).toEqual({
      type: 'stdio',
      command: launcherShimPath(context),
      args: ['proxy', '--name', 'perplexity', '--', 'npx', '-y', 'server-perplexity-ask'],
      env: { PERPLEXITY_API_KEY: '${input:perplexity-key}' },
    })
    expect(entries['fetch']).toEqual({
      type: 'stdio',
      command: launcherShimPath(context),
      args: ['proxy', '--name', 'fetch', '--url', 'https://remote.mcpservers.org/fetch/mcp'],
    })
  })

  it('Windsurf: a remote `serverUrl` entry goes through `proxy --url` and comes back as `serverUrl`', async () => {
    const context = await home()
    const path = await writeConfig(context, 'windsurf', SAMPLES.windsurf)
    await install(context, 'windsurf')
    expect(servers(await readFile(path, 'utf8'), 'windsurf')['context7']).toEqual({
      command: launcherShimPath(context),
      args: ['proxy', '--name', 'context7', '--url', 'https://mcp.context7.com/mcp'],
    })
    // Edited elsewhere, so the undo goes entry by entry and must rebuild the remote shape.
    await writeFile(path, (await readFile(path, 'utf8')).replace('"mcpServers"', '"theme": "dark",\n  "mcpServers"'))
    await (await planChange(context, 'windsurf', 'uninstall')).apply()
    expect(servers(await readFile(path, 'utf8'), 'windsurf')['context7']).toEqual({ serverUrl: 'https://mcp.context7.com/mcp' })
  })

  it('Claude Code: protects the user’s top-level servers and each project’s, reported with their project', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-code', SAMPLES['claude-code'])
    await install(context, 'claude-code')
    const text = await readFile(path, 'utf8')
    expect(servers(text, 'claude-code')['sequential-thinking']?.['args']).toEqual(['proxy', '--name', 'sequential-thinking', '--', 'npx', '-y', '@modelcontextprotocol/server-sequential-thinking'])
    const project = servers(text, 'claude-code', '/home/alice/src/app')
    expect(project['db']).toMatchObject({ type: 'stdio', args: ['proxy', '--name', 'db', '--', 'node', '/home/alice/src/app/tools/db-mcp.js'], env: { DATABASE_URL: 'postgres://localhost/app' } })
    expect(project['sentry']).toEqual({ type: 'stdio', command: launcherShimPath(context), args: ['proxy', '--name', 'sentry', '--url', 'https://mcp.sentry.dev/mcp'] })
    expect(text).toContain('"userID": "5f1c0ffee"')
    const report = (await detectClients(context)).find((r) => r.client === 'claude-code')
    expect(report?.servers.map((s) => [s.name, s.scope, s.kind, s.protected])).toEqual([
      ['sequential-thinking', undefined, 'stdio', true],
      ['sentry', '/home/alice/src/app', 'remote', true],
      ['db', '/home/alice/src/app', 'stdio', true],
    ])
  })

  it('leaves what it cannot protect, saying why: headers (Cursor), remote entries in Claude Desktop, plain http', async () => {
    const context = await home()
    await writeConfig(context, 'cursor', SAMPLES.cursor.replace('https://mcp.linear.app/mcp', 'http://mcp.example.com/mcp'))
    await writeConfig(context, 'claude-desktop', '{ "mcpServers": { "remote": { "url": "https://mcp.example.com/mcp" } } }\n')
    const reports = await detectClients(context)
    const cursor = reports.find((r) => r.client === 'cursor')?.servers ?? []
    expect(cursor.find((s) => s.name === 'internal-tools')?.note).toMatch(/sends its own HTTP headers/)
    expect(cursor.find((s) => s.name === 'linear')?.note).toMatch(/only over https/)
    expect(reports.find((r) => r.client === 'claude-desktop')?.servers[0]?.note).toMatch(/Connectors/)
    const plan = (await planChange(context, 'claude-desktop', 'install')).plan
    expect(plan.diff).toBe('')
    expect(plan.summary).toEqual([expect.stringMatching(/^remote: Claude Desktop does not launch remote servers/)])
  })
})

describe('idempotence and repair', () => {
  it('a second install changes nothing: empty diff, same bytes, no new backup', async () => {
    const context = await home()
    const path = await writeConfig(context, 'cursor', SAMPLES.cursor)
    await install(context, 'cursor')
    const after = await readFile(path)
    const taken = await backups(context)
    const again = await planChange(context, 'cursor', 'install')
    expect(again.plan.diff).toBe('')
    expect(await again.apply()).toBe('Cursor: already protected; nothing to change.')
    expect((await readFile(path)).equals(after)).toBe(true)
    expect(await backups(context)).toEqual(taken)
  })

  it('reports a missing or stale launcher shim, and a moved launcher is repaired by installing again', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-desktop', SAMPLES['claude-desktop'])
    await install(context, 'claude-desktop')
    const report = async () => (await detectClients(context)).find((r) => r.client === 'claude-desktop')
    expect((await report())?.launcherMissing).toBe(true)
    const script = join(context.homeDir, 'mcp-warden.js')
    await writeFile(script, '')
    await writeLauncherShim(context, { executable: process.execPath, script, electronRunAsNode: false })
    expect((await report())?.launcherMissing).toBe(false)
    await rm(script)
    expect((await report())?.launcherMissing).toBe(true)

    const moved = { ...context, launcher: { command: '/opt/mcp-warden/bin/mcp-warden', args: ['--quiet-start'] } }
    const repair = await planChange(moved, 'claude-desktop', 'install')
    expect(repair.plan.summary).toEqual(['filesystem: launcher updated', 'github: launcher updated'])
    await repair.apply()
    expect(servers(await readFile(path, 'utf8'), 'claude-desktop')['filesystem']?.['args']).toEqual(['--quiet-start', 'proxy', '--name', 'filesystem', '--', 'npx', '-y', '@modelcontextprotocol/server-filesystem', '/Users/alice/Desktop', '/Users/alice/Downloads'])
    await (await planChange(moved, 'claude-desktop', 'uninstall')).apply()
    expect(await readFile(path, 'utf8')).toBe(SAMPLES['claude-desktop'])
  })

  it('a launcher that needs variables (the packaged app run as Node) adds them to env, and uninstall takes them away', async () => {
    const context = await home()
    const path = await writeConfig(context, 'cursor', SAMPLES.cursor)
    const app = { ...context, launcher: { command: '/Applications/MCP Warden.app/Contents/MacOS/MCP Warden', args: ['/Applications/MCP Warden.app/Contents/Resources/cli/mcp-warden.js'], env: { ELECTRON_RUN_AS_NODE: '1' } } }
    await install(app, 'cursor')
    expect(servers(await readFile(path, 'utf8'), 'cursor')['postgres']?.['env']).toEqual({ ELECTRON_RUN_AS_NODE: '1' })
    await writeFile(path, `${await readFile(path, 'utf8')}\n`)
    await (await planChange(app, 'cursor', 'uninstall')).apply()
    expect(servers(await readFile(path, 'utf8'), 'cursor')['postgres']).toEqual({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/mydb'] })
  })
})

describe('files Warden must not damage', () => {
  it('keeps a byte-order mark and CRLF line endings', async () => {
    const context = await home()
    const windows = `\uFEFF${SAMPLES.windsurf.replaceAll('\n', '\r\n')}`
    const path = await writeConfig(context, 'windsurf', windows)
    await install(context, 'windsurf')
    const text = await readFile(path, 'utf8')
    expect(text.startsWith('\uFEFF{\r\n')).toBe(true)
    expect(text.replaceAll('\r\n', '')).not.toContain('\n')
    expect(servers(text.slice(1), 'windsurf')['git']?.['command']).toBe(launcherShimPath(context))
    await (await planChange(context, 'windsurf', 'uninstall')).apply()
    expect(await readFile(path, 'utf8')).toBe(windows)
  })

  it('malformed JSON: the report says which file, line and column; no plan; the file is untouched', async () => {
    const context = await home()
    const broken = SAMPLES.vscode.replace('"command": "npx",', '"command": "npx"')
    const path = await writeConfig(context, 'vscode', broken)
    const report = (await detectClients(context)).find((r) => r.client === 'vscode')
    expect(report).toMatchObject({ state: 'error', servers: [] })
    expect(report?.error).toBe(`${path} is not valid JSON at line 15, column 4 (CommaExpected). MCP Warden left it unchanged: fix it in a text editor, then try again.`)
    await expect(planChange(context, 'vscode', 'install')).rejects.toMatchObject({ code: 'ERR_CLIENT_CONFIG', details: { reason: 'malformed', line: 15, column: 4 } })
    expect(await readFile(path, 'utf8')).toBe(broken)
  })

  it('a read-only file is refused with a clear error and left unchanged (also when running as root)', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-desktop', SAMPLES['claude-desktop'])
    await chmod(path, 0o444)
    const prepared = await planChange(context, 'claude-desktop', 'install')
    await expect(prepared.apply()).rejects.toMatchObject({ code: 'ERR_CLIENT_CONFIG', message: `${path} is read-only. MCP Warden changed nothing; make it writable (for example \`chmod u+w\`) and try again.` })
    expect(await readFile(path, 'utf8')).toBe(SAMPLES['claude-desktop'])
    expect(await backups(context)).toEqual([])
  })

  it('refuses to apply a plan when the file changed after it was made', async () => {
    const context = await home()
    const path = await writeConfig(context, 'windsurf', SAMPLES.windsurf)
    const prepared = await planChange(context, 'windsurf', 'install')
    const edited = SAMPLES.windsurf.replace('"/home/alice/src/app"', '"/home/alice/src/api"')
    await writeFile(path, edited)
    await expect(prepared.apply()).rejects.toMatchObject({ code: 'ERR_CLIENT_CONFIG', details: { reason: 'changed' } })
    expect(await readFile(path, 'utf8')).toBe(edited)
  })

  it.runIf(process.getuid?.() === 0)('run as root, keeps the file owned by its owner', async () => {
    const context = await home()
    const path = await writeConfig(context, 'cursor', SAMPLES.cursor)
    await chown(path, 1000, 1000)
    await install(context, 'cursor')
    expect(await stat(path)).toMatchObject({ uid: 1000, gid: 1000 })
  })

  it('keeps the file’s mode, writes through a symbolic link, and backs up the original owner-only', async () => {
    const context = await home()
    const real = join(context.homeDir, 'dotfiles', 'mcp.json')
    await mkdir(dirname(real), { recursive: true })
    await writeFile(real, SAMPLES.cursor, { mode: 0o640 })
    await chmod(real, 0o640)
    const path = CLIENTS.cursor.configPath(context)
    await mkdir(dirname(path), { recursive: true })
    await symlink(real, path)
    await install(context, 'cursor')
    expect((await lstat(path)).isSymbolicLink()).toBe(true)
    expect((await stat(real)).mode & 0o777).toBe(0o640)
    expect(await readFile(real, 'utf8')).toContain('"proxy"')
    const [backup] = await backups(context)
    const backupPath = join(context.stateDir, 'installers', 'backups', backup as string)
    expect(await readFile(backupPath, 'utf8')).toBe(SAMPLES.cursor)
    expect((await stat(backupPath)).mode & 0o777).toBe(0o600)
  })
})

describe('entries changed by hand after install (drift)', () => {
  it('reports added and edited entries, protects them on the next install, and uninstall keeps the person’s edits', async () => {
    const context = await home()
    const path = await writeConfig(context, 'cursor', SAMPLES.cursor)
    await install(context, 'cursor')
    // By hand: a new server, and the protected postgres entry pointed at another database.
    const edited = (await readFile(path, 'utf8'))
      .replace('"mcpServers": {', '"mcpServers": {\n    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] },')
      .replace('"postgresql://localhost/mydb"', '"postgresql://localhost/otherdb"')
    await writeFile(path, edited)
    const drifted = (await detectClients(context)).find((r) => r.client === 'cursor')?.servers ?? []
    expect(drifted.map((s) => [s.name, s.protected, s.drift])).toEqual([
      ['memory', false, true],
      ['postgres', true, true],
      ['linear', true, false],
      ['internal-tools', false, false],
    ])
    const plan = await planChange(context, 'cursor', 'install')
    expect(plan.plan.summary).toEqual([
      'memory: launched through mcp-warden proxy',
      'postgres: edited by hand since it was protected; protected again as it is now',
      'internal-tools: sends its own HTTP headers, which the proxy would not pass on (it sends the token your identity provider issues for the server); left unchanged',
    ])
    await plan.apply()
    const after = (await detectClients(context)).find((r) => r.client === 'cursor')?.servers ?? []
    expect(after.map((s) => [s.name, s.protected, s.drift])).toEqual([
      ['memory', true, false],
      ['postgres', true, false],
      ['linear', true, false],
      ['internal-tools', false, false],
    ])
    await (await planChange(context, 'cursor', 'uninstall')).apply()
    const restored = servers(await readFile(path, 'utf8'), 'cursor')
    expect(restored).toEqual({
      memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
      postgres: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://localhost/otherdb'] },
      linear: { url: 'https://mcp.linear.app/mcp' },
      'internal-tools': { url: 'https://tools.internal.example.com/mcp', headers: { Authorization: 'Bearer ${env:TOOLS_TOKEN}' } },
    })
  })

  it('uninstall works without Warden’s undo records, from the entries themselves', async () => {
    const context = await home()
    const path = await writeConfig(context, 'claude-desktop', SAMPLES['claude-desktop'])
    await install(context, 'claude-desktop')
    await rm(join(context.stateDir, 'installers'), { recursive: true })
    await (await planChange(context, 'claude-desktop', 'uninstall')).apply()
    expect(parse(await readFile(path, 'utf8'))).toEqual(parse(SAMPLES['claude-desktop']))
  })
})

describe('paths on each platform', () => {
  const mac = { platform: 'darwin' as const, homeDir: '/Users/alice', env: {} }
  const windows = { platform: 'win32' as const, homeDir: 'C:\\Users\\alice', env: { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\alice\\AppData\\Local', SystemRoot: 'C:\\Windows' } }
  const linux = { platform: 'linux' as const, homeDir: '/home/alice', env: { XDG_CONFIG_HOME: '/home/alice/.cfg' } }

  it.each([
    ['claude-desktop', '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json', 'C:\\Users\\alice\\AppData\\Roaming\\Claude\\claude_desktop_config.json', '/home/alice/.cfg/Claude/claude_desktop_config.json'],
    ['cursor', '/Users/alice/.cursor/mcp.json', 'C:\\Users\\alice\\.cursor\\mcp.json', '/home/alice/.cursor/mcp.json'],
    ['vscode', '/Users/alice/Library/Application Support/Code/User/mcp.json', 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json', '/home/alice/.cfg/Code/User/mcp.json'],
    ['windsurf', '/Users/alice/.codeium/windsurf/mcp_config.json', 'C:\\Users\\alice\\.codeium\\windsurf\\mcp_config.json', '/home/alice/.codeium/windsurf/mcp_config.json'],
    ['claude-code', '/Users/alice/.claude.json', 'C:\\Users\\alice\\.claude.json', '/home/alice/.claude.json'],
  ] as const)('%s: macOS, Windows and Linux config paths', (client, macPath, windowsPath, linuxPath) => {
    expect([CLIENTS[client].configPath(mac), CLIENTS[client].configPath(windows), CLIENTS[client].configPath(linux)]).toEqual([macPath, windowsPath, linuxPath])
  })

  it('puts the launcher shim at a stable per-user path; on Windows hosts run it through cmd.exe', () => {
    expect(launcherShimPath(mac)).toBe('/Users/alice/Library/Application Support/MCP Warden/bin/mcp-warden')
    expect(launcherShimPath(linux)).toBe('/home/alice/.local/share/mcp-warden/bin/mcp-warden')
    expect(shimLauncher(linux)).toEqual({ command: '/home/alice/.local/share/mcp-warden/bin/mcp-warden', args: [] })
    expect(shimLauncher(windows)).toEqual({ command: 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/c', 'C:\\Users\\alice\\AppData\\Local\\MCP Warden\\bin\\mcp-warden.cmd'] })
  })
})
