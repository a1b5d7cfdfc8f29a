/**
 * desktop/src/settings/narrow-settings.ts — what a user's own file may change under an administrator's settings.
 *
 * A user may NARROW, never WIDEN. Exactly:
 *  - `identity.scopes`: a subset of the administrator's scopes (still with `openid`), e.g. drop `offline_access`;
 *  - `policy.maxStalenessSeconds`: a value at or below the administrator's (only when the administrator set one);
 *  - `agent.socketDir`: only when the administrator left it unset (where the user's own agent listens).
 * Every other key is the administrator's. A user value that differs is ignored and reported as a warning (the
 * caller shows it, e.g. in `mcp-warden status`); a value equal to the administrator's is accepted silently.
 */
import { isDeepStrictEqual } from 'node:util'
import type { OrgSettings, UserSettings } from './org-settings.js'

/** A user value that was ignored, with its location in the user's file and why. */
export interface SettingsWarning {
  readonly path: string
  readonly message: string
}

const LOCKED = 'is set by your administrator; your value is ignored'

/**
 * Applies the user's file to the administrator's settings.
 *
 * @example
 * const { settings, warnings } = narrowSettings(admin, user)
 * for (const w of warnings) io.stderr.write(`settings: ${w.path} ${w.message}\n`)
 */
export function narrowSettings(admin: OrgSettings, user: UserSettings): { settings: OrgSettings; warnings: SettingsWarning[] } {
  const warnings: SettingsWarning[] = []
  const keep = (path: string, adminValue: unknown, userValue: unknown): void => {
    if (userValue !== undefined && !isDeepStrictEqual(adminValue, userValue)) warnings.push({ path, message: LOCKED })
  }

  for (const key of ['issuer', 'clientId', 'allowInsecureLoopbackHttp', 'resourceParameter'] as const) {
    keep(`identity.${key}`, admin.identity[key], user.identity?.[key])
  }
  let scopes = admin.identity.scopes
  const wanted = user.identity?.scopes
  if (wanted !== undefined) {
    const extra = wanted.filter((scope) => !admin.identity.scopes.includes(scope))
    if (extra.length === 0) scopes = [...new Set(wanted)]
    else warnings.push({ path: 'identity.scopes', message: `may only leave out scopes your administrator allows (${admin.identity.scopes.join(' ')}); ${extra.join(' ')} would add to them, so your value is ignored` })
  }

  for (const [name, upstream] of Object.entries(user.upstreams ?? {})) keep(`upstreams.${name}`, admin.upstreams?.[name], upstream)
  keep('policy.url', admin.policy?.url, user.policy?.url)
  keep('policy.signingKeys', admin.policy?.signingKeys, user.policy?.signingKeys)
  keep('audit.url', admin.audit?.url, user.audit?.url)
  keep('audit.format', admin.audit?.format, user.audit?.format)
  keep('audit.findingHashKey', admin.audit?.findingHashKey, user.audit?.findingHashKey)

  let maxStalenessSeconds = admin.policy?.maxStalenessSeconds
  const staleness = user.policy?.maxStalenessSeconds
  if (staleness !== undefined) {
    if (maxStalenessSeconds === undefined) warnings.push({ path: 'policy.maxStalenessSeconds', message: 'is not set by your administrator, so the built-in limit applies; your value is ignored' })
    else if (staleness > maxStalenessSeconds) warnings.push({ path: 'policy.maxStalenessSeconds', message: `may only be lowered (your administrator allows at most ${maxStalenessSeconds}); your value is ignored` })
    else maxStalenessSeconds = staleness
  }

  let socketDir = admin.agent?.socketDir
  if (socketDir === undefined) socketDir = user.agent?.socketDir
  else keep('agent.socketDir', socketDir, user.agent?.socketDir)

  const settings: OrgSettings = {
    ...admin,
    identity: { ...admin.identity, scopes },
    ...(maxStalenessSeconds !== undefined ? { policy: { ...admin.policy, maxStalenessSeconds } } : {}),
    ...(socketDir !== undefined ? { agent: { ...admin.agent, socketDir } } : {}),
  }
  return { settings, warnings }
}
