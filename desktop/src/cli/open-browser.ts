/**
 * desktop/src/cli/open-browser.ts — opens a sign-in address in the person's default browser (RFC 8252 §4: the
 * system browser, never an embedded view), without a shell.
 */
import { spawn } from 'node:child_process'

/** The platform's "open this URL" program and its arguments. */
function opener(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]]
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}

/**
 * Starts the browser and resolves once the opener runs; rejects when it cannot be started (no desktop, no
 * xdg-open), so the caller can tell the person to open the address by hand. Only http(s) addresses are opened.
 *
 * @example
 * await openSystemBrowser('https://login.example.com/authorize?...').catch(() => print('open it yourself'))
 */
export function openSystemBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const protocol = URL.canParse(url) ? new URL(url).protocol : ''
  if (protocol !== 'https:' && protocol !== 'http:') return Promise.reject(new TypeError('"url" must be an http(s) address'))
  const [command, args] = opener(url, platform)
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', shell: false })
    child.once('error', reject)
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}
