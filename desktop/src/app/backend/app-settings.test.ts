import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppSettings } from './app-settings.js'

let dir: string
let loginItem: boolean
let logged: string[]
const make = () => createAppSettings({ stateDir: dir, openAtLogin: { get: () => loginItem, set: (value) => void (loginItem = value) } }, (line) => void logged.push(line))

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-app-settings-'))
  loginItem = false
  logged = []
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('settings:get and settings:set', () => {
  it('starts from the defaults, keeps the notifications flag in the state directory and start-at-login in the OS', async () => {
    expect(await make().get()).toEqual({ openAtLogin: false, notifications: true })
    expect(await make().set({ notifications: false, openAtLogin: true })).toEqual({ openAtLogin: true, notifications: false })
    expect(loginItem).toBe(true)
    expect(JSON.parse(await readFile(join(dir, 'app-settings.json'), 'utf8'))).toEqual({ notifications: false })
    expect(await readdir(dir)).toEqual(['app-settings.json']) // the temporary file was renamed over it
    expect(await make().get()).toEqual({ openAtLogin: true, notifications: false })
  })

  it('reads a corrupt file as the defaults, says so in the log, and replaces it on the next change', async () => {
    await writeFile(join(dir, 'app-settings.json'), '{"notifications": "yes"')
    const settings = make()
    expect(await settings.get()).toEqual({ openAtLogin: false, notifications: true })
    expect(logged).toEqual([expect.stringMatching(/app-settings\.json is not a valid settings file; using the defaults/)])
    await settings.set({ notifications: false })
    expect(JSON.parse(await readFile(join(dir, 'app-settings.json'), 'utf8'))).toEqual({ notifications: false })
  })

  it('applies quick changes one after the other', async () => {
    const settings = make()
    await Promise.all([settings.set({ notifications: false }), settings.set({ openAtLogin: true }), settings.set({ notifications: true })])
    expect(await settings.get()).toEqual({ openAtLogin: true, notifications: true })
  })
})
