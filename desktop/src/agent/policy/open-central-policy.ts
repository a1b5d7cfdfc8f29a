/**
 * desktop/src/agent/policy/open-central-policy.ts — the agent's policy source from the settings in force.
 *
 * THE RULE (grep: UNSIGNED_POLICY_OPT_IN): a policy is accepted unsigned only when the settings in force name no
 * `policy.url`. Then the agent serves no policy (`policy.snapshot` is null) and each proxy enforces the unsigned
 * policy file of its own configuration, and says so in its log: the development and headless opt-in. As soon as the
 * settings (only an administrator's under managed settings: a user file cannot set `policy.url`) name a URL, only a
 * bundle signed with one of `policy.signingKeys` is enforced, and proxies ignore their files.
 */
import { pinnedAlgorithm, WardenError } from '@mcp-warden/core'
import type { JWK } from 'jose'
import type { Logger } from '../../cli/logger.js'
import type { OrgSettings } from '../../settings/org-settings.js'
import type { AgentSession } from '../session/agent-session.js'
import { createCentralPolicySource, type CentralPolicySource, type PolicySourceEvent } from './central-policy-source.js'

/** Marks the development opt-in in code and docs: settings without `policy.url` → unsigned local policy files. */
export const UNSIGNED_POLICY_OPT_IN = 'no policy.url in the settings: unsigned local policy files are enforced (development only)'

/** When the settings name a URL but no staleness limit: one day. */
export const DEFAULT_MAX_STALENESS_SECONDS = 86_400

export interface OpenCentralPolicyOptions {
  readonly settings: OrgSettings
  readonly session: AgentSession
  /** The last good bundle (0600), e.g. next to the audit log. */
  readonly cacheFile: string
  readonly log: Logger
}

/**
 * The source for `runAgent({ policy })`, or undefined under the development opt-in (no `policy.url`).
 *
 * @example
 * const policy = openCentralPolicy({ settings: loaded.settings, session, cacheFile, log })
 * await runAgent({ …, policy })
 * @throws WardenError ERR_CONFIG_INVALID when `policy.url` is set without `policy.signingKeys`.
 */
export function openCentralPolicy(options: OpenCentralPolicyOptions): CentralPolicySource | undefined {
  const { settings, session, log } = options
  const url = settings.policy?.url
  if (url === undefined) {
    log.warn(UNSIGNED_POLICY_OPT_IN)
    return undefined
  }
  const keys = settings.policy?.signingKeys
  if (keys === undefined) {
    throw new WardenError('ERR_CONFIG_INVALID', 'The settings name policy.url but no policy.signingKeys: add the public keys the policy is signed with (docs/policy-distribution.md).')
  }
  keys.forEach((key, i) => {
    if (typeof key.kid !== 'string' || pinnedAlgorithm(key) === undefined) {
      throw new WardenError('ERR_CONFIG_INVALID', `The settings' policy.signingKeys[${i}] cannot verify policy bundles: each key needs a "kid" and must be EC P-256 (ES256) or OKP Ed25519 (EdDSA). Use \`mcp-warden policy keygen\`.`)
    }
  })
  const maxStalenessSeconds = settings.policy?.maxStalenessSeconds ?? DEFAULT_MAX_STALENESS_SECONDS
  return createCentralPolicySource({
    url,
    signingKeys: keys as JWK[],
    maxStalenessSeconds,
    pollIntervalMs: pollInterval(maxStalenessSeconds),
    // An access token whose audience is the policy URL (RFC 8707), never the ID token or the sign-in token.
    accessToken: async () => (await session.upstreamToken(url)).token,
    cacheFile: options.cacheFile,
    onEvent: (event) => logEvent(log, event),
  })
}

/**
 * Every 5 minutes, but at least four times within the staleness limit (so that one or two failed checks do not
 * make a reachable source stale), and at most once a second.
 */
export function pollInterval(maxStalenessSeconds: number): number {
  return Math.min(300_000, Math.max(1000, Math.floor((maxStalenessSeconds * 1000) / 4)))
}

function logEvent(log: Logger, event: PolicySourceEvent): void {
  switch (event.kind) {
    case 'loaded-cache':
      return log.info(`policy: revision ${event.revision} loaded from the cache`)
    case 'accepted':
      return log.info(`policy: revision ${event.revision} is in force${event.previous === undefined ? '' : ` (was ${event.previous})`}`)
    case 'cache-ignored':
      return log.warn(`policy: ${event.message}`)
    case 'rejected':
      return log.error(`policy: ${event.message}`)
    case 'unreachable':
      return log.warn(`policy: ${event.message}; retrying in ${Math.round(event.retryInMs / 1000)} s`)
    case 'cache-write-failed':
      return log.warn(`policy: the cache could not be written: ${event.message}`)
  }
}
