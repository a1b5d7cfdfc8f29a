/**
 * desktop/src/app/main/window-security.test.ts — the window's options as Electron receives them, and the guards as
 * installed: the tests call the recorded handlers the way Electron would.
 */
import { describe, expect, it } from 'vitest'
import { IPC_CHANNELS } from '../contract/ipc-contract.js'
import { guardAllWebContents, guardSession, guardWebContents, isExternalWebUrl, mainWindowOptions, type GuardableContents } from './window-security.js'

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }) => void>()
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined
  const contents: GuardableContents = {
    on(event, listener) {
      listeners.set(event, listener)
      return contents
    },
    setWindowOpenHandler(handler) {
      openHandler = handler
    },
  }
  const fire = (name: string) => {
    let prevented = false
    listeners.get(name)?.({ preventDefault: () => (prevented = true) })
    return prevented
  }
  return { contents, fire, open: (url: string) => openHandler?.({ url }) }
}

describe('mainWindowOptions', () => {
  it('sets every security preference explicitly and passes the channel list to the preload', () => {
    const options = mainWindowOptions({ preloadPath: '/app/dist/app/preload/preload.cjs', iconPath: '/app/build/icons/512x512.png' })
    expect(options.show).toBe(false)
    expect(options.webPreferences).toEqual({
      preload: '/app/dist/app/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      additionalArguments: [`--warden-ipc-channels=${Object.keys(IPC_CHANNELS).join(',')}`],
    })
  })
})

describe('guardWebContents', () => {
  it('cancels navigations, redirects and webviews', () => {
    const { contents, fire } = fakeContents()
    guardWebContents(contents, () => {})
    expect(fire('will-navigate')).toBe(true)
    expect(fire('will-frame-navigate')).toBe(true)
    expect(fire('will-redirect')).toBe(true)
    expect(fire('will-attach-webview')).toBe(true)
  })

  it('denies every new window and sends only web links to the browser', () => {
    const opened: string[] = []
    const { contents, open } = fakeContents()
    guardWebContents(contents, (url) => opened.push(url))
    for (const url of ['https://idp.example/device?code=AB', 'file:///etc/passwd', 'javascript:alert(1)', 'vscode://x', 'https://user:pw@idp.example/', 'not a url']) {
      expect(open(url)).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://idp.example/device?code=AB'])
  })
})

describe('isExternalWebUrl', () => {
  it.each([
    ['https://example.com/a', true],
    ['http://localhost:3000/device', true],
    ['HTTPS://EXAMPLE.COM', true],
    ['ftp://example.com', false],
    ['app://warden/index.html', false],
    ['mailto:a@b.c', false],
    ['https://a:b@example.com', false],
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isExternalWebUrl(url)).toBe(expected)
  })
})

describe('guardSession', () => {
  it('denies every permission request and check', () => {
    const granted: boolean[] = []
    let check: ((contents: unknown, permission: string) => boolean) | undefined
    guardSession({
      setPermissionRequestHandler: (handler) => {
        for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) handler({}, permission, (g) => granted.push(g))
      },
      setPermissionCheckHandler: (handler) => {
        check = handler
      },
    })
    expect(granted).toEqual([false, false, false, false, false])
    expect(check?.({}, 'clipboard-sanitized-write')).toBe(false)
  })
})

describe('guardAllWebContents', () => {
  it('guards a webContents as soon as the app creates it', () => {
    let created: ((event: unknown, contents: GuardableContents) => void) | undefined
    guardAllWebContents({ on: (_name, listener) => (created = listener) }, () => {})
    const { contents, fire, open } = fakeContents()
    created?.({}, contents)
    expect(fire('will-navigate')).toBe(true)
    expect(open('https://example.com')).toEqual({ action: 'deny' })
  })
})
