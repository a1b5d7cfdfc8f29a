/**
 * desktop/src/app/main/backend-loader.ts — the one place the main process reaches the app's backend and the client
 * installers: both are loaded at run time, typed by the contract (desktop/src/app/contract/ipc-contract.ts and
 * desktop/src/installers/client-config.ts), so the main process depends on their shapes only.
 */
import type { AppBackend, AppBackendOptions } from '../contract/ipc-contract.js'
import type { ClientInstallers } from '../../installers/client-config.js'

export type CreateAppBackend = (options: AppBackendOptions) => Promise<AppBackend>

// Specifiers built at run time: the compiler takes the types from the contract, not from the modules themselves.
const BACKEND_MODULE = new URL('../backend/create-app-backend.js', import.meta.url).href
const INSTALLERS_MODULE = new URL('../../installers/index.js', import.meta.url).href

/** `createAppBackend` from desktop/src/app/backend/create-app-backend.ts. */
export async function loadCreateAppBackend(): Promise<CreateAppBackend> {
  const module = (await import(BACKEND_MODULE)) as { createAppBackend?: unknown }
  if (typeof module.createAppBackend !== 'function') throw new TypeError(`${BACKEND_MODULE} does not export createAppBackend`)
  return module.createAppBackend as CreateAppBackend
}

/** `clientInstallers` from desktop/src/installers/index.ts. */
export async function loadClientInstallers(): Promise<ClientInstallers> {
  const module = (await import(INSTALLERS_MODULE)) as { clientInstallers?: Partial<ClientInstallers> }
  const installers = module.clientInstallers
  if (typeof installers?.detectClients !== 'function' || typeof installers.planChange !== 'function') {
    throw new TypeError(`${INSTALLERS_MODULE} does not export clientInstallers (detectClients, planChange)`)
  }
  return installers as ClientInstallers
}
