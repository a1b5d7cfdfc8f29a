/**
 * desktop/src/proxy/agent-policy.ts — the policy a proxy in agent mode enforces: the agent's central, signed policy
 * when the settings name one, else the proxy's own policy file (the development opt-in, grep UNSIGNED_POLICY_OPT_IN).
 *
 * Hot path: the pipeline calls `current()` once per message, which reads memory only. The snapshot is refreshed
 * from the agent in the background every `refreshMs` (default 2 s), so a new revision reaches a running proxy
 * within about that long, without a restart, and no message waits for a socket round trip. A policy text is parsed
 * once per revision.
 */
import { parsePolicy, WardenError, type CompiledPolicy } from '@mcp-warden/core'
import type { AgentClient } from '../agent/client/index.js'
import type { PolicySnapshot } from '../agent/protocol/schemas.js'
import type { Logger } from '../cli/logger.js'

/** A policy read from the proxy's own configuration, and the file it came from (for messages). */
export interface LocalPolicy {
  readonly policy: CompiledPolicy
  readonly file: string
}

export interface AgentPolicyOptions {
  readonly agent: Pick<AgentClient, 'policySnapshot'>
  /**
   * The proxy's own policy file, enforced only when the agent says there is no central policy; undefined with
   * the built-in configuration, where no central policy means every call is refused.
   */
  readonly local: LocalPolicy | undefined
  readonly log: Logger
  /** Default 2000 ms. */
  readonly refreshMs?: number | undefined
  /** Wall clock in ms (a bundle's expiry is checked on every message). */
  readonly now?: (() => number) | undefined
}

export interface AgentPolicy {
  /** For `policyStage({ policy })`: the policy in force; throws ERR_POLICY_STALE / ERR_AGENT_UNAVAILABLE when none may be used. */
  readonly current: () => CompiledPolicy
  /** Asks the agent now (also done in the background). */
  refresh(): Promise<void>
  close(): void
}

type State =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'local' }
  | { readonly kind: 'central'; readonly snapshot: PolicySnapshot; readonly policy: CompiledPolicy | undefined }

const NO_POLICY_TEXT =
  "MCP Warden has no policy to enforce, so calls are refused: your organisation's settings name no central policy (policy.url) and this proxy runs without a configuration file. Ask your administrator to publish a policy; for development, give the proxy --config FILE with a policy file."

const STALE_TEXT: Record<NonNullable<PolicySnapshot['reason']>, string> = {
  'never-fetched': 'MCP Warden has not received your organisation\'s policy yet, so calls are refused. Connect to your network (and sign in with `mcp-warden login`); if it persists, ask your administrator.',
  unreachable: 'MCP Warden could not check your organisation\'s policy for too long, so calls are refused. Reconnect to your network; if it persists, ask your administrator.',
  expired: 'Your organisation\'s policy has expired, so calls are refused. Reconnect to your network, or ask your administrator to publish a new revision.',
}

/**
 * @example
 * const policy = await agentPolicy({ agent: link.client, local: { policy, file: config.policy.file }, log })
 * createStandardPipeline({ policy: policy.current, … })
 */
export async function agentPolicy(options: AgentPolicyOptions): Promise<AgentPolicy> {
  const refreshMs = options.refreshMs ?? 2000
  if (!Number.isFinite(refreshMs) || refreshMs <= 0) throw new TypeError('agentPolicy: options.refreshMs must be a positive number')
  const now = options.now ?? Date.now
  const { log } = options
  let state: State = { kind: 'unknown' }

  const apply = (snapshot: PolicySnapshot | null): void => {
    if (snapshot === null) {
      if (state.kind !== 'local') {
        if (options.local === undefined) log.error('no central policy in the settings and no policy file: every call is refused')
        else log.warn(`no central policy in the settings: enforcing the unsigned policy file ${options.local.file} (development only; UNSIGNED_POLICY_OPT_IN)`)
      }
      state = { kind: 'local' }
      return
    }
    const previous = state.kind === 'central' ? state : undefined
    let policy = previous?.snapshot.revision === snapshot.revision ? previous.policy : undefined
    if (policy === undefined && snapshot.policyText !== null) {
      try {
        policy = parsePolicy(snapshot.policyText)
      } catch (error) {
        // The agent verified it; a proxy that cannot load it (an older build) refuses rather than guess.
        log.error(`the central policy revision ${snapshot.revision} does not load in this proxy: ${(error as Error).message.split('\n')[0]} Update MCP Warden.`)
      }
    }
    if (policy !== undefined && previous?.policy !== policy) log.info(`central policy revision ${snapshot.revision} in force`)
    state = { kind: 'central', snapshot, policy }
  }

  const refresh = async (): Promise<void> => {
    try {
      apply(await options.agent.policySnapshot())
    } catch (error) {
      // The agent is away: keep the last snapshot (its expiry is still checked); the next refresh tries again.
      log.debug(`policy snapshot: ${error instanceof WardenError ? error.code : 'error'}`)
    }
  }

  await refresh()
  let timer: NodeJS.Timeout | undefined
  let closed = false
  const loop = (): void => {
    if (closed) return
    timer = setTimeout(() => void refresh().finally(loop), refreshMs)
    timer.unref()
  }
  loop()

  const current = (): CompiledPolicy => {
    switch (state.kind) {
      case 'unknown':
        throw new WardenError('ERR_AGENT_UNAVAILABLE', 'MCP Warden could not get the policy from its agent, so calls are refused. Start the MCP Warden app or run `mcp-warden agent`.', { stage: 'policy' })
      case 'local':
        if (options.local === undefined) throw new WardenError('ERR_CONFIG_INVALID', NO_POLICY_TEXT, { stage: 'policy', details: { reason: 'no-policy' } })
        return options.local.policy
      case 'central': {
        const { snapshot, policy } = state
        const expired = snapshot.expiresAt !== null && now() >= snapshot.expiresAt * 1000
        const reason = snapshot.stale ? (snapshot.reason ?? 'unreachable') : expired ? 'expired' : undefined
        if (reason !== undefined) throw new WardenError('ERR_POLICY_STALE', STALE_TEXT[reason], { stage: 'policy', details: { reason, revision: snapshot.revision } })
        if (policy === undefined) {
          throw new WardenError('ERR_POLICY_STALE', `This MCP Warden proxy cannot load your organisation's policy revision ${snapshot.revision}, so calls are refused. Update MCP Warden.`, { stage: 'policy', details: { reason: 'unloadable', revision: snapshot.revision } })
        }
        return policy
      }
    }
  }

  return {
    current,
    refresh,
    close() {
      closed = true
      clearTimeout(timer)
    },
  }
}
