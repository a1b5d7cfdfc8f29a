import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrgSettings, type LoadOrgSettingsOptions } from './load-org-settings.js'
import type { RunCommand } from './settings-sources.js'

const ADMIN = `identity:
  issuer: https://login.example.com
  clientId: mcp-warden
upstreams:
  crm: { url: "https://crm.example.com/mcp" }
policy:
  url: https://warden.example.com/policy
  signingKeys: [{ kty: EC, crv: P-256, x: abc, y: def, kid: k1 }]
  maxStalenessSeconds: 3600
audit: { url: "https://warden.example.com/audit" }
agent: { socketDir: /run/mcp-warden }
`

let dir: string
let adminYaml: string
let adminJson: string
let userPath: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-warden-settings-'))
  adminYaml = join(dir, 'etc', 'settings.yaml')
  adminJson = join(dir, 'etc', 'settings.json')
  userPath = join(dir, 'home', 'settings.yaml')
  await mkdir(join(dir, 'etc'))
  await mkdir(join(dir, 'home'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function load(overrides: Partial<LoadOrgSettingsOptions> = {}) {
  return loadOrgSettings({ env: {}, platform: 'linux', adminPaths: [adminYaml, adminJson], userPath, ...overrides })
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => { throw new Error('expected a rejection') },
    (error: unknown) => error as { code: string; message: string },
  )
}

describe('loadOrgSettings', () => {
  it('uses the administrator file, managed, when there is no user file', async () => {
    await writeFile(adminYaml, ADMIN)
    const loaded = await load()
    expect(loaded).toMatchObject({ managed: true, source: 'admin-file', warnings: [] })
    expect(loaded.settings.identity.scopes).toEqual(['openid', 'email', 'profile', 'offline_access'])
    expect(loaded.settings.upstreams).toEqual({ crm: { url: 'https://crm.example.com/mcp' } })
  })

  it('reads a JSON administrator file', async () => {
    await writeFile(adminJson, JSON.stringify({ identity: { issuer: 'https://login.example.com', clientId: 'c' } }))
    expect((await load()).settings.identity.clientId).toBe('c')
  })

  it('uses the user file as it is on a personal install (no administrator settings)', async () => {
    await writeFile(userPath, 'identity: { issuer: "https://me.example.com", clientId: mine, scopes: [openid, email, groups] }\n')
    const loaded = await load()
    expect(loaded).toMatchObject({ managed: false, source: 'user', warnings: [] })
    expect(loaded.settings.identity.scopes).toEqual(['openid', 'email', 'groups'])
  })

  it('says where settings go when there are none at all', async () => {
    const error = await failure(load())
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toBe(
      `No MCP Warden settings were found. On a managed computer your administrator deploys them (see docs/settings.md); for a personal install, write ${userPath} with identity.issuer and identity.clientId.`,
    )
  })

  it('ignores every user value that would widen the administrator settings, with one warning each', async () => {
    await writeFile(adminYaml, ADMIN)
    await writeFile(
      userPath,
      `identity:
  issuer: https://evil.example.com
  clientId: other
  scopes: [openid, email, admin]
  allowInsecureLoopbackHttp: true
  resourceParameter: audience
upstreams:
  crm: { url: "https://evil.example.com/mcp" }
  extra: { url: "https://extra.example.com/mcp" }
policy:
  url: https://evil.example.com/policy
  signingKeys: [{ kty: EC, crv: P-256, x: evil, y: evil }]
  maxStalenessSeconds: 86400
audit: { url: "https://evil.example.com/audit", findingHashKey: "${Buffer.alloc(32, 1).toString('base64')}" }
agent: { socketDir: /tmp/elsewhere }
`,
    )
    const admin = (await loadOrgSettings({ env: {}, platform: 'linux', adminPaths: [adminYaml], userPath: join(dir, 'none.yaml') })).settings
    const loaded = await load()
    expect(loaded.settings).toEqual(admin)
    expect(loaded.warnings.map((w) => w.path)).toEqual([
      'identity.issuer',
      'identity.clientId',
      'identity.allowInsecureLoopbackHttp',
      'identity.resourceParameter',
      'identity.scopes',
      'upstreams.crm',
      'upstreams.extra',
      'policy.url',
      'policy.signingKeys',
      'audit.url',
      'audit.findingHashKey',
      'policy.maxStalenessSeconds',
      'agent.socketDir',
    ])
    expect(loaded.warnings.find((w) => w.path === 'identity.scopes')?.message).toBe(
      'may only leave out scopes your administrator allows (openid email profile offline_access); admin would add to them, so your value is ignored',
    )
    expect(loaded.warnings.find((w) => w.path === 'policy.maxStalenessSeconds')?.message).toBe(
      'may only be lowered (your administrator allows at most 3600); your value is ignored',
    )
  })

  it('accepts narrowing: fewer scopes, a lower staleness, values equal to the administrator, a socket dir the administrator left unset', async () => {
    await writeFile(adminYaml, ADMIN.replace('agent: { socketDir: /run/mcp-warden }\n', ''))
    await writeFile(
      userPath,
      `identity: { issuer: "https://login.example.com", scopes: [openid, email] }
policy: { maxStalenessSeconds: 600 }
agent: { socketDir: /home/me/.mcp-warden }
`,
    )
    const loaded = await load()
    expect(loaded.warnings).toEqual([])
    expect(loaded.settings.identity.scopes).toEqual(['openid', 'email'])
    expect(loaded.settings.policy?.maxStalenessSeconds).toBe(600)
    expect(loaded.settings.policy?.url).toBe('https://warden.example.com/policy')
    expect(loaded.settings.agent?.socketDir).toBe('/home/me/.mcp-warden')
  })

  it('ignores a user staleness when the administrator set none', async () => {
    await writeFile(adminYaml, 'identity: { issuer: "https://login.example.com", clientId: c }\n')
    await writeFile(userPath, 'policy: { maxStalenessSeconds: 10 }\n')
    const loaded = await load()
    expect(loaded.settings.policy).toBeUndefined()
    expect(loaded.warnings).toEqual([
      { path: 'policy.maxStalenessSeconds', message: 'is not set by your administrator, so the built-in limit applies; your value is ignored' },
    ])
  })

  it.each([
    ['malformed administrator YAML', 'admin', 'identity: [\n', /^The settings file .*\/etc\/settings.yaml is not valid YAML: /],
    ['an unknown administrator key', 'admin', `${ADMIN}polcy: {}\n`, /^The settings file .*\/etc\/settings.yaml has errors: \(top level\): Unrecognized key: "polcy"$/],
    ['an unknown user key', 'user', 'identity: { tennant: x }\n', /^The user settings file .*\/home\/settings.yaml has errors: identity: Unrecognized key: "tennant"$/],
    ['malformed user YAML', 'user', 'policy: {\n', /^The user settings file .*\/home\/settings.yaml is not valid YAML: /],
    ['a bad user value', 'user', 'policy: { maxStalenessSeconds: soon }\n', /home\/settings.yaml has errors: policy.maxStalenessSeconds: /],
  ])('refuses %s with its location', async (_name, which, text, expected) => {
    await writeFile(adminYaml, which === 'admin' ? text : ADMIN)
    if (which === 'user') await writeFile(userPath, text)
    const error = await failure(load())
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toMatch(expected)
  })

  it('refuses two administrator files rather than guess', async () => {
    await writeFile(adminYaml, ADMIN)
    await writeFile(adminJson, '{}')
    expect((await failure(load())).message).toBe(`Both ${adminYaml} and ${adminJson} exist. Keep one of them: MCP Warden will not guess which is meant.`)
  })

  it('fails closed when the administrator file exists but cannot be read', async () => {
    await mkdir(adminYaml)
    await writeFile(userPath, 'identity: { issuer: "https://me.example.com", clientId: mine }\n')
    const error = await failure(load())
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toMatch(/^Cannot read the settings file .*settings.yaml \(EISDIR\)/)
  })

  it('lets MCP_WARDEN_DEV_SETTINGS replace the administrator file, says so, and still narrows with the user file', async () => {
    await writeFile(adminYaml, ADMIN)
    const devPath = join(dir, 'dev.yaml')
    await writeFile(devPath, 'identity: { issuer: "http://127.0.0.1:4000", clientId: demo, allowInsecureLoopbackHttp: true }\n')
    await writeFile(userPath, 'identity: { clientId: other }\n')
    const loaded = await load({ env: { MCP_WARDEN_DEV_SETTINGS: devPath } })
    expect(loaded).toMatchObject({ managed: true, source: 'development-override', settings: { identity: { issuer: 'http://127.0.0.1:4000', clientId: 'demo' } } })
    expect(loaded.warnings).toEqual([{ path: 'identity.clientId', message: 'is set by your administrator; your value is ignored' }])
    const missing = await failure(load({ env: { MCP_WARDEN_DEV_SETTINGS: join(dir, 'nope.yaml') } }))
    expect(missing.message).toBe(`MCP_WARDEN_DEV_SETTINGS names ${join(dir, 'nope.yaml')}, which does not exist. Fix the path or unset the variable.`)
  })

  describe('Windows policy (reg query faked; untested on Windows)', () => {
    const reg = (output: string | Error): RunCommand => async (file, args) => {
      expect([file, ...args]).toEqual(['reg', 'query', 'HKLM\\SOFTWARE\\Policies\\MCPWarden', '/v', 'Settings'])
      if (output instanceof Error) throw output
      return output
    }

    it('reads the JSON in the Settings value', async () => {
      const json = JSON.stringify({ identity: { issuer: 'https://login.example.com', clientId: 'win' } })
      const output = `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MCPWarden\r\n    Settings    REG_SZ    ${json}\r\n\r\n`
      const loaded = await loadOrgSettings({ env: {}, platform: 'win32', userPath, runCommand: reg(output) })
      expect(loaded).toMatchObject({ managed: true, source: 'registry', settings: { identity: { clientId: 'win' } } })
    })

    it('treats a missing key as no administrator settings', async () => {
      await writeFile(userPath, 'identity: { issuer: "https://me.example.com", clientId: mine }\n')
      const runCommand = reg(new Error('reg failed: ERROR: The system was unable to find the specified registry key or value.'))
      expect(await loadOrgSettings({ env: {}, platform: 'win32', userPath, runCommand })).toMatchObject({ managed: false, source: 'user' })
    })

    it('refuses a Settings value that is not JSON, naming the key', async () => {
      const runCommand = reg('    Settings    REG_SZ    {identity\r\n')
      expect((await failure(loadOrgSettings({ env: {}, platform: 'win32', userPath, runCommand }))).message).toMatch(
        /^The policy HKLM\\SOFTWARE\\Policies\\MCPWarden \(value Settings\) is not valid JSON: /,
      )
    })
  })
})
