/**
 * desktop/src/app/preload/preload.cts — the sandboxed renderer's only bridge: `window.warden`, one method per IPC
 * channel, each a single `ipcRenderer.invoke(channel, request)` whose `IpcReply` it unwraps (an `ok: false` reply
 * rejects with `{ name: 'WardenIpcError', code, message }`). Nothing else is exposed: no raw ipcRenderer, no events, no Node.
 *
 * CommonJS in one file, importing nothing but `electron`: a sandboxed preload cannot load other modules. The channel
 * list is not compiled in; the main process passes the keys of IPC_CHANNELS as `--warden-ipc-channels=a,b,…`
 * (webPreferences.additionalArguments), so a new channel needs no edit here, and the main process still refuses
 * anything it did not register.
 */
import electron = require('electron')
import type { IpcReply, WardenApi } from '../contract/ipc-contract.js'

const CHANNELS_ARGUMENT = '--warden-ipc-channels='
const CHANNEL_NAME = /^[a-z]+(?::[a-z]+(?:\.[a-z]+)?)?$/

function channelsFromArgv(argv: readonly string[]): string[] {
  const argument = argv.find((value) => value.startsWith(CHANNELS_ARGUMENT))
  if (argument === undefined) throw new Error('MCP Warden preload: the main process passed no IPC channel list.')
  const channels = argument.slice(CHANNELS_ARGUMENT.length).split(',')
  for (const channel of channels) {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`MCP Warden preload: "${channel}" is not an IPC channel name.`)
  }
  return channels
}

/**
 * What a failed call rejects with. Not an Error instance on purpose: the contextBridge copies a thrown Error with its
 * message only and drops every other property, so `code` would never reach the page. A plain object crosses whole.
 */
interface WardenIpcFailure {
  readonly name: 'WardenIpcError'
  readonly code: string
  readonly message: string
}

function unwrap(reply: IpcReply<keyof WardenApi>): unknown {
  if (reply.ok) return reply.value
  const failure: WardenIpcFailure = { name: 'WardenIpcError', code: reply.error.code, message: reply.error.message }
  throw failure
}

const api: Record<string, (request: unknown) => Promise<unknown>> = {}
for (const channel of channelsFromArgv(process.argv)) {
  api[channel] = async (request) => unwrap((await electron.ipcRenderer.invoke(channel, request)) as IpcReply<keyof WardenApi>)
}
electron.contextBridge.exposeInMainWorld('warden', Object.freeze(api))
