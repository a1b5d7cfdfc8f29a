/**
 * desktop/src/app/main/open-at-login.test.ts — "Start at login" on Linux (a real autostart file in a temp dir) and
 * through Electron's login item settings (macOS, Windows).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { electronOpenAtLogin, xdgOpenAtLogin } from './open-at-login.js'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-autostart-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('xdgOpenAtLogin', () => {
  it('writes an autostart entry that starts the app hidden, and removes it', () => {
    const home = tempDir()
    const login = xdgOpenAtLogin({ env: {}, homeDir: home, executable: '/opt/MCP Warden/mcp-warden' })
    expect(login.get()).toBe(false)
    login.set(true)
    expect(login.get()).toBe(true)
    const file = path.join(home, '.config', 'autostart', 'mcp-warden.desktop')
    expect(readFileSync(file, 'utf8')).toBe(
      '[Desktop Entry]\nType=Application\nName=MCP Warden\nExec="/opt/MCP Warden/mcp-warden" --hidden\nX-GNOME-Autostart-enabled=true\nNoDisplay=true\n',
    )
    login.set(false)
    expect(login.get()).toBe(false)
    login.set(false)
  })

  it('uses XDG_CONFIG_HOME and escapes the executable path', () => {
    const config = tempDir()
    const login = xdgOpenAtLogin({ env: { XDG_CONFIG_HOME: config }, homeDir: '/nonexistent', executable: '/home/a/Apps/Warden "$x".AppImage' })
    login.set(true)
    expect(readFileSync(path.join(config, 'autostart', 'mcp-warden.desktop'), 'utf8')).toContain('Exec="/home/a/Apps/Warden \\"\\$x\\".AppImage" --hidden\n')
  })

  it('reads an entry the desktop hid as off', () => {
    const config = tempDir()
    const login = xdgOpenAtLogin({ env: { XDG_CONFIG_HOME: config }, homeDir: '/nonexistent', executable: '/x' })
    login.set(true)
    const file = path.join(config, 'autostart', 'mcp-warden.desktop')
    writeFileSync(file, `${readFileSync(file, 'utf8')}Hidden=true\n`)
    expect(login.get()).toBe(false)
  })
})

describe('electronOpenAtLogin', () => {
  it('registers the hidden flag with the login item on Windows', () => {
    const calls: unknown[] = []
    const login = electronOpenAtLogin({ getLoginItemSettings: (options) => (calls.push(options), { openAtLogin: true }), setLoginItemSettings: (s) => void calls.push(s) }, 'win32')
    expect(login.get()).toBe(true)
    login.set(false)
    expect(calls).toEqual([{ args: ['--hidden'] }, { openAtLogin: false, args: ['--hidden'] }])
  })
})
