/**
 * desktop/src/agent/secrets/keytar-secret-store.ts — the SecretStore on the OS keychain through keytar: the login
 * keychain on macOS, Credential Manager on Windows, the Secret Service (gnome-keyring, KWallet, KeePassXC) on Linux.
 *
 * keytar is a native module: it is imported on first use, so the proxy and the CLI start without it, and a missing
 * build becomes ERR_KEYCHAIN_UNAVAILABLE. keytar answers `null` for a missing entry and for a locked keyring alike;
 * the store tells them apart with a sentinel entry and, on Linux, by asking the Secret Service over D-Bus whether
 * the default keyring is locked (see docs/keychain.md for what each OS does).
 */
import { WardenError } from '@mcp-warden/core'
import { probeSecretService, type SecretServiceProbe } from './secret-service-probe.js'
import type { KeychainState, SecretStore } from './secret-store.js'

/** The part of keytar the store uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export interface KeytarSecretStoreOptions {
  /** The keychain service name, e.g. `dev.mcpwarden`. */
  readonly service: string
  /** Defaults to `process.platform`. */
  readonly platform?: NodeJS.Platform | undefined
  /** The environment whose D-Bus session the Linux probe asks; defaults to `process.env` (what keytar itself uses). */
  readonly env?: NodeJS.ProcessEnv | undefined
  /** For tests: replaces `import('keytar')`. */
  readonly loadKeytar?: (() => Promise<KeytarApi>) | undefined
  /** For tests: replaces the D-Bus probe (Linux only). */
  readonly probe?: ((env: NodeJS.ProcessEnv) => Promise<SecretServiceProbe>) | undefined
}

/** The account of the entry that proves the keychain readable; never a real secret. */
export const SENTINEL_ACCOUNT = '__mcp-warden-sentinel__'
const SENTINEL_VALUE = 'mcp-warden keychain sentinel v1'

type Diagnosis = { readonly state: KeychainState; readonly reason: string }

/** What the person can do, per state and OS. */
function whatToDo(state: Exclude<KeychainState, 'available'>, platform: NodeJS.Platform): string {
  if (state === 'locked') {
    return platform === 'darwin'
      ? 'Unlock your login keychain (in Keychain Access, or allow MCP Warden when macOS asks), then try again.'
      : 'Unlock your keychain (sign in to your desktop session, or unlock the "login" keyring in your passwords app), then try again.'
  }
  return platform === 'linux'
    ? 'MCP Warden keeps your sign-in in the OS keychain: run it inside a desktop session with a Secret Service (gnome-keyring, KWallet or KeePassXC) and libsecret installed, then try again.'
    : 'MCP Warden keeps your sign-in in the OS keychain: sign in to your desktop session as yourself, then try again.'
}

function keychainError(diagnosis: Diagnosis, platform: NodeJS.Platform, cause?: unknown): WardenError {
  const state = diagnosis.state === 'available' ? 'unavailable' : diagnosis.state
  return new WardenError('ERR_KEYCHAIN_UNAVAILABLE', `The keychain cannot be used: ${diagnosis.reason}. ${whatToDo(state, platform)}`, {
    details: { state },
    cause,
  })
}

/** libsecret's and keytar's error texts, for when the D-Bus probe could not answer. */
function diagnoseLinuxError(error: unknown): Diagnosis {
  const message = error instanceof Error ? error.message : String(error)
  if (/locked/i.test(message)) return { state: 'locked', reason: 'the keyring is locked' }
  if (/Could not connect|autolaunch/i.test(message)) return { state: 'unavailable', reason: 'there is no D-Bus session bus' }
  if (/not provided by any \.service|ServiceUnknown/.test(message)) return { state: 'unavailable', reason: 'no Secret Service runs on the D-Bus session' }
  return { state: 'unavailable', reason: 'the keychain refused the request' }
}

/** macOS denies a locked or refused login keychain with an error (errSecInteractionNotAllowed, user canceled). */
function diagnoseError(platform: NodeJS.Platform, error: unknown): Diagnosis {
  if (platform === 'linux') return diagnoseLinuxError(error)
  if (platform === 'darwin') return { state: 'locked', reason: 'macOS refused access to the login keychain' }
  return { state: 'unavailable', reason: 'the OS credential store refused the request' }
}

