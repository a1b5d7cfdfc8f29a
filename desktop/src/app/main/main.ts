/**
 * desktop/src/app/main/main.ts — the Electron main process: composition only. One instance per user; once Electron is
 * ready it installs the guards, serves the renderer from app://warden/, loads the backend, opens the window, puts
 * the handlers on ipcMain, and starts the tray. The rules live in the modules beside this one.
 */
import os from 'node:os'
import path from 'node:path'
import { app, BrowserWindow, clipboard, ipcMain, Notification, protocol, session, shell } from 'electron'
import { WardenError } from '@mcp-warden/core'
import { ensureAgent, spawnDetachedAgent } from '../../agent/client/index.js'
import { agentSocketFor } from '../../agent/protocol/socket-path.js'
import type { Launcher } from '../../installers/client-config.js'
import { clientInstallers, writeLauncherShim } from '../../installers/index.js'
import { agentEnvironment } from '../../proxy/governance-sources.js'
import { loadOrgSettings } from '../../settings/load-org-settings.js'
import { createAppBackend } from '../backend/create-app-backend.js'
import { startAppMonitor } from './app-monitor.js'
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppFileHandler } from './app-protocol.js'
import { createSenderCheck, registerIpc } from './ipc-registration.js'
import { electronOpenAtLogin, HIDDEN_FLAG, xdgOpenAtLogin } from './open-at-login.js'
import { createAppTray } from './tray.js'
import type { TrayAction } from './tray-state.js'
import { guardAllWebContents, guardSession, isExternalWebUrl, mainWindowOptions } from './window-security.js'

/** Screens the main process can open the window on; the renderer routes on the URL fragment. */
type Screen = 'approvals' | 'account'

const log = (line: string): void => void process.stderr.write(`mcp-warden app: ${line}\n`)

// Must happen before `ready`: gives app:// real origins and a secure context.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.whenReady().then(start, fail).catch(fail)
}

function fail(error: unknown): void {
  log(`could not start: ${error instanceof Error ? error.message : String(error)}`)
  app.exit(1)
}

/**
 * Starts the user's agent when none answers (through the shim, as Node), then lets go: the agent lives on its own,
 * and proxies start it again on their next call if it dies.
 */
function startAgent(launcher: Launcher): void {
  void loadOrgSettings({ env: process.env })
    .then((loaded) =>
      ensureAgent({
        socketPath: agentSocketFor(process.env, loaded.settings),
        client: { name: 'mcp-warden app', version: app.getVersion() },
        server: { name: 'app' },
        spawnAgent: () => spawnDetachedAgent(launcher.command, [...launcher.args, 'agent'], { ...agentEnvironment(process.env), ...launcher.env }),
      }),
    )
    .then((agent) => agent.close())
    .catch((error: unknown) => log(`could not start the agent: ${error instanceof Error ? error.message : String(error)}`))
}

async function start(): Promise<void> {
  const appPath = app.getAppPath()
  const openExternal = (url: string): Promise<void> =>
    isExternalWebUrl(url) ? shell.openExternal(url) : Promise.reject(new WardenError('ERR_USAGE', 'Only http and https addresses can be opened in the browser.'))

  guardAllWebContents(app, (url) => void shell.openExternal(url))
  guardSession(session.defaultSession)
  protocol.handle(APP_SCHEME, createAppFileHandler(path.join(appPath, 'dist', 'app', 'renderer')))

  const openAtLogin =
    process.platform === 'linux'
      ? xdgOpenAtLogin({ env: process.env, homeDir: os.homedir(), executable: process.env['APPIMAGE'] ?? process.execPath })
      : electronOpenAtLogin(app, process.platform)
  // Configs run the stable shim, rewritten at every start to this app's executable (in Node mode) and bundled CLI:
  // an update or a move of the app never leaves protected entries pointing at a path that is gone.
  const launcher = await writeLauncherShim(
    { platform: process.platform, homeDir: os.homedir(), env: process.env },
    { executable: process.execPath, script: path.join(appPath, 'bin', 'mcp-warden.js'), electronRunAsNode: true },
  )
  startAgent(launcher)
  const backend = await createAppBackend({
    env: process.env,
    openExternal,
    writeClipboard: (text) => clipboard.writeText(text),
    launcher,
    installers: clientInstallers,
    openAtLogin,
    stateDir: app.getPath('userData'),
  })

  const window = new BrowserWindow(mainWindowOptions({
    preloadPath: path.join(appPath, 'dist', 'app', 'preload', 'preload.cjs'),
    iconPath: path.join(appPath, 'assets', 'icon.png'),
  }))
  window.removeMenu()
  const unregister = registerIpc({
    ipcMain,
    handlers: backend.handlers,
    isTrustedSender: createSenderCheck({ origin: APP_ORIGIN, isOurWebContents: (sender) => sender === window.webContents }),
    onInternalError: (channel, error) => log(`${channel}: ${error instanceof Error ? `${error.name}: ${error.message}` : 'non-Error thrown'}`),
  })

  const show = (screen?: Screen): void => {
    if (screen !== undefined) void window.loadURL(`${APP_ENTRY_URL}#${screen}`)
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }
  let quitting = false
  window.on('close', (event) => {
    if (quitting) return
    event.preventDefault()
    window.hide()
  })
  const startHidden = process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
  window.once('ready-to-show', () => {
    if (!startHidden) show()
  })
  await window.loadURL(APP_ENTRY_URL)

  const run = (action: TrayAction): void => {
    switch (action) {
      case 'open':
        return show()
      case 'open-approvals':
        return show('approvals')
      case 'sign-in':
        return show('account')
      case 'sign-out':
        void backend.handlers.signout({}).then(() => monitor.refresh(), (error: unknown) => log(`sign-out failed: ${error instanceof Error ? error.message : String(error)}`))
        return
      case 'quit':
        return app.quit()
    }
  }
  const tray = createAppTray(path.join(appPath, 'assets', 'tray'), {
    run,
    setOpenAtLogin: (value) => {
      openAtLogin.set(value)
      void monitor.refresh()
    },
  })
  const shownNotifications = new Set<Notification>()
  const monitor = startAppMonitor({
    handlers: backend.handlers,
    render: (state) => tray.render(state),
    notify: (notice) => {
      if (!Notification.isSupported()) return
      const notification = new Notification({ title: notice.title, body: notice.body })
      // Held until it closes: an unreferenced Notification can be collected and its click lost.
      shownNotifications.add(notification)
      notification.on('click', () => show('approvals'))
      notification.on('close', () => shownNotifications.delete(notification))
      notification.show()
    },
    openAtLogin: () => openAtLogin.get(),
    isWindowVisible: () => window.isVisible() && !window.isMinimized(),
    log,
  })

  app.on('second-instance', () => show())
  app.on('activate', () => show())
  // The app lives in the tray: closing the window (or losing it) does not quit.
  app.on('window-all-closed', () => {})
  app.on('before-quit', () => {
    quitting = true
    monitor.stop()
    unregister()
    tray.destroy()
    void backend.close()
  })
}
