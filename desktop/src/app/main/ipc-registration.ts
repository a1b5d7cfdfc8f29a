/**
 * desktop/src/app/main/ipc-registration.ts — puts the app's handlers on Electron's `ipcMain`: exactly the channels of
 * IPC_CHANNELS, each behind the same gate. A request is answered only when it comes from the main frame of our window
 * at our origin; its payload is parsed with the channel's schema (refused, never coerced); the handler's answer is
 * parsed again before it leaves. Every outcome is an `IpcReply`: a handler's exception never crosses as-is, because
 * Electron would flatten it into "Error invoking remote method …" and could carry internals to the renderer.
 */
import { isWardenError } from '@mcp-warden/core'
import { IPC_CHANNELS, type IpcChannel, type IpcError, type IpcHandlers, type IpcReply } from '../contract/ipc-contract.js'

/** The part of an IPC event the gate reads (Electron's `IpcMainInvokeEvent`). */
export interface IpcSenderEvent {
  /** The webContents the message came from. */
  readonly sender: unknown
  /** Null when the frame navigated away or was destroyed before the message was handled; `parent` null = a main frame. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null
}

/** The part of Electron's `ipcMain` this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface RegisterIpcOptions {
  readonly ipcMain: IpcMainLike
  readonly handlers: IpcHandlers
  /** Whether a request comes from our window (see `createSenderCheck`). */
  readonly isTrustedSender: (event: IpcSenderEvent) => boolean
  /** Told of every failure that became ERR_INTERNAL, with the channel; log it, never show it. */
  readonly onInternalError: (channel: IpcChannel, error: unknown) => void
}

export interface SenderCheckOptions {
  /** Our origin, e.g. `app://warden`. */
  readonly origin: string
  /** Whether these are the webContents of a window the app created. */
  readonly isOurWebContents: (sender: unknown) => boolean
}

const FORBIDDEN: IpcError = {
  code: 'ERR_INVALID_MESSAGE',
  message: 'Refused: this request did not come from the MCP Warden window.',
}

/**
 * The sender rule: the frame still exists, is the main frame of one of our windows, and shows a page of our origin.
 * Subframes, other windows and any page that navigated elsewhere are refused.
 *
 * @example createSenderCheck({ origin: 'app://warden', isOurWebContents: (wc) => wc === window.webContents })
 */
export function createSenderCheck(options: SenderCheckOptions): (event: IpcSenderEvent) => boolean {
  const { origin, isOurWebContents } = options
  return function isTrustedSender(event) {
    const frame = event.senderFrame
    if (frame === null || frame.parent !== null || !isOurWebContents(event.sender)) return false
    return originOf(frame.url) === origin
  }
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return null
  }
}

/**
 * Registers one `ipcMain.handle` per channel of IPC_CHANNELS and returns a function that removes them all.
 *
 * @example const unregister = registerIpc({ ipcMain, handlers: backend.handlers, isTrustedSender, onInternalError })
 */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const { ipcMain, handlers, isTrustedSender, onInternalError } = options
  const channels = Object.keys(IPC_CHANNELS) as IpcChannel[]
  for (const channel of channels) {
    if (typeof handlers[channel] !== 'function') throw new TypeError(`registerIpc: no handler for the IPC channel "${channel}"`)
  }
  for (const channel of channels) {
    ipcMain.handle(channel, async function gate(event, ...args) {
      if (!isTrustedSender(event)) return failure(FORBIDDEN)
      return answer(channel, handlers, args, onInternalError)
    })
  }
  return function unregister() {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}

async function answer<C extends IpcChannel>(
  channel: C,
  handlers: IpcHandlers,
  args: readonly unknown[],
  onInternalError: RegisterIpcOptions['onInternalError'],
): Promise<IpcReply<C>> {
  const schemas = IPC_CHANNELS[channel]
  const request = args.length === 1 ? schemas.request.safeParse(args[0]) : null
  if (request === null || !request.success) {
    return failure({ code: 'ERR_INVALID_MESSAGE', message: `Refused: the request for "${channel}" does not have the expected shape.` })
  }
  let value: unknown
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>
    value = await handler(request.data)
  } catch (error) {
    if (isWardenError(error) && error.code !== 'ERR_INTERNAL') return failure({ code: error.code, message: error.message.slice(0, 4096) })
    onInternalError(channel, error)
    return failure(INTERNAL)
  }
  const parsed = schemas.answer.safeParse(value)
  if (!parsed.success) {
    onInternalError(channel, new TypeError(`the answer of "${channel}" does not match its schema: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`))
    return failure(INTERNAL)
  }
  return { ok: true, value: parsed.data as IpcReply<C> extends { ok: true; value: infer V } ? V : never }
}

const INTERNAL: IpcError = {
  code: 'ERR_INTERNAL',
  message: 'MCP Warden hit an internal error. Try again; if it persists, restart the app.',
}

function failure(error: IpcError): { readonly ok: false; readonly error: IpcError } {
  return { ok: false, error }
}
