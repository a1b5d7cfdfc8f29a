/**
 * desktop/src/app/backend/clients.ts — `clients:list|plan|apply` ("Protect my clients") through the installers:
 * a plan is kept here under a random id until applied or for ten minutes, so the renderer applies exactly the
 * change whose diff it showed, and nothing it made up.
 */
import { randomUUID } from 'node:crypto'
import { homedir } from 'node:os'
import { WardenError } from '@mcp-warden/core'
import type { AppBackendOptions, IpcAnswer, IpcRequest } from '../contract/ipc-contract.js'
import type { InstallerContext, PreparedPlan } from '../../installers/client-config.js'
import { defaultInstallerContext } from '../../installers/installer-context.js'

/** How long a shown plan may be applied. */
export const PLAN_TTL_MS = 10 * 60 * 1000

export interface ClientHandlers {
  list(): Promise<IpcAnswer<'clients:list'>>
  plan(request: IpcRequest<'clients:plan'>): Promise<IpcAnswer<'clients:plan'>>
  apply(request: IpcRequest<'clients:apply'>): Promise<IpcAnswer<'clients:apply'>>
}

/**
 * What the installers get: this machine and the app's launcher, with the same state directory as
 * `mcp-warden install` (not the app's own), so what one protects the other reports and undoes.
 */
export function installerContext(options: AppBackendOptions): InstallerContext {
  const context = defaultInstallerContext({ platform: process.platform, homeDir: options.env['HOME'] ?? homedir(), env: options.env })
  return { ...context, launcher: options.launcher }
}

/**
 * @example
 * const clients = createClientHandlers(options)
 * const { planId, plan } = await clients.plan({ client: 'cursor', action: 'install' })
 */
export function createClientHandlers(options: AppBackendOptions, now: () => number = Date.now): ClientHandlers {
  const plans = new Map<string, { readonly prepared: PreparedPlan; readonly expiresAt: number }>()
  const sweep = (): void => {
    for (const [id, kept] of plans) if (kept.expiresAt <= now()) plans.delete(id)
  }
  return {
    async list() {
      return { clients: await options.installers.detectClients(installerContext(options)) }
    },
    async plan({ client, action }) {
      sweep()
      const prepared = await options.installers.planChange(installerContext(options), client, action)
      const planId = randomUUID()
      plans.set(planId, { prepared, expiresAt: now() + PLAN_TTL_MS })
      return { planId, plan: prepared.plan }
    },
    async apply({ planId }) {
      sweep()
      const kept = plans.get(planId)
      if (kept === undefined) throw new WardenError('ERR_USAGE', 'This change was shown too long ago (or already applied). Review it again, then apply it.')
      plans.delete(planId)
      return { message: await kept.prepared.apply() }
    },
  }
}
