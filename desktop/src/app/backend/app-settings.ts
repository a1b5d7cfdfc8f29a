/**
 * desktop/src/app/backend/app-settings.ts — `settings:get|set`: start at login (the OS's login items, through the
 * main process) and the app's own flags, kept in `<stateDir>/app-settings.json`. Written atomically (a temporary
 * file renamed over the old one); a file that cannot be read or parsed gives the defaults, and says so in the log.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { AppBackendOptions, AppSettings, IpcRequest } from '../contract/ipc-contract.js'

const storedSchema = z.object({ notifications: z.boolean() })
type Stored = z.output<typeof storedSchema>

const DEFAULTS: Stored = { notifications: true }
const FILE = 'app-settings.json'

export interface AppSettingsStore {
  get(): Promise<AppSettings>
  set(change: IpcRequest<'settings:set'>): Promise<AppSettings>
}

/**
 * @example
 * const settings = createAppSettings({ stateDir, openAtLogin }, (line) => console.error(line))
 * await settings.set({ notifications: false })
 */
export function createAppSettings(options: Pick<AppBackendOptions, 'stateDir' | 'openAtLogin'>, log: (line: string) => void): AppSettingsStore {
  const path = join(options.stateDir, FILE)
  let writing: Promise<unknown> = Promise.resolve()

  const load = async (): Promise<Stored> => {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') log(`app settings: ${path} cannot be read (${String((error as { code?: unknown }).code)}); using the defaults`)
      return DEFAULTS
    }
    try {
      return storedSchema.parse(JSON.parse(text))
    } catch {
      log(`app settings: ${path} is not a valid settings file; using the defaults (it is replaced on the next change)`)
      return DEFAULTS
    }
  }

  const save = async (stored: Stored): Promise<void> => {
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 })
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(stored)}\n`, { mode: 0o600 })
    await rename(temporary, path)
  }

  const get = async (): Promise<AppSettings> => ({ openAtLogin: options.openAtLogin.get(), notifications: (await load()).notifications })

  return {
    get,
    set(change) {
      // Changes are applied one after the other, so two quick toggles cannot lose one.
      const next = writing.then(async () => {
        if (change.openAtLogin !== undefined) options.openAtLogin.set(change.openAtLogin)
        if (change.notifications !== undefined) await save({ ...(await load()), notifications: change.notifications })
        return get()
      })
      writing = next.catch(() => undefined)
      return next
    },
  }
}
