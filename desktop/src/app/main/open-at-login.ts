/**
 * desktop/src/app/main/open-at-login.ts — "Start at login". macOS and Windows have it in Electron
 * (`app.setLoginItemSettings`); Linux has no such API, so there it is an XDG autostart entry
 * (`$XDG_CONFIG_HOME/autostart/mcp-warden.desktop`), the file desktop sessions read at login. Either way the app is
 * started with `--hidden` (or, on macOS, knows it was opened at login) and stays in the tray.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** The flag the login item passes: start in the tray without showing the window. */
export const HIDDEN_FLAG = '--hidden'

export interface OpenAtLogin {
  get(): boolean
  set(value: boolean): void
}

/** The part of Electron's `app` used on macOS and Windows. */
export interface LoginItemApp {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
}

/** Through Electron (macOS, Windows). On Windows the flag is part of the registered command line. */
export function electronOpenAtLogin(app: LoginItemApp, platform: NodeJS.Platform): OpenAtLogin {
  const args = platform === 'win32' ? [HIDDEN_FLAG] : []
  return {
    get: () => app.getLoginItemSettings({ args }).openAtLogin,
    set: (value) => app.setLoginItemSettings({ openAtLogin: value, args }),
  }
}

export interface XdgAutostartOptions {
  readonly env: NodeJS.ProcessEnv
  readonly homeDir: string
  /** What to start: the AppImage's own path when run from one (`$APPIMAGE`), else the executable. */
  readonly executable: string
}

/**
 * Through an XDG autostart entry (Linux). `get` reads whether our entry exists and is not hidden; `set(false)` removes it.
 *
 * @example xdgOpenAtLogin({ env: process.env, homeDir: os.homedir(), executable: process.env.APPIMAGE ?? process.execPath })
 */
export function xdgOpenAtLogin(options: XdgAutostartOptions): OpenAtLogin {
  const configHome = options.env['XDG_CONFIG_HOME'] !== undefined && path.isAbsolute(options.env['XDG_CONFIG_HOME']) ? options.env['XDG_CONFIG_HOME'] : path.join(options.homeDir, '.config')
  const file = path.join(configHome, 'autostart', 'mcp-warden.desktop')
  return {
    get() {
      try {
        return !/^Hidden=true$/m.test(readFileSync(file, 'utf8'))
      } catch {
        return false
      }
    },
    set(value) {
      if (!value) {
        rmSync(file, { force: true })
        return
      }
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, desktopEntry(options.executable), { mode: 0o644 })
    },
  }
}

/** Desktop Entry Specification: an Exec argument with spaces or specials is double-quoted, with `"`, `` ` ``, `$`, `\` escaped. */
function desktopEntry(executable: string): string {
  const quoted = `"${executable.replace(/["`$\\]/g, (c) => `\\${c}`)}"`
  return ['[Desktop Entry]', 'Type=Application', 'Name=MCP Warden', `Exec=${quoted} ${HIDDEN_FLAG}`, 'X-GNOME-Autostart-enabled=true', 'NoDisplay=true', ''].join('\n')
}
