/**
 * desktop/src/app/main/launcher.test.ts — the CLI launcher per platform, and (on POSIX) that it really starts the
 * CLI: Node stands in for the app's executable, which ignores ELECTRON_RUN_AS_NODE.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cliLauncher } from './launcher.js'

describe('cliLauncher', () => {
  it('runs the packaged executable in Node mode on the script inside app.asar (Linux, macOS)', () => {
    expect(cliLauncher({ platform: 'darwin', execPath: '/Applications/MCP Warden.app/Contents/MacOS/MCP Warden', appPath: '/Applications/MCP Warden.app/Contents/Resources/app.asar' })).toEqual({
      command: '/usr/bin/env',
      args: ['ELECTRON_RUN_AS_NODE=1', '/Applications/MCP Warden.app/Contents/MacOS/MCP Warden', '/Applications/MCP Warden.app/Contents/Resources/app.asar/bin/mcp-warden.js'],
    })
  })

  it('sets the variable through cmd.exe on Windows', () => {
    expect(cliLauncher({ platform: 'win32', execPath: 'C:\\Program Files\\MCP Warden\\MCP Warden.exe', appPath: 'C:\\Program Files\\MCP Warden\\resources\\app.asar', comSpec: 'C:\\WINDOWS\\system32\\cmd.exe' })).toEqual({
      command: 'C:\\WINDOWS\\system32\\cmd.exe',
      args: ['/d', '/c', 'set', 'ELECTRON_RUN_AS_NODE=1&&', 'C:\\Program Files\\MCP Warden\\MCP Warden.exe', 'C:\\Program Files\\MCP Warden\\resources\\app.asar\\bin\\mcp-warden.js'],
    })
  })

  it.runIf(process.platform !== 'win32')('starts the CLI (here from desktop/, with Node as the executable)', async () => {
    const appPath = fileURLToPath(new URL('../../../', import.meta.url))
    const launcher = cliLauncher({ platform: process.platform, execPath: process.execPath, appPath })
    const { stdout } = await promisify(execFile)(launcher.command, [...launcher.args, '--help'], { timeout: 20_000 })
    expect(stdout).toContain('mcp-warden')
  })
})
