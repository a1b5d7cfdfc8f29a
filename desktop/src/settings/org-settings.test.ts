import { describe, expect, it } from 'vitest'
import { parseOrgSettings, parseSettingsText } from './org-settings.js'

const WHERE = 'The settings file /etc/mcp-warden/settings.yaml'
const IDENTITY = { issuer: 'https://login.example.com', clientId: 'mcp-warden' }

function problem(raw: unknown): { code: string; message: string } {
  try {
    parseOrgSettings(raw, WHERE)
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected an error')
}

describe('parseOrgSettings', () => {
  it('fills the defaults: the four standard scopes, RFC 8707 resource, no insecure http', () => {
    expect(parseOrgSettings({ identity: IDENTITY }, WHERE)).toEqual({
      identity: { ...IDENTITY, scopes: ['openid', 'email', 'profile', 'offline_access'], allowInsecureLoopbackHttp: false, resourceParameter: 'resource' },
    })
  })

  it('accepts every documented key', () => {
    const settings = parseOrgSettings(
      {
        identity: { ...IDENTITY, scopes: ['openid'], resourceParameter: 'entra-scope' },
        upstreams: { crm: { url: 'https://crm.example.com/mcp' }, 'local.dev': { url: 'http://127.0.0.1:8080/mcp' } },
        policy: { url: 'https://warden.example.com/policy', signingKeys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }], maxStalenessSeconds: 3600 },
        audit: { url: 'https://warden.example.com/audit', format: 'otlp' },
        agent: { socketDir: '/run/mcp-warden' },
      },
      WHERE,
    )
    expect(settings.identity.resourceParameter).toBe('entra-scope')
    expect(settings.upstreams?.['local.dev']?.url).toBe('http://127.0.0.1:8080/mcp')
  })

  it('takes the audit format warden or otlp, and nothing else', () => {
    expect(parseOrgSettings({ identity: IDENTITY, audit: { url: 'https://warden.example.com/v1/logs', format: 'otlp' } }, WHERE).audit).toEqual({ url: 'https://warden.example.com/v1/logs', format: 'otlp' })
    expect(problem({ identity: IDENTITY, audit: { url: 'https://warden.example.com/audit', format: 'syslog' } }).message).toContain('audit.format')
    expect(problem({ identity: IDENTITY, audit: { url: 'http://warden.example.com/audit' } }).message).toContain('audit.url: must be an https:// URL')
  })

  it('takes a finding hash key of at least 32 bytes in base64, and never quotes a refused key', () => {
    const key = Buffer.alloc(32, 9).toString('base64')
    expect(parseOrgSettings({ identity: IDENTITY, audit: { findingHashKey: key } }, WHERE).audit).toEqual({ findingHashKey: key })
    const short = Buffer.alloc(31, 9).toString('base64')
    expect(problem({ identity: IDENTITY, audit: { findingHashKey: short } }).message).toBe(`${WHERE} has errors: audit.findingHashKey: must hold at least 32 bytes (e.g. \`openssl rand -base64 32\`)`)
    const notBase64 = `${'s3cret-value!'.repeat(4)}`
    const refused = problem({ identity: IDENTITY, audit: { findingHashKey: notBase64 } })
    expect(refused.message).toContain('audit.findingHashKey: must be base64')
    expect(refused.message).not.toContain('s3cret')
  })

  it('takes an upstream with its own authorization server, and its optional client id and scopes', () => {
    const settings = parseOrgSettings({ identity: IDENTITY, upstreams: { wiki: { url: 'https://wiki.example.com/mcp', auth: 'server', clientId: 'warden', scopes: ['mcp'] } } }, WHERE)
    expect(settings.upstreams?.['wiki']).toEqual({ url: 'https://wiki.example.com/mcp', auth: 'server', clientId: 'warden', scopes: ['mcp'] })
  })

  it('allows an http issuer only on loopback and only with allowInsecureLoopbackHttp', () => {
    const dev = { identity: { issuer: 'http://127.0.0.1:4000', clientId: 'c', allowInsecureLoopbackHttp: true } }
    expect(parseOrgSettings(dev, WHERE).identity.issuer).toBe('http://127.0.0.1:4000')
    expect(problem({ identity: { issuer: 'http://127.0.0.1:4000', clientId: 'c' } }).message).toContain(
      'identity.issuer: must use https (http is allowed only for a development IdP on 127.0.0.1 with identity.allowInsecureLoopbackHttp: true)',
    )
    expect(problem({ identity: { issuer: 'http://login.example.com', clientId: 'c', allowInsecureLoopbackHttp: true } }).message).toContain(
      'identity.issuer: http is allowed only on 127.0.0.1 or [::1]',
    )
  })

  it.each([
    [{ identity: IDENTITY, polcy: {} }, '(top level): Unrecognized key: "polcy"'],
    [{ identity: { ...IDENTITY, tenant: 'x' } }, 'identity: Unrecognized key: "tenant"'],
    [{}, 'identity: '],
    [{ identity: { ...IDENTITY, scopes: ['email'] } }, 'identity.scopes: must include "openid"'],
    [{ identity: { ...IDENTITY, scopes: ['openid', 'two words'] } }, 'identity.scopes.1: must be a scope token'],
    [{ identity: { ...IDENTITY, resourceParameter: 'aud' } }, 'identity.resourceParameter'],
    [{ identity: IDENTITY, upstreams: { crm: { url: 'http://crm.example.com/mcp' } } }, 'upstreams.crm.url: must use https unless the server runs on this machine'],
    [{ identity: IDENTITY, upstreams: { crm: { url: 'https://crm.example.com/mcp#x' } } }, 'upstreams.crm.url: must not contain a fragment'],
    [{ identity: IDENTITY, upstreams: { 'bad name': { url: 'https://x.example.com' } } }, 'upstreams.bad name: invalid name: server names are letters'],
    [{ identity: IDENTITY, upstreams: { crm: { url: 'https://crm.example.com/mcp', auth: 'own' } } }, 'upstreams.crm.auth'],
    [{ identity: IDENTITY, upstreams: { crm: { url: 'https://crm.example.com/mcp', clientId: 'x' } } }, 'upstreams.crm.clientId: applies only with auth: server'],
    [{ identity: IDENTITY, policy: { url: 'http://warden.example.com' } }, 'policy.url: must be an https:// URL'],
    [{ identity: IDENTITY, policy: { signingKeys: [{ kty: 'RSA', n: 'n', e: 'AQAB', d: 'secret' }] } }, 'policy.signingKeys.0.d: a policy signing key must be a public key'],
    [{ identity: IDENTITY, policy: { signingKeys: [{ kty: 'oct', k: 'x' }] } }, 'policy.signingKeys.0.kty'],
    [{ identity: IDENTITY, policy: { maxStalenessSeconds: -1 } }, 'policy.maxStalenessSeconds'],
    [{ identity: IDENTITY, agent: { socketDir: 'relative/dir' } }, 'agent.socketDir: must be an absolute path'],
  ])('refuses settings with a located problem (%#)', (raw, expected) => {
    const error = problem(raw)
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toContain(`${WHERE} has errors: `)
    expect(error.message).toContain(expected)
  })
})

describe('parseSettingsText', () => {
  it('reports malformed YAML, duplicate keys and malformed JSON with the source', () => {
    expect(() => parseSettingsText('identity: [', '/x/settings.yaml')).toThrow(/^\/x\/settings.yaml is not valid YAML: /)
    expect(() => parseSettingsText('a: 1\na: 2\n', '/x/settings.yaml')).toThrow(/not valid YAML: .*[Uu]nique/)
    expect(() => parseSettingsText('{', '/x/settings.json')).toThrow(/^\/x\/settings.json is not valid JSON: /)
  })
})
