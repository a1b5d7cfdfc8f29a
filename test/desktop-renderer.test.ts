/**
 * The desktop app's screens in Debian's Chromium, end to end with real parts: the built renderer under its strict
 * CSP, `window.warden` backed by the real handlers of createAppBackend, a real agent (`mcp-warden agent`), the
 * development IdP (oidc-provider) for the device sign-in, a real keyring on a private D-Bus bus, proxies in front
 * of @modelcontextprotocol/server-everything driven by the SDK's Client, and client configs in temp files.
 * Each screen and state is photographed: into docs/screenshots/ with MCP_WARDEN_UPDATE_SCREENSHOTS=1, else into a
 * temporary directory (the images hold times and temp paths, so a plain test run would change the committed ones).
 *
 * Needs /usr/bin/chromium (apt: chromium) and the keyring tools (see .ci/with-keyring.sh): skipped with a message
 * without them; failing instead when MCP_WARDEN_REQUIRE_CHROMIUM=1 / MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppBackend } from '../desktop/src/app/backend/create-app-backend.js'
import type { AppBackend } from '../desktop/src/app/contract/ipc-contract.js'
import { openAgentConnection } from '../desktop/src/agent/client/agent-connection.js'
import { devSettings } from '../desktop/src/cli/dev-idp-command.js'
import { clientInstallers } from '../desktop/src/installers/index.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy } from './helpers/governed.js'
import { missingKeyringTools } from './helpers/keyring.js'
import { CHROMIUM, openRenderer, serveRenderer, type RendererPage } from './helpers/renderer-page.js'
import { connectProxy, EVERYTHING, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const missing = [...missingKeyringTools(), ...(existsSync(CHROMIUM) ? [] : [CHROMIUM])]
const required = process.env['MCP_WARDEN_REQUIRE_CHROMIUM'] === '1' || (process.env['MCP_WARDEN_REQUIRE_KEYCHAIN'] === '1' && missingKeyringTools().length > 0)
const skip = missing.length > 0 && !required
const title = skip ? `desktop app screens in Chromium (skipped: ${missing.join(', ')} not installed; apt-get install chromium, and see .ci/with-keyring.sh)` : 'desktop app screens in Chromium'
if (skip) console.warn(title)

const SHOTS =
  process.env['MCP_WARDEN_UPDATE_SCREENSHOTS'] === '1'
    ? fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
    : join(tmpdir(), `mcp-warden-screenshots-${process.pid}`)
const TLS = new URL('./fixtures/tls/', import.meta.url)
const POLICY = testPolicy(
  `rules:
  - id: engineers-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo]
`,
  'content: { action: redact }',
)
const CENTRAL_POLICY = `version: 1
revision: "7"
rules:
  - id: engineers-read
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything, files]
    tools: [echo, get-sum, read_*]
  - id: reports-need-approval
    effect: ask
    askTimeoutSeconds: 90
    subjects: { emailDomains: [example.com] }
    servers: [files]
    tools: [write_file]
    when:
      path: { pathUnder: /home/alice/reports }
  - id: no-deletes
    effect: deny
    subjects: { anyone: true }
    servers: ["*"]
    tools: [delete_*]
`

let world: SignedInWorld
let renderer: { url: string; close(): Promise<void> }
let backend: AppBackend
let active: AppBackend
let view: RendererPage
let page: Page
const agents: ChildProcess[] = []
const opened: string[] = []
/** What "the browser" does with an address the app opens; by default nothing (the device page is not visited). */
let browse: (url: string) => void = () => undefined
const clipboard: string[] = []
let loginItem = false
const busAddress = process.env['DBUS_SESSION_BUS_ADDRESS']

async function shot(name: string): Promise<void> {
  await page.mouse.move(1170, 750) // no hover effect in the picture
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' })
}

async function go(label: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: label }).click()
}

/** `mcp-warden agent` for `agentEnv`, resolved once its socket answers (the app's status says so). */
function startAgent(agentEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'agent', '--log-level', 'warn'], { env: agentEnv, stdio: ['ignore', 'ignore', 'inherit'] })
  agents.push(child)
  return child
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

function host(): Promise<Client> {
  return connectProxy(world, { name: 'everything', upstream: EVERYTHING, clientName: 'warden-app-e2e' })
}

