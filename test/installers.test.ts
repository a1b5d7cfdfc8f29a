/**
 * test/installers.test.ts — `mcp-warden install|uninstall|clients` as real processes on a temporary home, and the
 * end-to-end path: a Claude Desktop config protected by the CLI, its rewritten entry launched exactly as a host
 * launches it (command + args + env, a minimal PATH, cwd /), and an MCP SDK Client calling tools through it.
 */
import { constants } from 'node:fs'
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditRecord } from '../shared/src/index.js'
import { clientReportSchema } from '../desktop/src/installers/client-config.js'
import { CLI, EVERYTHING_SERVER, runNode } from './helpers/cli.js'
import { startTestIdp, testPolicy, type TestIdp, type ToolResult } from './helpers/governed.js'

const homes: string[] = []

async function home(): Promise<{ dir: string; env: NodeJS.ProcessEnv; claudeConfig: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-install-it-'))
  homes.push(dir)
  // Only what a person's shell would have; no XDG_* so the defaults under HOME apply.
  return { dir, env: { HOME: dir, PATH: process.env['PATH'] }, claudeConfig: join(dir, '.config', 'Claude', 'claude_desktop_config.json') }
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}

afterEach(async () => {
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

const CLAUDE_CONFIG = `{
  "mcpServers": {
    "everything": {
      "command": "${process.execPath}",
      "args": ["${EVERYTHING_SERVER}", "stdio"]
    }
  },
  "globalShortcut": ""
}
`

describe('mcp-warden install, uninstall and clients', () => {
  it('shows the diff and changes nothing without --yes when there is no terminal to ask on', async () => {
    const { env, claudeConfig } = await home()
    await write(claudeConfig, CLAUDE_CONFIG)
    const run = await runNode([CLI, 'install', 'claude-desktop'], env)
    expect(run.code).toBe(2)
    expect(run.stdout).toContain(`+++ b${claudeConfig}`)
    expect(run.stdout).toMatch(/^\+\s+"proxy",$/m)
    expect(run.stderr).toContain('Nothing was changed: review the diff above, then run `mcp-warden install claude-desktop --yes` to apply it.')
    expect(await readFile(claudeConfig, 'utf8')).toBe(CLAUDE_CONFIG)

    const dry = await runNode([CLI, 'install', 'claude-desktop', '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('Dry run: nothing was changed.')
    expect(await readFile(claudeConfig, 'utf8')).toBe(CLAUDE_CONFIG)
  })

  it('installs with --yes (writing the launcher shim), reports it, and uninstall restores the file byte for byte', async () => {
    const { dir, env, claudeConfig } = await home()
    await write(claudeConfig, CLAUDE_CONFIG)
    const installed = await runNode([CLI, 'install', 'all', '--yes'], env)
    expect(installed.code).toBe(0)
    expect(installed.stdout).toContain(`Cursor: no config at ${join(dir, '.cursor', 'mcp.json')}; nothing to change.`)
    expect(installed.stdout).toContain(`Claude Desktop: protected 1 server in ${claudeConfig}. Quit and reopen Claude Desktop to use the protected servers.`)
    const shim = join(dir, '.local', 'share', 'mcp-warden', 'bin', 'mcp-warden')
    await access(shim, constants.X_OK)
    expect(await readFile(shim, 'utf8')).toContain(`exec '${process.execPath}' '${CLI}' "$@"`)

    const clients = await runNode([CLI, 'clients', '--json'], env)
    expect(clients.code).toBe(0)
    const reports = clientReportSchema.array().parse(JSON.parse(clients.stdout))
    expect(reports.find((r) => r.client === 'claude-desktop')).toEqual({
      client: 'claude-desktop',
      label: 'Claude Desktop',
      configPath: claudeConfig,
      state: 'found',
      servers: [{ name: 'everything', kind: 'stdio', protected: true, drift: false }],
      launcherMissing: false,
    })
    expect(reports.filter((r) => r.state === 'absent').map((r) => r.client)).toEqual(['cursor', 'vscode', 'windsurf', 'claude-code'])
    const human = await runNode([CLI, 'clients'], env)
    expect(human.stdout).toMatch(/^ {2}everything +stdio +protected$/m)

    const again = await runNode([CLI, 'install', 'claude-desktop'], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Claude Desktop: already protected; nothing to change.')

    const removed = await runNode([CLI, 'uninstall', 'all', '--yes'], env)
    expect(removed.code).toBe(0)
    expect(removed.stdout).toContain('Claude Desktop: restored 1 server')
    expect(await readFile(claudeConfig, 'utf8')).toBe(CLAUDE_CONFIG)
  })

  it('names the line and column of a malformed config and leaves it alone; rejects an unknown client', async () => {
    const { dir, env } = await home()
    const vscode = join(dir, '.config', 'Code', 'User', 'mcp.json')
    const broken = '{\n  "servers": {\n    "x": { "command": "npx" "args": [] }\n  }\n}\n'
    await write(vscode, broken)
    const run = await runNode([CLI, 'install', 'vscode', '--yes'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`mcp-warden install: ${vscode} is not valid JSON at line 3, column 29 (CommaExpected). MCP Warden left it unchanged`)
    expect(await readFile(vscode, 'utf8')).toBe(broken)
    const clients = await runNode([CLI, 'clients'], env)
    expect(clients.stdout).toContain(`VS Code: error: ${vscode} is not valid JSON at line 3, column 29`)

    const unknown = await runNode([CLI, 'install', 'emacs'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown client "emacs": use claude-desktop, cursor, vscode, windsurf, claude-code or all.')
  })
})

describe('a protected Claude Desktop entry, launched as Claude Desktop launches it', () => {
  let idp: TestIdp

  beforeAll(async () => {
    idp = await startTestIdp()
  })

  afterAll(async () => {
    await idp?.close()
  })

  it('starts server-everything through the proxy: an allowed call succeeds and is audited, another is denied by policy', async () => {
    const { dir, env, claudeConfig } = await home()
    await write(claudeConfig, CLAUDE_CONFIG)
    // The proxy's default configuration under the same HOME (headless: the token comes from the environment; the
    // signed-in agent needs a keychain and is covered by test/sign-in-agent.test.ts).
    const wardenDir = join(dir, '.config', 'mcp-warden')
    await write(join(wardenDir, 'policy.yaml'), testPolicy(`rules:
  - id: engineering-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo]
`))
    await write(join(wardenDir, 'proxy.yaml'), `identity: { issuer: "${idp.issuer}", audience: "${idp.clientId}" }\npolicy: { file: ./policy.yaml }\naudit: { file: ./audit.jsonl }\n`)
    expect((await runNode([CLI, 'install', 'claude-desktop', '--yes'], env)).code).toBe(0)

    const entry = (JSON.parse(await readFile(claudeConfig, 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> }).mcpServers['everything']
    if (entry === undefined) throw new Error('the entry is gone')
    expect(entry.command).toBe(join(dir, '.local', 'share', 'mcp-warden', 'bin', 'mcp-warden'))
    const alice = await idp.signIn('alice')
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...entry.env, PATH: '/usr/bin:/bin', HOME: dir, MCP_WARDEN_TOKEN: alice.idToken },
      cwd: '/',
      stderr: 'pipe',
    })
    const client = new Client({ name: 'claude-desktop-like', version: '1.0.0' }, { capabilities: {} })
    await client.connect(transport)
    try {
      const echo = (await client.callTool({ name: 'echo', arguments: { message: 'through the installed entry' } })) as ToolResult
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: through the installed entry' }])
      const sum = (await client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })) as ToolResult
      expect(sum.isError).toBe(true)
      expect(sum._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_POLICY_DENIED')
    } finally {
      await client.close()
    }
    const audit = (await readFile(join(wardenDir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditRecord)
    expect(audit.find((r) => r.kind === 'decision' && r.target === 'echo')).toMatchObject({ decision: 'allow', server: 'everything', identity: { email: 'alice@example.com' } })
    expect(audit.find((r) => r.kind === 'decision' && r.target === 'get-sum')).toMatchObject({ decision: 'deny', server: 'everything' })
  })
})
