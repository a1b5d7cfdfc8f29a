/**
 * desktop/src/app/main/window-security.ts — the window's settings and the guards around every webContents, following
 * Electron's security checklist: a sandboxed, context-isolated renderer without Node; no navigation away from the
 * app; no new windows (web links go to the user's browser); no permissions (camera, notifications, clipboard reads…);
 * no webviews. Built from plain objects so the tests can check the options and call the installed handlers.
 */
import type { BrowserWindowConstructorOptions } from 'electron'
import { IPC_CHANNELS } from '../contract/ipc-contract.js'

/** The argument that hands the preload the channel list (see desktop/src/app/preload/preload.cts). */
export function channelsArgument(): string {
  return `--warden-ipc-channels=${Object.keys(IPC_CHANNELS).join(',')}`
}

/**
 * The main window's options. Every security-relevant preference is set explicitly rather than left to a default.
 *
 * @example new BrowserWindow(mainWindowOptions({ preloadPath, iconPath }))
 */
export function mainWindowOptions(paths: { preloadPath: string; iconPath: string }): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    title: 'MCP Warden',
    icon: paths.iconPath,
    show: false,
    webPreferences: {
      preload: paths.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      additionalArguments: [channelsArgument()],
    },
  }
}

/**
 * Whether a URL may be handed to the user's browser: http(s) only, no credentials in it. `file:`, `javascript:`,
 * custom schemes (which could start other programs) are refused.
 */
export function isExternalWebUrl(url: string): boolean {
  if (!URL.canParse(url)) return false
  const parsed = new URL(url)
  return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === ''
}

interface PreventableEvent {
  preventDefault(): void
}

/** The part of Electron's `WebContents` the guards use. */
export interface GuardableContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** Opens a web link in the user's browser; told only of URLs that passed `isExternalWebUrl`. */
export type OpenExternal = (url: string) => void

/**
 * Locks one webContents in place: navigations (of any frame) and redirects are cancelled (the app is one page; links to the web open
 * through `setWindowOpenHandler`), window.open is denied, webviews cannot attach.
 */
export function guardWebContents(contents: GuardableContents, openExternal: OpenExternal): void {
  const prevent = (event: PreventableEvent): void => event.preventDefault()
  contents.on('will-navigate', prevent)
  contents.on('will-frame-navigate', prevent)
  contents.on('will-redirect', prevent)
  contents.on('will-attach-webview', prevent)
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) openExternal(url)
    return { action: 'deny' }
  })
}

/** The part of Electron's `Session` the guard uses. */
export interface GuardableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void
}

/** Denies every permission request and check: the app needs none. */
export function guardSession(session: GuardableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/** The part of Electron's `app` the guard uses. */
export interface GuardableApp {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardableContents) => void): unknown
}

/** Guards every webContents the app ever creates (the main window's and any other), as soon as it exists. */
export function guardAllWebContents(app: GuardableApp, openExternal: OpenExternal): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternal))
}