/** The element that has the keyboard focus, described. */
function focused(): Promise<string> {
  return page.evaluate(`(() => {
    const element = document.activeElement
    return element === null ? '' : element.tagName.toLowerCase() + ':' + (element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '')
  })()`)
}

function createBackend(backendEnv: Record<string, string>): Promise<AppBackend> {
  return createAppBackend({
    env: backendEnv,
    openExternal: async (url) => {
      opened.push(url)
      browse(url)
    },
    writeClipboard: (text) => void clipboard.push(text),
    launcher: { command: CLI, args: [] },
    installers: clientInstallers,
    openAtLogin: { get: () => loginItem, set: (value) => void (loginItem = value) },
    stateDir: join(world.dir, 'app-state'),
  })
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    world = await startSignedInWorld({ prefix: 'warden-app-', policy: POLICY, prepare: ({ dir }) => ({ env: { HOME: join(dir, 'home') } }) })
    // keytar (in this process, for the app's sign-in) talks to the bus of its process: the private one.
    process.env['DBUS_SESSION_BUS_ADDRESS'] = world.bus.env['DBUS_SESSION_BUS_ADDRESS']
    const { dir } = world
    await mkdir(join(dir, 'config', 'Claude'), { recursive: true })
    await mkdir(join(dir, 'home', '.cursor'), { recursive: true })
    // Two MCP hosts' configs: the installers find them under this HOME and XDG_CONFIG_HOME.
    await writeFile(join(dir, 'config', 'Claude', 'claude_desktop_config.json'), `${JSON.stringify({ mcpServers: { everything: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] } } }, null, 2)}\n`)
    await writeFile(join(dir, 'home', '.cursor', 'mcp.json'), `${JSON.stringify({ mcpServers: { filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/alice/docs'] } } }, null, 2)}\n`)
    backend = await createBackend(world.env)
    active = backend
    // Claude Desktop is protected already (as `mcp-warden install` would have done).
    const { planId } = await backend.handlers['clients:plan']({ client: 'claude-desktop', action: 'install' })
    await backend.handlers['clients:apply']({ planId })
    renderer = await serveRenderer()
    view = await openRenderer(renderer.url, () => active.handlers)
    page = view.page
  })

  afterAll(async () => {
    await view?.close()
    await renderer?.close()
    await backend?.close()
    await Promise.all(agents.map(stop))
    await world?.stop()
    if (process.env['MCP_WARDEN_UPDATE_SCREENSHOTS'] !== '1') await rm(SHOTS, { recursive: true, force: true })
    if (busAddress === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS']
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = busAddress
  })

  it('keeps the CSP strict: window.warden works through exposeBinding while an injected inline script is refused', async () => {
    await page.getByRole('heading', { level: 1 }).waitFor()
    const inline = await page.evaluate(`(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__inlineRan = true'
      document.head.append(script)
      return window.__inlineRan === true
    })()`)
    expect(inline).toBe(false)
    expect(await page.evaluate("typeof window.warden['app:status']")).toBe('function')
    view.violations.splice(0) // the refused inline script was reported, as it should be
  })

  it('shows the agent down, with what to do, on the status and policy screens', async () => {
    await page.getByText('The MCP Warden agent is not running', { exact: true }).waitFor()
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('run `mcp-warden agent`')
    await shot('status-agent-down')
    await go('Policy')
    await page.getByText('The policy is unknown').waitFor()
    await shot('policy-agent-down')
  })

  it('shows a signed-out person the sign-in, and signs in with a device code approved at the IdP', async () => {
    startAgent(world.env)
    await go('Status')
    await page.getByText('Signed out', { exact: true }).waitFor({ timeout: 15_000 })
    await shot('status-signed-out')
    await page.getByRole('button', { name: 'Sign in', exact: true }).first().click()
    await page.getByRole('heading', { name: 'Sign in to MCP Warden' }).waitFor()
    await shot('sign-in')

    await page.getByRole('button', { name: /Sign in with a code/ }).click()
    const codeBox = page.getByTestId('user-code')
    await codeBox.waitFor()
    const userCode = (await codeBox.textContent()) ?? ''
    expect(userCode).toMatch(/^[A-Z0-9-]{4,}$/)
    await page.getByRole('button', { name: 'Copy code' }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    expect(clipboard).toEqual([userCode])
    await page.getByRole('button', { name: 'Open browser' }).click()
    await expect.poll(() => opened.length).toBe(1)
    expect(opened[0]).toMatch(new RegExp(`^${world.idp.issuer}`))
    await shot('sign-in-device-code')

    await world.idp.approveDevice(userCode, 'alice')
    await page.getByRole('heading', { name: 'Status', level: 1 }).waitFor({ timeout: 20_000 })
    await page.getByText('Alice Example').waitFor()
    await page.getByText('No calls yet today', { exact: false }).or(page.getByText('No calls today')).first().waitFor()
    await shot('status-signed-in')
    // The agent was told: a proxy started now is signed in without `mcp-warden login`.
    const agentStatus = JSON.parse((await runNode([CLI, 'status', '--json'], world.env)).stdout) as { session: { state: string }; agent: { running: boolean } }
    expect(agentStatus).toMatchObject({ session: { state: 'signed-in' }, agent: { running: true } })
  })

  it("shows a protected server's calls live in the activity viewer, and a denied call with its reason", async () => {
    await go('Activity')
    await page.getByText('No calls yet').waitFor()
    await shot('audit-empty')

    const client = await host()
    try {
      const echoed = await client.callTool({ name: 'echo', arguments: { message: 'hello from the app test' } })
      expect(echoed.isError ?? false).toBe(false)
      await page.getByRole('button', { name: /Allowed: echo on everything/ }).first().waitFor({ timeout: 10_000 })
      await client.callTool({ name: 'echo', arguments: { message: 'mail me at carol@example.org' } })
      const denied = await client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })
      expect(denied.isError).toBe(true)
    } finally {
      await client.close()
    }
    const deniedRow = page.getByRole('button', { name: /Blocked: get-sum on everything/ })
    await deniedRow.waitFor({ timeout: 10_000 })
    await expect.poll(() => page.getByRole('button', { name: /Allowed: echo on everything/ }).count()).toBe(2)
    await shot('audit-live')

    // Keyboard: focus the denied row, open it with Enter, close it with Escape: the focus comes back.
    await deniedRow.focus()
    await page.keyboard.press('Enter')
    const detail = page.getByTestId('call-detail')
    await detail.waitFor()
    expect(await detail.textContent()).toContain('ERR_POLICY_DENIED')
    expect(await detail.textContent()).toMatch(/get-sum/)
    await shot('audit-denied-detail')
    await page.keyboard.press('Escape')
    await detail.waitFor({ state: 'detached' })
    expect(await focused()).toMatch(/Blocked: get-sum on everything/)

    // The call whose argument held an e-mail address: its finding by type and pointer, never the value.
    await page.getByRole('button', { name: /Allowed: echo on everything/ }).first().click()
    await detail.waitFor()
    const text = (await detail.textContent()) ?? ''
    expect(text).toContain('EMAIL')
    expect(text).not.toContain('carol@example.org')
    await shot('audit-finding-detail')
    await page.getByRole('button', { name: 'Close details (Escape)' }).click()

    // Filters: only blocked calls.
    await page.getByLabel('Decision').selectOption('deny')
    await expect.poll(() => page.getByRole('button', { name: /Allowed:/ }).count()).toBe(0)
    expect(await deniedRow.count()).toBe(1)
    await page.getByLabel('Tool').fill('no-such-tool')
    await page.getByLabel('Tool').press('Enter')
    await page.getByText('No calls match these filters').waitFor()
    await shot('audit-filtered-empty')
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => page.getByRole('button', { name: /Allowed:/ }).count()).toBe(2)

    await go('Status')
    await expect.poll(() => page.getByTestId('calls-today').textContent()).toBe('3')
    expect(await page.getByTestId('blocked-today').textContent()).toBe('1')
    await page.getByRole('row', { name: /everything/ }).getByText('Claude Desktop').waitFor()
    await shot('status-servers')
  })

  it('answers an approval the agent queued, from the approvals screen, with the keyboard', async () => {
    await go('Approvals')
    await page.getByText('Nothing waiting for you').waitFor()
    const socket = join(world.env['XDG_RUNTIME_DIR']!, 'mcp-warden', 'agent.sock')
    const asker = await openAgentConnection(socket, { client: { name: 'test proxy', version: '1' }, server: { name: 'files' } }, 5000)
    try {
      const outcome = asker.request('approvals.request', {
        question: {
          server: 'files',
          target: 'write_file',
          method: 'tools/call',
          argumentNames: ['path', 'content'],
          argumentsPreview: '{\n  "path": "/home/alice/reports/q4.md",\n  "content": "Summary for [EMAIL_ADDRESS] …"\n}',
          ruleIds: ['reports-need-approval'],
          timeoutSeconds: 90,
        },
      })
      const allow = page.getByRole('button', { name: 'Allow once' })
      await allow.waitFor({ timeout: 10_000 })
      await page.getByRole('link', { name: /Approvals/ }).getByText('1').waitFor()
      await shot('approvals-pending')
      await allow.focus()
      await page.keyboard.press('Space')
      expect(await outcome).toEqual({ answer: 'allow' })
    } finally {
      asker.close()
    }
    await page.getByText('Nothing waiting for you').waitFor()
    await shot('approvals-empty')
  })

  it('protects a client: detected servers, the planned diff, applied, then "restart"', async () => {
    await go('Clients')
    await page.getByRole('heading', { name: 'Cursor' }).waitFor()
    await shot('clients')
    await page.getByRole('button', { name: 'Protect Cursor' }).click()
    await page.getByRole('heading', { name: 'Protect Cursor' }).waitFor()
    expect(await page.locator('.diff').textContent()).toContain('"proxy"')
    await shot('clients-plan')
    await page.getByRole('button', { name: 'Apply change' }).click()
    await page.locator('main').getByRole('status').filter({ hasText: /Restart Cursor/ }).waitFor()
    await page.getByRole('button', { name: 'Remove protection' }).nth(1).waitFor()
    await shot('clients-applied')
    const written = JSON.parse(await readFile(join(world.dir, 'home', '.cursor', 'mcp.json'), 'utf8')) as { mcpServers: { filesystem: { command: string; args: string[] } } }
    expect([written.mcpServers.filesystem.command, ...written.mcpServers.filesystem.args]).toContain('proxy')
  })

  it('keeps the settings: start at login and notifications, toggled from the keyboard', async () => {
    await go('Settings')
    const notifications = page.getByRole('switch', { name: 'Notify me when a call needs my approval' })
    await notifications.waitFor()
    expect(await notifications.isChecked()).toBe(true)
    await notifications.focus()
    await page.keyboard.press('Space')
    await page.getByText('Saved.').waitFor()
    await page.getByRole('switch', { name: 'Start MCP Warden when I log in' }).check()
    await expect.poll(() => loginItem).toBe(true)
    expect(JSON.parse(await readFile(join(world.dir, 'app-state', 'app-settings.json'), 'utf8'))).toEqual({ notifications: false })
    await shot('settings')
  })

  it('moves through the window from the keyboard: skip link, navigation in order, a visible focus ring', async () => {
    await go('Status')
    await page.reload()
    await page.getByRole('heading', { name: 'Status', level: 1 }).waitFor()
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('a:Skip to content')
    const order: string[] = []
    for (let i = 0; i < 6; i += 1) {
      await page.keyboard.press('Tab')
      order.push(await focused())
    }
    expect(order.map((item) => item.replace(/\d+$/, ''))).toEqual(['a:Status', 'a:Activity', 'a:Approvals', 'a:Policy', 'a:Clients', 'a:Settings'])
    const ring = await page.evaluate('getComputedStyle(document.activeElement).boxShadow')
    expect(ring).not.toBe('none')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter') // on "Clients"
    await page.getByRole('heading', { name: 'Protect my clients', level: 1 }).waitFor()
    expect(await focused()).toBe('h1:Protect my clients')
  })

  it('shows the local policy source, a central policy not received yet as stale, then its rules once it arrives', async () => {
    await go('Policy')
    await page.getByText('No central policy').waitFor()
    await shot('policy-local')

    // A second agent with central policy settings, whose host is down at first.
    const reserve = createHttpsServer()
    await new Promise<void>((resolve) => reserve.listen(0, '127.0.0.1', resolve))
    const port = (reserve.address() as AddressInfo).port
    await new Promise<void>((resolve) => reserve.close(() => resolve()))
    const policyUrl = `https://127.0.0.1:${port}/policy.jws`
    const publicJwk = (await runNode([CLI, 'policy', 'keygen', '--out', join(world.dir, 'policy-key.jwk'), '--kid', 'app-test'], world.env)).stdout.trim()
    await writeFile(join(world.dir, 'central.yaml'), CENTRAL_POLICY)
    const bundle = (await runNode([CLI, 'policy', 'sign', join(world.dir, 'central.yaml'), '--key', join(world.dir, 'policy-key.jwk'), '--expires', '1h'], world.env)).stdout
    await mkdir(join(world.dir, 'agent2'), { mode: 0o700 })
    await writeFile(
      join(world.dir, 'settings-central.yaml'),
      `${devSettings(world.idp.issuer, world.idp.clientId)}policy:\n  url: "${policyUrl}"\n  signingKeys: [${publicJwk}]\n  maxStalenessSeconds: 20\nagent:\n  socketDir: ${join(world.dir, 'agent2')}\n`,
    )
    const centralEnv = { ...world.env, MCP_WARDEN_DEV_SETTINGS: join(world.dir, 'settings-central.yaml'), XDG_STATE_HOME: join(world.dir, 'state2'), NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('cert.pem', TLS)) }
    startAgent(centralEnv)
    active = await createBackend(centralEnv)
    try {
      await page.reload()
      await go('Status')
      // The session was not signed in for the policy URL (a resource named at sign-in): the IdP refuses to renew it
      // for that audience and the agent reports the person signed out. Sign in again, from the app.
      await page.getByText('Signed out', { exact: true }).waitFor({ timeout: 20_000 })
      await page.getByRole('button', { name: 'Sign in', exact: true }).first().click()
      await page.getByRole('button', { name: /Sign in with a code/ }).click()
      await world.idp.approveDevice((await page.getByTestId('user-code').textContent()) ?? '', 'alice')
      await page.getByText('Alice Example').waitFor({ timeout: 20_000 })

      await page.getByText('The policy is stale:').waitFor()
      await shot('status-policy-stale')
      await go('Policy')
      await page.getByText('The policy is stale', { exact: true }).waitFor()
      await page.getByText('Not received yet', { exact: true }).waitFor()
      await shot('policy-stale')

      const server: Server = createHttpsServer({ key: await readFile(new URL('key.pem', TLS)), cert: await readFile(new URL('cert.pem', TLS)) }, (_req, res) => {
        res.writeHead(200, { etag: '"v7"', 'content-type': 'application/jose' }).end(bundle)
      })
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      try {
        await page.getByTestId('policy-revision').getByText('7').waitFor({ timeout: 30_000 })
        await page.getByText('reports-need-approval').waitFor()
        const rules = (await page.locator('.rules').textContent()) ?? ''
        expect(rules).toContain('group engineering')
        expect(rules).toContain('path is a path under /home/alice/reports')
        expect(rules).toContain('anyone at example.com')
        await shot('policy-rules')
      } finally {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    } finally {
      await active.close()
      active = backend
    }
  })

  it('signs out, cancels a code sign-in, signs in with the browser (PKCE), and no answer broke the contract or the CSP', async () => {
    await go('Status')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('Signed out', { exact: true }).waitFor()
    await go('Activity')
    await page.getByText('You are signed out.').waitFor()

    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('button', { name: /Sign in with a code/ }).click()
    await page.getByTestId('user-code').waitFor()
    expect(await page.getByText(/The code expires in \d+:\d\d\./).count()).toBe(1)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('button', { name: /Sign in with a code/ }).waitFor()
    expect(await page.getByRole('alert').count()).toBe(0)

    // The person's browser: the development IdP's pages, signing in as alice and allowing.
    browse = (url) => void world.idp.authorize(url, { accountId: 'alice' })
    await page.getByRole('button', { name: /Sign in with this browser/ }).click()
    await page.getByText('Alice Example').waitFor({ timeout: 20_000 })
    expect(opened.at(-1)).toMatch(/code_challenge_method=S256/)
    expect(view.violations).toEqual([])
  })
})
