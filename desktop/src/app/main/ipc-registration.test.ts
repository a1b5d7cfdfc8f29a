/**
 * desktop/src/app/main/ipc-registration.test.ts — the IPC gate with the real contract (zod schemas) and real handler
 * functions, on an ipcMain-like registry that records `handle` the way Electron does (one listener per channel).
 */
import { describe, expect, it } from 'vitest'
import { WardenError } from '@mcp-warden/core'
import { IPC_CHANNELS, type IpcHandlers } from '../contract/ipc-contract.js'
import { createSenderCheck, registerIpc, type IpcMainLike, type IpcSenderEvent } from './ipc-registration.js'

type Listener = (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>

function fakeIpcMain(): IpcMainLike & { listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>()
  return {
    listeners,
    handle(channel, listener) {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      listeners.set(channel, listener)
    },
    removeHandler(channel) {
      listeners.delete(channel)
    },
  }
}

const settings = { openAtLogin: false, notifications: true }

function handlers(overrides: Partial<Record<keyof IpcHandlers, (request: never) => Promise<unknown>>> = {}): IpcHandlers {
  const base: IpcHandlers = {
    'app:status': async () => ({ agent: { state: 'running', version: '1' }, session: null, policy: null, today: { calls: 3, blocked: 1 }, pendingApprovals: 0 }),
    'signin:start': async ({ method }) => (method === 'browser' ? { kind: 'browser', flowId: 'f1' } : { kind: 'device', flowId: 'f2', userCode: 'ABCD', verificationUri: 'https://idp/device', expiresAt: 1 }),
    'signin:wait': async () => ({ state: 'signed-out', reason: 'never' }),
    'signin:cancel': async () => null,
    signout: async () => null,
    'audit:query': async () => ({ entries: [] }),
    'servers:list': async () => ({ servers: [] }),
    'policy:get': async () => null,
    'approvals:list': async () => ({ pending: [] }),
    'approvals:answer': async () => null,
    'clients:list': async () => ({ clients: [] }),
    'clients:plan': async ({ client, action }) => ({ planId: 'p1', plan: { client, action, configPath: '/c.json', diff: '', summary: [] } }),
    'clients:apply': async () => ({ message: 'Restart the host.' }),
    'settings:get': async () => settings,
    'settings:set': async (change) => ({ ...settings, ...change }),
    'shell:open': async () => null,
    'clipboard:write': async () => null,
  }
  return { ...base, ...overrides } as IpcHandlers
}

const mainFrame = { url: 'app://warden/index.html', parent: null }
const ourContents = { id: 1 }
const trusted: IpcSenderEvent = { sender: ourContents, senderFrame: mainFrame }
const isTrustedSender = createSenderCheck({ origin: 'app://warden', isOurWebContents: (sender) => sender === ourContents })

function setup(overrides?: Parameters<typeof handlers>[0]) {
  const ipcMain = fakeIpcMain()
  const internal: Array<{ channel: string; error: unknown }> = []
  const unregister = registerIpc({ ipcMain, handlers: handlers(overrides), isTrustedSender, onInternalError: (channel, error) => internal.push({ channel, error }) })
  const invoke = (channel: string, event: IpcSenderEvent, ...args: unknown[]) => {
    const listener = ipcMain.listeners.get(channel)
    if (listener === undefined) throw new Error(`No handler registered for '${channel}'`)
    return listener(event, ...args)
  }
  return { ipcMain, internal, unregister, invoke }
}

describe('registerIpc', () => {
  it('registers exactly the channels of the contract, and unregisters them all', () => {
    const { ipcMain, unregister } = setup()
    expect([...ipcMain.listeners.keys()].sort()).toEqual(Object.keys(IPC_CHANNELS).sort())
    unregister()
    expect(ipcMain.listeners.size).toBe(0)
  })

  it('refuses to start when a channel has no handler', () => {
    const partial = { ...handlers() } as Record<string, unknown>
    delete partial['approvals:list']
    expect(() => registerIpc({ ipcMain: fakeIpcMain(), handlers: partial as IpcHandlers, isTrustedSender, onInternalError: () => {} })).toThrow(
      'registerIpc: no handler for the IPC channel "approvals:list"',
    )
  })

  it('answers a valid request with the parsed value', async () => {
    const { invoke } = setup()
    await expect(invoke('settings:set', trusted, { openAtLogin: true })).resolves.toEqual({ ok: true, value: { openAtLogin: true, notifications: true } })
    await expect(invoke('clients:plan', trusted, { client: 'cursor', action: 'install' })).resolves.toMatchObject({ ok: true, value: { planId: 'p1' } })
  })

  it.each([
    ['an unknown key', 'settings:set', [{ openAtLogin: true, admin: true }]],
    ['a wrong type (no coercion of "true")', 'settings:set', [{ openAtLogin: 'true' }]],
    ['a value outside the enum', 'signin:start', [{ method: 'password' }]],
    ['no request at all', 'app:status', []],
    ['two arguments', 'app:status', [{}, {}]],
    ['an over-long field', 'clipboard:write', [{ text: 'x'.repeat(1025) }]],
  ])('refuses a request with %s and never calls the handler', async (_name, channel, args) => {
    let called = false
    const spy = async () => {
      called = true
      return null
    }
    const { invoke } = setup({ 'settings:set': spy, 'signin:start': spy, 'app:status': spy, 'clipboard:write': spy })
    const reply = await invoke(channel, trusted, ...args)
    expect(reply).toEqual({ ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: `Refused: the request for "${channel}" does not have the expected shape.` } })
    expect(called).toBe(false)
  })

  it.each([
    ['a subframe of our window', { sender: ourContents, senderFrame: { url: 'app://warden/index.html', parent: mainFrame } }],
    ['a destroyed frame', { sender: ourContents, senderFrame: null }],
    ['a webContents the app did not create', { sender: { id: 2 }, senderFrame: { url: 'app://warden/', parent: null } }],
    ['our window after navigating to another origin', { sender: ourContents, senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['a frame whose URL does not parse', { sender: ourContents, senderFrame: { url: 'not a url', parent: null } }],
  ])('refuses a request from %s', async (_name, event) => {
    const { invoke } = setup()
    await expect(invoke('app:status', event as IpcSenderEvent, {})).resolves.toEqual({
      ok: false,
      error: { code: 'ERR_INVALID_MESSAGE', message: 'Refused: this request did not come from the MCP Warden window.' },
    })
  })

  it('refuses a look-alike origin (same host, other scheme)', () => {
    expect(isTrustedSender({ sender: ourContents, senderFrame: { url: 'https://warden/index.html', parent: null } })).toBe(false)
  })

  it("passes a WardenError's code and message through", async () => {
    const { invoke, internal } = setup({
      'approvals:answer': async () => {
        throw new WardenError('ERR_AGENT_UNAVAILABLE', 'The MCP Warden agent is not running. Restart the app.')
      },
    })
    await expect(invoke('approvals:answer', trusted, { id: 'a1', answer: 'allow' })).resolves.toEqual({
      ok: false,
      error: { code: 'ERR_AGENT_UNAVAILABLE', message: 'The MCP Warden agent is not running. Restart the app.' },
    })
    expect(internal).toEqual([])
  })

  it('turns any other exception into ERR_INTERNAL without its text, and reports it', async () => {
    const boom = new Error('ENOENT: /home/alice/.secret/token.json')
    const { invoke, internal } = setup({
      'servers:list': async () => {
        throw boom
      },
    })
    const reply = await invoke('servers:list', trusted, {})
    expect(reply).toEqual({ ok: false, error: { code: 'ERR_INTERNAL', message: 'MCP Warden hit an internal error. Try again; if it persists, restart the app.' } })
    expect(JSON.stringify(reply)).not.toContain('alice')
    expect(internal).toEqual([{ channel: 'servers:list', error: boom }])
  })

  it('refuses to send an answer that does not match its schema', async () => {
    const { invoke, internal } = setup({ 'settings:get': async () => ({ openAtLogin: 'yes', notifications: true, token: 'secret' }) })
    await expect(invoke('settings:get', trusted, {})).resolves.toMatchObject({ ok: false, error: { code: 'ERR_INTERNAL' } })
    expect(String((internal[0]?.error as Error).message)).toBe('the answer of "settings:get" does not match its schema: openAtLogin')
  })

  it('strips keys the answer schema does not know', async () => {
    const { invoke } = setup({ 'settings:get': async () => ({ ...settings, token: 'secret' }) })
    await expect(invoke('settings:get', trusted, {})).resolves.toEqual({ ok: true, value: settings })
  })
})
