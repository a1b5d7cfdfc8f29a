/**
 * desktop/src/app/main/tray.ts — the Electron side of the tray: turns a `TrayState` (tray-state.ts) into the Tray's
 * image, tooltip, title and context menu, and menu clicks into the app's commands. Rebuilds only what changed.
 */
import path from 'node:path'
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron'
import type { TrayAction, TrayIcon, TrayMenuItem, TrayState } from './tray-state.js'

export interface TrayCommands {
  readonly run: (action: TrayAction) => void
  readonly setOpenAtLogin: (value: boolean) => void
}

export interface AppTray {
  render(state: TrayState): void
  destroy(): void
}

/** @example const tray = createAppTray(path.join(app.getAppPath(), 'assets', 'tray'), commands); tray.render(trayState(…)) */
export function createAppTray(iconDir: string, commands: TrayCommands): AppTray {
  const images = new Map<TrayIcon, NativeImage>()
  const image = (icon: TrayIcon): NativeImage => {
    let loaded = images.get(icon)
    if (loaded === undefined) {
      loaded = nativeImage.createFromPath(path.join(iconDir, `${icon}.png`))
      images.set(icon, loaded)
    }
    return loaded
  }
  const tray = new Tray(image('off'))
  tray.on('click', () => commands.run('open'))
  let shown: string | undefined
  return {
    render(state) {
      const key = JSON.stringify(state)
      if (key === shown) return
      shown = key
      tray.setImage(image(state.icon))
      tray.setToolTip(state.tooltip)
      if (process.platform === 'darwin') tray.setTitle(state.title)
      tray.setContextMenu(Menu.buildFromTemplate(state.menu.map((item) => menuItem(item, commands))))
    },
    destroy() {
      tray.destroy()
    },
  }
}

function menuItem(item: TrayMenuItem, commands: TrayCommands): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'label':
      return { label: item.label, enabled: false }
    case 'separator':
      return { type: 'separator' }
    case 'action':
      return { label: item.label, click: () => commands.run(item.action) }
    case 'checkbox':
      return { label: item.label, type: 'checkbox', checked: item.checked, click: (menu) => commands.setOpenAtLogin(menu.checked) }
  }
}
