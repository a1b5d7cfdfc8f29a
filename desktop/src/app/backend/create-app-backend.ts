/**
 * desktop/src/app/backend/create-app-backend.ts — the desktop app's backend: one handler per IPC channel, composed
 * from the modules beside it (status, sign-in, audit, policy, approvals, clients, settings, shell). Pure Node: the
 * Electron main process registers these handlers on ipcMain, and the browser tests expose the same ones to Chromium.
 */
import { isWardenError, WardenError } from '@mcp-warden/core'
import { defaultAuditDir } from '../../agent/audit/audit-paths.js'
import { openSession, type OpenedSession } from '../../agent/open-session.js'
import { agentSocketFor } from '../../agent/protocol/socket-path.js'
import { loadOrgSettings } from '../../settings/load-org-settings.js'
import type { AppBackend, AppBackendOptions, IpcHandlers } from '../contract/ipc-contract.js'
import { createAgentLink } from './agent-link.js'
import { createAppSettings } from './app-settings.js'
import { listServers, queryAudit } from './audit-handlers.js'
import { createAuditIndex } from './audit-index.js'
import { createClientHandlers } from './clients.js'
import { policyView } from './policy-view.js'
import { createSignIn } from './sign-in.js'
import { appStatus } from './status.js'

/** Only web addresses leave the app for the browser: never file:, javascript: or a custom scheme. */
function checkWebUrl(url: string): string {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new WardenError('ERR_USAGE', 'Only http and https addresses can be opened in the browser; this one was refused.')
  }
  return url
}

/** Retries after a failure: settings fixed while the app runs are read on the next call. */
function memoise<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined
      throw error
    })
    return loaded
  }
}

/**
 * Builds the handlers. Nothing is opened yet: the settings, the keychain and the agent are reached when a screen
 * first asks, so the window opens even when they are missing.
 *
 * @example
 * const backend = await createAppBackend({ env: process.env, openExternal: shell.openExternal, writeClipboard, launcher, installers, openAtLogin, stateDir })
 * ipcMain.handle('app:status', () => backend.handlers['app:status']({}))
 */
export async function createAppBackend(options: AppBackendOptions): Promise<AppBackend> {
  const log = (line: string): void => void process.stderr.write(`mcp-warden app: ${line}\n`)
  const settings = memoise(() => loadOrgSettings({ env: options.env }))
  const session = memoise<OpenedSession>(() => openSession(options.env))
  const agent = createAgentLink({ socketPath: async () => agentSocketFor(options.env, (await settings()).settings) })
  const index = createAuditIndex(defaultAuditDir(options.env, process.platform))
  const signIn = createSignIn({ session, agent, openExternal: options.openExternal })
  const clients = createClientHandlers(options)
  const appSettings = createAppSettings(options, log)

  const handlers: IpcHandlers = {
    'app:status': () => appStatus(agent, index),
    'signin:start': ({ method }) => signIn.start(method),
    'signin:wait': ({ flowId }) => signIn.wait(flowId),
    'signin:cancel': ({ flowId }) => signIn.cancel(flowId),
    signout: () => signIn.signOut(),
    'audit:query': (request) => queryAudit(index, request),
    'servers:list': () => listServers(index, options),
    'policy:get': async () => {
      const location = (await settings()).settings.policy?.url ?? null
      return agent.use(async (client) => policyView(await client.policySnapshot(), location)).catch((error: unknown) => {
        if (isWardenError(error) && error.code === 'ERR_AGENT_UNAVAILABLE') return null
        throw error
      })
    },
    // An agent older than protocol 2 has no queue: the client refuses with a message saying to update.
    'approvals:list': () => agent.use(async (client) => ({ pending: await client.listApprovals() })),
    'approvals:answer': ({ id, answer }) => agent.use(async (client) => (await client.answerApproval(id, answer), null)),
    'clients:list': () => clients.list(),
    'clients:plan': (request) => clients.plan(request),
    'clients:apply': (request) => clients.apply(request),
    'settings:get': () => appSettings.get(),
    'settings:set': (change) => appSettings.set(change),
    'shell:open': async ({ url }) => (await options.openExternal(checkWebUrl(url)), null),
    'clipboard:write': async ({ text }) => (options.writeClipboard(text), null),
  }
  return {
    handlers,
    async close() {
      signIn.close()
      agent.close()
    },
  }
}
