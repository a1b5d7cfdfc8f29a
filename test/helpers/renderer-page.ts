/**
 * test/helpers/renderer-page.ts — the desktop app's renderer in Debian's Chromium, driven by playwright-core: the
 * built page (desktop/dist/app/renderer) served over loopback HTTP with the same CSP as its meta tag, and
 * `window.warden` made of the REAL backend handlers through `page.exposeBinding`, with what the Electron main
 * process does around them (the request and the answer checked against the contract's schemas, errors as IpcReply).
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { isWardenError } from '../../shared/src/index.js'
import { IPC_CHANNELS, isIpcChannel, type IpcHandlers, type IpcReply } from '../../desktop/src/app/contract/ipc-contract.js'

export const CHROMIUM = '/usr/bin/chromium'
export const RENDERER_DIR = fileURLToPath(new URL('../../desktop/dist/app/renderer/', import.meta.url))

/** The CSP of index.html's meta tag, sent as a header too (Electron's app:// handler does the same). */
export const RENDERER_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' }

/** Serves the built renderer on 127.0.0.1; nothing outside its directory. */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '') || 'index.html'
    const file = join(RENDERER_DIR, path)
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return void res.writeHead(404).end()
    void readFile(file).then((body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': RENDERER_CSP }).end(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export interface RendererPage {
  readonly browser: Browser
  readonly page: Page
  /** Answers that broke the contract, and console lines about the CSP: both must stay empty. */
  readonly violations: string[]
  close(): Promise<void>
}

/**
 * Opens the renderer with `window.warden` calling `handlers()` (a function, so a test can swap backends).
 * Headless Chromium: nothing beyond the `chromium` package is needed (no X server).
 */
export async function openRenderer(url: string, handlers: () => IpcHandlers): Promise<RendererPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  const context = await browser.newContext({ viewport: { width: 1180, height: 760 }, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' })
  const page = await context.newPage()
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`))
  await page.exposeBinding('__wardenInvoke', async (_source, channel: unknown, request: unknown): Promise<IpcReply<never>> => {
    if (typeof channel !== 'string' || !isIpcChannel(channel)) return { ok: false, error: { code: 'ERR_USAGE', message: `unknown channel ${String(channel)}` } }
    const parsed = IPC_CHANNELS[channel].request.safeParse(request)
    if (!parsed.success) {
      violations.push(`${channel}: the renderer sent a request the contract refuses: ${parsed.error.message}`)
      return { ok: false, error: { code: 'ERR_USAGE', message: 'bad request' } }
    }
    try {
      const answer = await (handlers()[channel] as (request: unknown) => Promise<unknown>)(parsed.data)
      const checked = IPC_CHANNELS[channel].answer.safeParse(answer)
      if (!checked.success) violations.push(`${channel}: the handler's answer breaks the contract: ${checked.error.message}`)
      return { ok: true, value: checked.data as never }
    } catch (error) {
      return { ok: false, error: { code: isWardenError(error) ? error.code : 'ERR_INTERNAL', message: (error as Error).message } }
    }
  })
  // What the preload does: one method per channel, `ok: false` unwrapped into an Error with the handler's message and code.
  await page.addInitScript(`(() => {
    const invoke = (channel, request) => window.__wardenInvoke(channel, request)
    const api = {}
    for (const channel of ${JSON.stringify(Object.keys(IPC_CHANNELS))}) {
      api[channel] = async (request) => {
        const reply = await invoke(channel, request)
        if (reply.ok) return reply.value
        throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
      }
    }
    Object.defineProperty(window, 'warden', { value: Object.freeze(api), enumerable: true })
  })()`)
  await page.goto(url)
  return { browser, page, violations, close: () => browser.close() }
}
