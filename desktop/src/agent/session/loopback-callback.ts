/**
 * desktop/src/agent/session/loopback-callback.ts — the redirect target of a browser sign-in (RFC 8252 §7.3).
 *
 * Listens on 127.0.0.1 (not `localhost`, not `[::1]`: IdPs differ on those) on a port the OS picks, accepts
 * one request to `/callback`, and answers it only when the sign-in has finished, so the page the person sees
 * tells the truth. The page never contains a token or the query string. `close()` ends the listener.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WardenError } from '@mcp-warden/core'

export interface CallbackPage {
  readonly ok: boolean
  /** Plain text shown under the title; escaped. */
  readonly message: string
}

export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string
  /** Resolves with the full URL of the first request to `/callback`. */
  readonly received: Promise<URL>
  /** Answers the waiting browser; later calls do nothing. */
  respond(page: CallbackPage): void
  /** Answers a still-waiting browser with a failure page, then stops listening and drops every connection. */
  close(): Promise<void>
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A self-contained page: no scripts, no external assets, nothing from the request echoed back. */
export function renderCallbackPage(page: CallbackPage): string {
  const title = page.ok ? 'You are signed in to MCP Warden' : 'MCP Warden sign-in did not complete'
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto"><h1>${title}</h1>
<p id="${page.ok ? 'signed-in' : 'sign-in-failed'}">${escapeHtml(page.message)}</p><p>You can close this tab.</p></body></html>`
}

function send(res: ServerResponse, status: number, page: CallbackPage): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  })
  res.end(renderCallbackPage(page))
}

/** Listens on 127.0.0.1:`port`; `false` when that port is taken. */
function tryListen(server: Server, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error))
    server.once('error', onError)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      resolve(true)
    })
  })
}

/**
 * Starts the listener on the first free port of `ports` (for IdPs that match loopback redirect URIs exactly,
 * such as Okta and Auth0, whose admins register those ports), or on a port the OS picks when `ports` is empty.
 * Rejects with ERR_USAGE when every listed port is taken.
 *
 * @example
 * const callback = await listenForCallback()
 * await openBrowser(authorizationUrl(callback.redirectUri))
 * const url = await callback.received
 * callback.respond({ ok: true, message: 'Return to MCP Warden.' })
 * await callback.close()
 */
export async function listenForCallback(ports: readonly number[] = []): Promise<LoopbackCallback> {
  let waiting: ServerResponse | undefined
  let answered = false
  let deliver!: (url: URL) => void
  const received = new Promise<URL>((resolve) => {
    deliver = resolve
  })
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      send(res, 404, { ok: false, message: 'This address only receives the MCP Warden sign-in.' })
    } else if (waiting !== undefined || answered) {
      send(res, 409, { ok: false, message: 'This sign-in was already received. Return to MCP Warden.' })
    } else {
      waiting = res
      deliver(new URL(`${redirectUri}${url.search}`))
    }
  })
  let listening = false
  for (const port of ports.length === 0 ? [0] : ports) {
    listening = await tryListen(server, port)
    if (listening) break
  }
  if (!listening) {
    throw new WardenError('ERR_USAGE', `The sign-in ports registered for MCP Warden (${ports.join(', ')}) are all in use. Close the program using them and try again.`, {
      details: { reason: 'loopback-ports-in-use' },
    })
  }
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`
  let sent: Promise<void> = Promise.resolve()
  const respond = (page: CallbackPage): void => {
    if (waiting === undefined || answered) return
    answered = true
    const res = waiting
    sent = new Promise<void>((resolve) => {
      res.once('close', resolve)
      res.once('finish', resolve)
    })
    send(res, page.ok ? 200 : 400, page)
  }
  return {
    redirectUri,
    received,
    respond,
    close: async () => {
      respond({ ok: false, message: 'MCP Warden stopped waiting for this sign-in. Start it again from MCP Warden.' })
      await sent
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
