import { describe, expect, it } from 'vitest'
import { parseProxyArgs } from './proxy-command.js'

function usageError(argv: string[]): { code: string; message: string } {
  try {
    parseProxyArgs(argv)
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected a usage error')
}

describe('parseProxyArgs', () => {
  it('takes a server command after --, named after its base name', () => {
    expect(parseProxyArgs(['--config', 'p.yaml', '--', 'node', 'server.js'])).toMatchObject({
      config: 'p.yaml',
      name: 'node',
      upstream: { kind: 'command', command: 'node', args: ['server.js'] },
    })
  })

  it('takes --url instead, named after the host unless --name is given', () => {
    const parsed = parseProxyArgs(['--url', 'https://mcp.example.com/mcp'])
    expect(parsed).toMatchObject({ name: 'mcp.example.com', upstream: { kind: 'url' } })
    expect(parsed !== 'help' && parsed.upstream.kind === 'url' && parsed.upstream.url.href).toBe('https://mcp.example.com/mcp')
    expect(parseProxyArgs(['--url', 'http://[::1]:8080/mcp', '--name', 'crm'])).toMatchObject({ name: 'crm' })
    expect(parseProxyArgs(['--url', 'http://[::1]:8080/mcp'])).toMatchObject({ name: '1' })
  })

  it.each([
    [['--url', 'https://mcp.example.com/mcp', '--', 'node', 'server.js'], 'Give either --url URL or `-- COMMAND`, not both.'],
    [['--config', 'p.yaml'], 'No server command given: put it after `--`, or pass --url URL for a remote Streamable HTTP server.'],
    [['--url', 'mcp.example.com'], '--url must be an absolute URL, such as https://mcp.example.com/mcp.'],
    [['--url', 'ftp://mcp.example.com/'], '--url must be an https URL (http only on 127.0.0.1 or localhost).'],
  ])('refuses %j with a usage error that says what to do', (argv, message) => {
    const error = usageError(argv)
    expect(error.code).toBe('ERR_USAGE')
    expect(error.message).toBe(`${message}\nRun \`mcp-warden proxy --help\` for usage.`)
  })
})
