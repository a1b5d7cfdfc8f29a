/**
 * desktop/src/app/backend/sign-in.ts — `signin:start|wait|cancel` and `signout`: the device flow (the code shown in
 * the app) and the browser flow (authorization code + PKCE through `openExternal`), run by the same session code as
 * `mcp-warden login`. When a flow ends the running agent is told to read the session again; `signout` is
 * `mcp-warden logout`. Tokens never leave this module's session: the renderer sees codes, addresses and statuses.
 */
import { randomUUID } from 'node:crypto'
import { WardenError } from '@mcp-warden/core'
import type { OpenedSession } from '../../agent/open-session.js'
import type { SessionStatus } from '../../agent/session/index.js'
import type { IpcAnswer } from '../contract/ipc-contract.js'
import type { AgentLink } from './agent-link.js'

type Started = IpcAnswer<'signin:start'>

interface Flow {
  readonly controller: AbortController
  readonly done: Promise<SessionStatus>
}

export interface SignInHandlers {
  start(method: 'device' | 'browser'): Promise<Started>
  wait(flowId: string): Promise<SessionStatus>
  cancel(flowId: string): Promise<null>
  signOut(): Promise<null>
  /** Cancels the flows still running (the app quits). */
  close(): void
}

export interface SignInOptions {
  readonly session: () => Promise<OpenedSession>
  readonly agent: AgentLink
  readonly openExternal: (url: string) => Promise<void>
}

/** The agent reads the keychain again; without a running agent there is nothing to tell (one that starts reads it). */
async function tellAgent(agent: AgentLink): Promise<void> {
  await agent.use((client) => client.reloadSession()).catch(() => undefined)
}

function unknownFlow(flowId: string): WardenError {
  return new WardenError('ERR_USAGE', `No sign-in ${JSON.stringify(flowId)} is running (it ended or was cancelled). Start the sign-in again.`)
}

function cancelled(): WardenError {
  return new WardenError('ERR_SIGNED_OUT', 'The sign-in was cancelled.', { details: { reason: 'cancelled' } })
}

/**
 * @example
 * const signIn = createSignIn({ session: () => openSession(env), agent, openExternal })
 * const { flowId, userCode } = await signIn.start('device')
 */
export function createSignIn(options: SignInOptions): SignInHandlers {
  const flows = new Map<string, Flow>()

  const begin = async (method: 'device' | 'browser'): Promise<Started> => {
    const { session } = await options.session()
    const flowId = randomUUID()
    const controller = new AbortController()
    let shown: (started: Started) => void = () => undefined
    const started = new Promise<Started>((resolve) => (shown = resolve))
    const signal = controller.signal
    const login =
      method === 'device'
        ? session.loginWithDeviceCode({
            signal,
            onUserCode: (userCode, verificationUri, complete, expiresInSeconds = 600) =>
              shown({
                kind: 'device',
                flowId,
                userCode,
                verificationUri,
                ...(complete === undefined ? {} : { verificationUriComplete: complete }),
                expiresAt: Date.now() + expiresInSeconds * 1000,
              }),
          })
        : session.loginWithBrowser({ signal, openBrowser: async (url) => (await options.openExternal(url), shown({ kind: 'browser', flowId })) })
    const done = login.then(async (status) => {
      if (status.state !== 'signed-in') throw new WardenError('ERR_SIGNED_OUT', 'The sign-in did not complete. Start it again.')
      await tellAgent(options.agent)
      return status
    })
    flows.set(flowId, { controller, done })
    // The flow stays listed until waited for or cancelled; one nobody waits for must not be an unhandled rejection.
    done.catch(() => undefined)
    return Promise.race([started, done.then(() => started)])
  }

  return {
    start: begin,
    async wait(flowId) {
      const flow = flows.get(flowId)
      if (flow === undefined) throw unknownFlow(flowId)
      try {
        return await flow.done
      } catch (error) {
        throw flow.controller.signal.aborted ? cancelled() : error
      } finally {
        flows.delete(flowId)
      }
    },
    async cancel(flowId) {
      const flow = flows.get(flowId)
      if (flow === undefined) throw unknownFlow(flowId)
      flow.controller.abort(cancelled())
      flows.delete(flowId)
      return null
    },
    async signOut() {
      const { session } = await options.session()
      await session.logout()
      await tellAgent(options.agent)
      return null
    },
    close() {
      for (const flow of flows.values()) flow.controller.abort(cancelled())
      flows.clear()
    },
  }
}
