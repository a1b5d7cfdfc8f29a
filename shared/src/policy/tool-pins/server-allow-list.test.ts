import { describe, expect, it } from 'vitest'
import type { MessageContext } from '../../pipeline/types.js'
import { parsePolicy } from '../parse-policy.js'
import { serverAllowListStage, serverRefusal } from './server-allow-list.js'
import type { UpstreamFacts } from './server-allow-list.js'

const policy = parsePolicy(`
version: 1
revision: r7
serverAllowList:
  - { name: fs, command: [npx, -y, "@modelcontextprotocol/server-filesystem"] }
  - { name: remote, url: "https://mcp.example.com/mcp" }
rules:
  - { id: all, effect: allow, subjects: { anyone: true }, servers: ["*"], tools: [read_file] }
`)
const open = parsePolicy(`
version: 1
revision: r8
rules:
  - { id: all, effect: allow, subjects: { anyone: true }, servers: ["*"], tools: [read_file] }
`)

describe('serverRefusal', () => {
  it.each<[string, UpstreamFacts, string | undefined]>([
    ['fs', { command: ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/srv'] }, undefined],
    ['fs', { command: ['npx', '-y', '@modelcontextprotocol/server-filesystem'] }, undefined],
    ['fs', { command: ['npx', '-y', '@evil/server-filesystem'] }, 'server-mismatch'],
    ['fs', { command: ['/usr/bin/npx', '-y', '@modelcontextprotocol/server-filesystem'] }, 'server-mismatch'],
    ['fs', { command: ['npx', '-y'] }, 'server-mismatch'],
    ['fs', { url: 'https://mcp.example.com/mcp' }, 'server-mismatch'],
    ['remote', { url: 'https://mcp.example.com/mcp' }, undefined],
    ['remote', { url: 'https://mcp.example.com/mcp/v2?x=1' }, undefined],
    ['remote', { url: 'https://mcp.example.com/mcpx' }, 'server-mismatch'],
    ['remote', { url: 'http://mcp.example.com/mcp' }, 'server-mismatch'],
    ['remote', { url: 'https://mcp.example.com.evil.test/mcp' }, 'server-mismatch'],
    ['remote', { command: ['node', 'server.js'] }, 'server-mismatch'],
    ['github', { command: ['npx', '-y', '@modelcontextprotocol/server-filesystem'] }, 'server-not-listed'],
  ])('server %s running %j: %s', (name, upstream, expected) => {
    expect(serverRefusal(policy, name, upstream)).toBe(expected)
  })

  it('allows every server when the policy has no allow-list', () => {
    expect(serverRefusal(open, 'anything', { command: ['node', 'x.js'] })).toBeUndefined()
  })
})

describe('serverAllowListStage', () => {
  const context: MessageContext = {
    direction: 'to-server',
    message: { jsonrpc: '2.0', id: 0, method: 'initialize', params: {} },
    operation: { kind: 'protocol', method: 'initialize' },
    session: { server: 'github', sessionId: 's', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 0,
  }

  it('denies every message to a server that is not listed, saying what to do', async () => {
    const verdict = await serverAllowListStage({ policy, upstream: { command: ['node', 'github.js'] } }).process(context)
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect(verdict.error.code).toBe('ERR_POLICY_DENIED')
    expect(verdict.error.stage).toBe('server-allow-list')
    expect(verdict.error.message).toBe(
      'Server "github" is not on your organisation\'s server allow-list (policy revision "r7"), so MCP Warden blocks it. ' +
        'Ask your administrator to add it, or remove it from your MCP client.',
    )
    expect(verdict.context?.decision?.ruleIds).toEqual(['server-not-listed'])
  })

  it('passes messages towards the host and messages to an allowed server', async () => {
    const stage = serverAllowListStage({ policy, upstream: { command: ['node', 'github.js'] } })
    expect((await stage.process({ ...context, direction: 'to-client' })).action).toBe('pass')
    const allowed = serverAllowListStage({ policy, upstream: { url: 'https://mcp.example.com/mcp' } })
    expect((await allowed.process({ ...context, session: { ...context.session, server: 'remote' } })).action).toBe('pass')
  })

  it('throws TypeError at construction for an unusable upstream', () => {
    expect(() => serverAllowListStage({ policy, upstream: { command: [] } })).toThrow(
      new TypeError('serverAllowListStage: options.upstream must be { command: string[] } (non-empty) or { url: string }'),
    )
  })
})
