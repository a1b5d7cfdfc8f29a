/**
 * desktop/src/app/main/app-protocol.ts — the `app://warden/` scheme the renderer is served from. Nothing remote is
 * ever loaded: every page, script and style comes from the packaged renderer directory (desktop/dist/app/renderer/),
 * each response carrying the app's Content-Security-Policy. A request outside that directory (`..`, encoded
 * separators, a symlink leading out) gets a 404, the same answer as a missing file, so nothing about the disk leaks.
 */
import { readFile, realpath } from 'node:fs/promises'
import path from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'warden'
/** The renderer's origin: what the IPC gate accepts and what CSP's 'self' means. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** Served as a header with every response; the renderer's index.html repeats it in a meta tag. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * For `protocol.registerSchemesAsPrivileged`, before the app is ready: `standard` gives the scheme real origins
 * (so 'self' and the IPC origin check mean `app://warden`), `secure` makes it a secure context like https.
 */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true } } as const

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
} as const

/**
 * The handler for `protocol.handle(APP_SCHEME, …)`: answers GET/HEAD for files inside `rootDir`, `/` being
 * `index.html`.
 *
 * @example protocol.handle(APP_SCHEME, createAppFileHandler(path.join(app.getAppPath(), 'dist/app/renderer')))
 */
export function createAppFileHandler(rootDir: string): (request: Request) => Promise<Response> {
  if (!path.isAbsolute(rootDir)) throw new TypeError(`createAppFileHandler: rootDir must be an absolute path, got "${rootDir}"`)
  const realRoot = realpath(rootDir).catch(() => path.resolve(rootDir))
  return async function serveAppFile(request) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405)
    const file = await resolveInside(await realRoot, request.url)
    if (file === null) return answer(404)
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return answer(404)
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': type } })
  }
}

async function resolveInside(root: string, url: string): Promise<string | null> {
  let parsed: URL
  let relative: string
  try {
    parsed = new URL(url)
    relative = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  if (relative.includes('\0') || relative.includes('\\') || relative.split('/').includes('..')) return null
  const candidate = path.resolve(root, `.${relative.endsWith('/') ? `${relative}index.html` : relative}`)
  if (!isInside(root, candidate)) return null
  try {
    const real = await realpath(candidate)
    return isInside(root, real) ? real : null
  } catch {
    return null
  }
}

function isInside(root: string, file: string): boolean {
  return file.startsWith(root + path.sep)
}

function answer(status: 404 | 405): Response {
  return new Response(null, { status, headers: SECURITY_HEADERS })
}
