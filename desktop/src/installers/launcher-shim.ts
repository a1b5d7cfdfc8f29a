/**
 * desktop/src/installers/launcher-shim.ts — the stable launcher host configs run: a small script at a per-user path
 * that survives app updates and moves, which runs the current `mcp-warden` CLI by absolute paths (hosts start
 * servers with a short PATH and maybe from `/`). Written by `mcp-warden install` and at every start of the app.
 *
 * - Linux: `~/.local/share/mcp-warden/bin/mcp-warden` (fixed, not $XDG_DATA_HOME: the app and a terminal may see
 *   different variables, and both must find the same shim)
 * - macOS: `~/Library/Application Support/MCP Warden/bin/mcp-warden`
 * - Windows: `%LOCALAPPDATA%\MCP Warden\bin\mcp-warden.cmd`, launched as `cmd.exe /d /c <shim>` because hosts spawn
 *   without a shell and a `.cmd` cannot be spawned directly
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Launcher } from './client-config.js'
import { joinFor, type PathContext } from './clients/client-definition.js'

/** What the shim runs: plain Node and the CLI script, or the packaged app's executable as Node and its bundled script. */
export interface LauncherTarget {
  /** Absolute path of `node`, or of the packaged app's executable. */
  readonly executable: string
  /** Absolute path of `desktop/bin/mcp-warden.js` (or the app's bundled copy). */
  readonly script: string
  /** The executable is Electron: run it as Node (`ELECTRON_RUN_AS_NODE=1`). */
  readonly electronRunAsNode: boolean
}

/**
 * The shim's path for this user.
 *
 * @example
 * launcherShimPath({ platform: 'linux', homeDir: '/home/a', env: {} }) // '/home/a/.local/share/mcp-warden/bin/mcp-warden'
 */
export function launcherShimPath(context: PathContext): string {
  if (context.platform === 'darwin') return joinFor('darwin', context.homeDir, 'Library', 'Application Support', 'MCP Warden', 'bin', 'mcp-warden')
  if (context.platform === 'win32') {
    const local = context.env['LOCALAPPDATA'] ?? joinFor('win32', context.homeDir, 'AppData', 'Local')
    return joinFor('win32', local, 'MCP Warden', 'bin', 'mcp-warden.cmd')
  }
  return joinFor(context.platform, context.homeDir, '.local', 'share', 'mcp-warden', 'bin', 'mcp-warden')
}

/** The launcher protected entries name: the shim itself, or on Windows `cmd.exe /d /c <shim>`. */
export function shimLauncher(context: PathContext): Launcher {
  const shim = launcherShimPath(context)
  if (context.platform !== 'win32') return { command: shim, args: [] }
  const systemRoot = context.env['SystemRoot'] ?? context.env['SYSTEMROOT'] ?? 'C:\\Windows'
  return { command: joinFor('win32', systemRoot, 'System32', 'cmd.exe'), args: ['/d', '/c', shim] }
}

const TARGET_LINE = /^(?:#|rem) target: (\{.*\})\s*$/m

function quoteSh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

function shimText(platform: NodeJS.Platform, target: LauncherTarget): string {
  const header = [
    'MCP Warden launcher: MCP host configs run this stable path, which runs the installed mcp-warden CLI.',
    'Written by `mcp-warden install` and at every start of the MCP Warden app; changes here are overwritten.',
    `target: ${JSON.stringify(target)}`,
  ]
  if (platform === 'win32') {
    const lines = ['@echo off', ...header.map((line) => `rem ${line}`), 'setlocal']
    if (target.electronRunAsNode) lines.push('set ELECTRON_RUN_AS_NODE=1')
    lines.push(`"${target.executable}" "${target.script}" %*`, 'exit /b %ERRORLEVEL%')
    return `${lines.join('\r\n')}\r\n`
  }
  const lines = ['#!/bin/sh', ...header.map((line) => `# ${line}`)]
  if (target.electronRunAsNode) lines.push('ELECTRON_RUN_AS_NODE=1', 'export ELECTRON_RUN_AS_NODE')
  lines.push(`exec ${quoteSh(target.executable)} ${quoteSh(target.script)} "$@"`)
  return `${lines.join('\n')}\n`
}

/**
 * Writes the shim (atomically, executable), or leaves it when it already says the same; resolves with the launcher
 * protected entries should name.
 *
 * @example
 * const launcher = await writeLauncherShim(context, { executable: process.execPath, script: cliScript, electronRunAsNode: false })
 */
export async function writeLauncherShim(context: PathContext, target: LauncherTarget): Promise<Launcher> {
  const path = launcherShimPath(context)
  const text = shimText(context.platform, target)
  const current = await readFile(path, 'utf8').catch(() => undefined)
  if (current !== text) {
    await mkdir(dirname(path), { recursive: true })
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, text, { mode: 0o755 })
    await chmod(temporary, 0o755)
    await rename(temporary, path)
  }
  return shimLauncher(context)
}

/** `ok`; `missing` (no shim); `stale` (it runs an executable or script that no longer exists). */
export async function launcherShimState(context: PathContext): Promise<'ok' | 'missing' | 'stale'> {
  const text = await readFile(launcherShimPath(context), 'utf8').catch(() => undefined)
  if (text === undefined) return 'missing'
  const match = TARGET_LINE.exec(text)
  if (match === null) return 'stale'
  let target: Partial<LauncherTarget>
  try {
    target = JSON.parse(match[1] as string) as Partial<LauncherTarget>
  } catch {
    return 'stale'
  }
  const present = (path: unknown): boolean => typeof path === 'string' && existsSync(path)
  return present(target.executable) && present(target.script) ? 'ok' : 'stale'
}
