import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { builtInProxyConfig, loadProxyConfig, parseProxyConfig } from './proxy-config.js'

const VALID = `identity: { issuer: "https://login.example.com", audience: mcp-warden }
policy: { file: ./policy.yaml }
audit: { file: ~/warden/audit.jsonl }
`

function problem(text: string, path = '/etc/mcp-warden/proxy.yaml'): { code: string; message: string } {
  try {
    parseProxyConfig(text, path)
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected an error')
}

describe('parseProxyConfig', () => {
  it('resolves relative paths against the file and ~ against the home directory, with defaults', () => {
    const config = parseProxyConfig(VALID, '/etc/mcp-warden/proxy.yaml')
    if (config.mode !== 'headless') throw new Error('expected the headless mode')
    expect(config.policy.file).toBe('/etc/mcp-warden/policy.yaml')
    expect(config.audit.file).toBe(`${homedir()}/warden/audit.jsonl`)
    expect(config.identity.tokenEnv).toBe('MCP_WARDEN_TOKEN')
    expect(config.identity.upstreamTokenEnv).toBe('MCP_WARDEN_UPSTREAM_TOKEN')
  })

  it.each([
    [VALID.replace('mcp-warden }', 'mcp-warden, tokenEnv: GITHUB_TOKEN }'), 'identity.tokenEnv: must start with MCP_WARDEN_ so that it is never passed to the MCP server'],
    [VALID.replace('mcp-warden }', 'mcp-warden, upstreamTokenEnv: API_TOKEN }'), 'identity.upstreamTokenEnv: must start with MCP_WARDEN_ so that it is never passed to an MCP server'],
    [VALID + 'polcy: {}\n', '(top level): Unrecognized key: "polcy"'],
    [VALID.replace('https://login.example.com', 'ftp://x'), 'identity.issuer'],
    [VALID + 'framing: { maxMessageBytes: 10 }\n', 'framing.maxMessageBytes'],
    [VALID + 'agent: {}\n', 'identity: comes from the agent when `agent` is set: remove it'],
    ['policy: { file: ./policy.yaml }\n', 'identity: is required without `agent` (or add `agent: {}` to use the signed-in agent)'],
  ])('refuses a configuration with a located problem (%#)', (text, expected) => {
    const error = problem(text)
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toContain('The configuration file /etc/mcp-warden/proxy.yaml has errors: ')
    expect(error.message).toContain(expected)
  })

  it('takes identity, limits and audit from the agent when `agent` is set', () => {
    const config = parseProxyConfig('agent: { socket: ./run/agent.sock }\npolicy: { file: ./policy.yaml }\n', '/etc/mcp-warden/proxy.yaml')
    expect(config).toEqual({
      mode: 'agent',
      agent: { socket: '/etc/mcp-warden/run/agent.sock' },
      policy: { file: '/etc/mcp-warden/policy.yaml' },
      framing: undefined,
      path: '/etc/mcp-warden/proxy.yaml',
    })
  })

  it('reports YAML syntax errors and duplicate keys as such', () => {
    expect(problem('identity: [').message).toMatch(/^The configuration file \/etc\/mcp-warden\/proxy.yaml is not valid YAML: /)
    expect(problem(VALID + 'audit: { file: x }\n').message).toMatch(/not valid YAML: .*[Uu]nique/)
  })

  it('runs with the built-in configuration (agent, central policy) only when none was given and the per-user file is absent', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-config-'))
    try {
      const env = { XDG_CONFIG_HOME: home }
      expect(await loadProxyConfig({ env, cwd: home })).toEqual(builtInProxyConfig())
      expect(builtInProxyConfig()).toMatchObject({ mode: 'agent', agent: {}, policy: undefined })
      await expect(loadProxyConfig({ flag: 'missing.yaml', env, cwd: home })).rejects.toThrow(`Cannot read the configuration file ${join(home, 'missing.yaml')} (ENOENT). Check the path given to --config.`)
      mkdirSync(join(home, 'mcp-warden'))
      writeFileSync(join(home, 'mcp-warden', 'proxy.yaml'), 'agent: {}\n')
      expect(await loadProxyConfig({ env, cwd: home })).toMatchObject({ mode: 'agent', policy: undefined, path: join(home, 'mcp-warden', 'proxy.yaml') })
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('requires a policy file without the agent', () => {
    expect(() => parseProxyConfig('identity: { issuer: https://idp.example.com, audience: warden }\naudit: { file: a.jsonl }\n', '/etc/p.yaml')).toThrow(/policy: is required without `agent`/)
  })
})