function loadFailure(cause: unknown): Diagnosis {
  const why = cause instanceof Error ? cause.message : String(cause)
  return { state: 'unavailable', reason: `the keychain module (keytar) could not be loaded (${why}); reinstall MCP Warden, and on Linux install libsecret-1-0` }
}

async function importKeytar(): Promise<KeytarApi> {
  const module = (await import('keytar')) as unknown as KeytarApi & { default?: KeytarApi }
  return module.default ?? module
}

/**
 * The keychain-backed SecretStore. Nothing is loaded or asked until the first call.
 *
 * @example
 * const secrets = createKeytarSecretStore({ service: 'dev.mcpwarden' })
 * if ((await secrets.state()) === 'available') await secrets.set('session:…', JSON.stringify(tokens))
 */
export function createKeytarSecretStore(options: KeytarSecretStoreOptions): SecretStore {
  if (typeof options?.service !== 'string' || options.service.length === 0) {
    throw new TypeError('createKeytarSecretStore: "service" must be a non-empty string')
  }
  const { service } = options
  const platform = options.platform ?? process.platform
  const env = options.env ?? process.env
  const load = options.loadKeytar ?? importKeytar
  const probe = options.probe ?? ((probeEnv: NodeJS.ProcessEnv) => probeSecretService({ env: probeEnv }))
  let loaded: Promise<KeytarApi> | undefined

  async function keytar(): Promise<KeytarApi> {
    loaded ??= load()
    try {
      return await loaded
    } catch (cause) {
      loaded = undefined
      throw keychainError(loadFailure(cause), platform, cause)
    }
  }

  /** Reads the sentinel, writing it when the keychain is usable and it is missing. */
  async function checkSentinel(api: KeytarApi): Promise<Diagnosis> {
    try {
      if ((await api.getPassword(service, SENTINEL_ACCOUNT)) === SENTINEL_VALUE) return { state: 'available', reason: 'readable' }
      await api.setPassword(service, SENTINEL_ACCOUNT, SENTINEL_VALUE)
      if ((await api.getPassword(service, SENTINEL_ACCOUNT)) === SENTINEL_VALUE) return { state: 'available', reason: 'readable' }
      return { state: 'locked', reason: 'the keychain accepted an entry but does not give it back (it is probably locked)' }
    } catch (error) {
      return diagnoseError(platform, error)
    }
  }

  async function diagnose(): Promise<Diagnosis> {
    let api: KeytarApi
    try {
      api = await keytar()
    } catch (error) {
      return loadFailure((error as WardenError).cause)
    }
    if (platform === 'linux') {
      // Ask D-Bus first: reading an entry of a locked keyring may pop up an unlock prompt, a probe must not.
      const answer = await probe(env)
      if (answer.collection === 'absent') return { state: 'unavailable', reason: answer.reason }
      if (answer.collection === 'locked') return { state: 'locked', reason: answer.reason }
    }
    return checkSentinel(api)
  }

  /** keytar answered `null` or `false`, which a locked keychain also does: throw unless the keychain is usable. */
  async function ensureAvailable(): Promise<void> {
    const diagnosis = await diagnose()
    if (diagnosis.state !== 'available') throw keychainError(diagnosis, platform)
  }

  /** keytar threw: say why in our terms. */
  async function fail(cause: unknown): Promise<never> {
    const diagnosis = await diagnose()
    throw keychainError(diagnosis.state === 'available' ? diagnoseError(platform, cause) : diagnosis, platform, cause)
  }

  return {
    async get(account) {
      const api = await keytar()
      let value: string | null
      try {
        value = await api.getPassword(service, account)
      } catch (cause) {
        return fail(cause)
      }
      if (value !== null) return value
      await ensureAvailable()
      return undefined
    },
    async set(account, secret) {
      const api = await keytar()
      try {
        await api.setPassword(service, account, secret)
      } catch (cause) {
        await fail(cause)
      }
    },
    async delete(account) {
      const api = await keytar()
      let removed: boolean
      try {
        removed = await api.deletePassword(service, account)
      } catch (cause) {
        return fail(cause)
      }
      if (!removed) await ensureAvailable()
      return removed
    },
    async state() {
      return (await diagnose()).state
    },
  }
}
