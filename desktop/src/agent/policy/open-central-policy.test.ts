import { describe, expect, it } from 'vitest'
import type { Logger } from '../../cli/logger.js'
import type { OrgSettings } from '../../settings/org-settings.js'
import type { AgentSession } from '../session/agent-session.js'
import { openCentralPolicy, pollInterval, UNSIGNED_POLICY_OPT_IN } from './open-central-policy.js'

const identity = { issuer: 'https://login.example.com', clientId: 'warden', scopes: ['openid'], allowInsecureLoopbackHttp: false, resourceParameter: 'resource' as const }
const session = {} as AgentSession
const warnings: string[] = []
const log: Logger = { error: () => undefined, warn: (m) => warnings.push(m), info: () => undefined, debug: () => undefined }
const key = { kty: 'EC' as const, crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k' }

describe('the agent policy source from the settings', () => {
  it('settings without policy.url are the development opt-in: no source, and a warning that says so', () => {
    expect(openCentralPolicy({ settings: { identity } as OrgSettings, session, cacheFile: '/tmp/x', log })).toBeUndefined()
    expect(warnings).toContain(UNSIGNED_POLICY_OPT_IN)
  })

  it('a policy.url needs signing keys; with them the source exists', () => {
    const withoutKeys = { identity, policy: { url: 'https://p.example.com/policy.jws' } } as OrgSettings
    expect(() => openCentralPolicy({ settings: withoutKeys, session, cacheFile: '/tmp/x', log })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }))
    const rsa = { identity, policy: { url: 'https://p.example.com/policy.jws', signingKeys: [{ kty: 'RSA' as const, n: 'AQAB', e: 'AQAB', kid: 'r' }] } } as OrgSettings
    expect(() => openCentralPolicy({ settings: rsa, session, cacheFile: '/tmp/x', log })).toThrow('policy.signingKeys[0] cannot verify policy bundles')
    const settings = { identity, policy: { url: 'https://p.example.com/policy.jws', signingKeys: [key] } } as OrgSettings
    const source = openCentralPolicy({ settings, session, cacheFile: '/tmp/x', log })
    expect(source).toBeDefined()
    source?.close()
  })

  it('polls at least four times per staleness window, between once a second and every five minutes', () => {
    expect(pollInterval(86_400)).toBe(300_000)
    expect(pollInterval(600)).toBe(150_000)
    expect(pollInterval(2)).toBe(1000)
  })
})
