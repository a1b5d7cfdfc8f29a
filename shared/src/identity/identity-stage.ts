/**
 * shared/src/identity/identity-stage.ts — the first pipeline stage: who is sending this message?
 *
 * No token means the person is signed out; a token that fails verification denies with the verifier's
 * error. Either way the message goes no further (fail closed). On success the verified Identity is put on a
 * new context for the policy stage and the audit record.
 */
import { isWardenError, WardenError } from '../errors.js'
import type { Identity, MessageContext, Stage, Verdict } from '../pipeline/types.js'
import { toIdentityError } from './identity-errors.js'

/** Shown when there is no token to verify. */
export const SIGNED_OUT_MESSAGE =
  'You are not signed in to MCP Warden. Sign in with `mcp-warden login` or the MCP Warden app, then try again.'

/** Options of `identityStage`. */
export interface IdentityStageOptions {
  /**
   * The token for this message (from the agent's session, or per SDK session); undefined when signed out.
   * A WardenError it throws (e.g. ERR_AGENT_UNAVAILABLE) becomes the deny; other errors propagate, and the
   * pipeline fails closed with ERR_INTERNAL.
   */
  readonly resolveToken: (context: MessageContext) => string | undefined | Promise<string | undefined>
  readonly verifier: { verify(token: string): Promise<Identity> }
}

/**
 * Messages that carry no effect of their own (initialize, ping, notifications) and responses (whose request was
 * already judged) go on without an identity when there is none: the session then starts, and the person sees
 * "sign in" on the first call that needs it instead of a server that mysteriously fails to start.
 */
function needsIdentity(context: MessageContext): boolean {
  const kind = context.operation.kind
  return kind !== 'protocol' && kind !== 'response'
}

function signedOut(): Verdict {
  return { action: 'deny', error: new WardenError('ERR_SIGNED_OUT', SIGNED_OUT_MESSAGE, { stage: 'identity' }) }
}

/**
 * Creates the identity stage; throws TypeError when an option is missing.
 *
 * @example
 * const stage = identityStage({ resolveToken: () => session.idToken, verifier: createTokenVerifier(config) })
 */
export function identityStage(options: IdentityStageOptions): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const { resolveToken, verifier } = options
  if (typeof resolveToken !== 'function') throw new TypeError('"resolveToken" must be a function')
  if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') {
    throw new TypeError('"verifier" must be an object with a verify(token) function')
  }
  return {
    name: 'identity',
    async process(context) {
      const required = needsIdentity(context)
      let token: string | undefined
      try {
        token = await resolveToken(context)
      } catch (error) {
        // e.g. ERR_AGENT_UNAVAILABLE from the agent client: deny with it; anything else fails closed upstream.
        if (!isWardenError(error)) throw error
        return required ? { action: 'deny', error } : { action: 'pass', context }
      }
      if (token === undefined || token === '') return required ? signedOut() : { action: 'pass', context }
      try {
        const identity = await verifier.verify(token)
        return { action: 'pass', context: { ...context, identity } }
      } catch (error) {
        return required ? { action: 'deny', error: toIdentityError(error) } : { action: 'pass', context }
      }
    },
  }
}
