/**
 * desktop/src/app/preload/preload.test.ts — runs the compiled preload (desktop/dist/app/preload/preload.cjs) the way
 * a sandboxed renderer does: one script in a fresh context whose `require` knows only `electron`, with fakes of
 * contextBridge and ipcRenderer that record what the preload exposes and sends.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { IPC_CHANNELS } from '../contract/ipc-contract.js'
import { channelsArgument } from '../main/window-security.js'

const compiled = fileURLToPath(new URL('../../../dist/app/preload/preload.cjs', import.meta.url))

function loadPreload(argv: string[], replies: Map<string, unknown> = new Map()) {
  const exposed: Array<{ key: string; api: Record<string, (request: unknown) => Promise<unknown>> }> = []
  const sent: Array<{ channel: string; args: unknown[] }> = []
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: never) => exposed.push({ key, api }) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        sent.push({ channel, args })
        return replies.get(channel)
      },
    },
  }
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron
    throw new Error(`module not found: ${name}`)
  }
  const module = { exports: {} }
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: build first (npx tsc -b)`)
  const source = readFileSync(compiled, 'utf8')
  const wrapper = vm.runInNewContext(`(function (exports, require, module, process) {${source}\n})`, {}, { filename: compiled })
  wrapper(module.exports, sandboxRequire, module, { argv })
  return { exposed, sent }
}

const argv = ['/opt/MCP Warden/mcp-warden', '--type=renderer', channelsArgument()]

describe('preload', () => {
  it('exposes exactly one object, window.warden, with one method per channel of the contract', () => {
    const { exposed } = loadPreload(argv)
    expect(exposed.map((e) => e.key)).toEqual(['warden'])
    expect(Object.keys(exposed[0]!.api).sort()).toEqual(Object.keys(IPC_CHANNELS).sort())
    expect(Object.isFrozen(exposed[0]!.api)).toBe(true)
  })

  it('sends one invoke with the channel and the request, and resolves with the value of an ok reply', async () => {
    const { exposed, sent } = loadPreload(argv, new Map([['settings:set', { ok: true, value: { openAtLogin: true, notifications: false } }]]))
    await expect(exposed[0]!.api['settings:set']!({ openAtLogin: true })).resolves.toEqual({ openAtLogin: true, notifications: false })
    expect(sent).toEqual([{ channel: 'settings:set', args: [{ openAtLogin: true }] }])
  })

  it('rejects with the code and message of a failed reply', async () => {
    const { exposed } = loadPreload(argv, new Map([['signout', { ok: false, error: { code: 'ERR_AGENT_UNAVAILABLE', message: 'Start the agent.' } }]]))
    await expect(exposed[0]!.api['signout']!({})).rejects.toEqual({ name: 'WardenIpcError', code: 'ERR_AGENT_UNAVAILABLE', message: 'Start the agent.' })
  })

  it('exposes nothing when the main process passed no channel list', () => {
    expect(() => loadPreload(['/opt/MCP Warden/mcp-warden'])).toThrow('MCP Warden preload: the main process passed no IPC channel list.')
  })

  it('refuses a channel list with a name that is not a channel', () => {
    expect(() => loadPreload(['--warden-ipc-channels=app:status,__proto__'])).toThrow('MCP Warden preload: "__proto__" is not an IPC channel name.')
  })
})
