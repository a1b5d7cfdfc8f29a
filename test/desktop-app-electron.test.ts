/**
 * test/desktop-app-electron.test.ts — the desktop app in a real Electron, driven by Playwright's `_electron`: the
 * window loads app://warden/, the page sees `window.warden` with one method per channel and nothing of Node, calls
 * go through the IPC gate, and the window cannot open or navigate anywhere. (Whether the renderer is
 * sandboxed is not observable from Playwright; desktop/src/app/main/window-security.test.ts checks the options.)
 *
 * Runs only where Electron's binary is installed (`npx install-electron`, which downloads it) and, on Linux, a
 * display exists (`xvfb-run`). Electron's binary cannot be downloaded on this project's build machine, so there
 * the suite is skipped with the reason. It never asks `require('electron')` for the path: that would try to download.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IPC_CHANNELS } from '../desktop/src/app/contract/ipc-contract.js'
import { CONTENT_SECURITY_POLICY } from '../desktop/src/app/main/app-protocol.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The Electron executable `npx install-electron` put in place, or the reason it is not there. */
function electronExecutable(): { path: string } | { missing: string } {
  const packageDir = path.join(root, 'node_modules', 'electron')
  const pathFile = path.join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return { missing: 'Electron binary not installed (run `npx install-electron` where the download is reachable)' }
  const relative = readFileSync(pathFile, 'utf8').trim()
  const executable = process.env['ELECTRON_OVERRIDE_DIST_PATH'] !== undefined ? path.join(process.env['ELECTRON_OVERRIDE_DIST_PATH'], relative) : path.join(packageDir, 'dist', relative)
  if (!existsSync(executable)) return { missing: `Electron binary missing at ${executable}` }
  if (process.platform === 'linux' && process.env['DISPLAY'] === undefined && process.env['WAYLAND_DISPLAY'] === undefined) {
    return { missing: 'no display for Electron (run the tests under xvfb-run)' }
  }
  return { path: executable }
}

/** The page's globals this test touches (the test project has no DOM types). */
type PageGlobals = {
  warden: Record<string, (request: unknown) => Promise<unknown>>
  open(url: string): unknown
  location: { href: string }
  document: { createElement(tag: 'script'): { textContent: string }; head: { append(node: unknown): void } }
  __wardenInline?: boolean
  require?: unknown
  process?: unknown
}
const electron = electronExecutable()
if ('missing' in electron) process.stderr.write(`test/desktop-app-electron.test.ts skipped: ${electron.missing}\n`)

describe.skipIf('missing' in electron)('the desktop app in Electron', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'warden-electron-'))
  let app: ElectronApplication
  let page: Page

  beforeAll(async () => {
    if (!('path' in electron)) return
    app = await _electron.launch({
      executablePath: electron.path,
      args: [path.join(root, 'desktop')],
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_STATE_HOME: path.join(home, '.state'), XDG_RUNTIME_DIR: home },
      timeout: 60_000,
    })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  }, 90_000)

  afterAll(async () => {
    await app?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('loads the renderer from app://warden/ with the CSP header, which blocks inline script', async () => {
    expect(page.url()).toMatch(/^app:\/\/warden\/index\.html/)
    const csp = await app.evaluate(async ({ net }) => (await net.fetch('app://warden/index.html')).headers.get('content-security-policy'))
    expect(csp).toBe(CONTENT_SECURITY_POLICY)
    const inlineRan = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals
      const script = globals.document.createElement('script')
      script.textContent = 'globalThis.__wardenInline = true'
      globals.document.head.append(script)
      return globals.__wardenInline === true
    })
    expect(inlineRan).toBe(false)
  })

  it('gives the page window.warden, one method per channel, and nothing of Node or Electron', async () => {
    const seen = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals
      return { methods: Object.keys(globals.warden).sort(), frozen: Object.isFrozen(globals.warden), require: typeof globals.require, process: typeof globals.process }
    })
    expect(seen).toEqual({ methods: Object.keys(IPC_CHANNELS).sort(), frozen: true, require: 'undefined', process: 'undefined' })
  })

  it('answers a call through the gate, and refuses a malformed one with its code', async () => {
    const settings = await page.evaluate(() => (globalThis as unknown as PageGlobals).warden['settings:get']!({}))
    expect(settings).toMatchObject({ openAtLogin: expect.any(Boolean), notifications: expect.any(Boolean) })
    const refused = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).warden['settings:set']!({ openAtLogin: 'yes' }).then(
        () => null,
        (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
      ),
    )
    expect(refused).toEqual({ code: 'ERR_INVALID_MESSAGE', message: 'Refused: the request for "settings:set" does not have the expected shape.' })
  })

  it('opens no other window and does not navigate away', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com') === null)).toBe(true)
    await page.evaluate(() => {
      ;(globalThis as unknown as PageGlobals).location.href = 'https://example.com/'
    })
    expect(page.url()).toMatch(/^app:\/\/warden\//)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })
})
