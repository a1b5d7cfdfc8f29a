import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from './io.js'
import { LOGIN_HELP, loginCommand } from './login-command.js'
import { LOGOUT_HELP, logoutCommand } from './logout-command.js'

let dir: string
let env: NodeJS.ProcessEnv

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-login-cli-'))
  writeFileSync(
    join(dir, 'settings.yaml'),
    `identity: { issuer: "http://127.0.0.1:9", clientId: mcp-warden-dev, allowInsecureLoopbackHttp: true }
upstreams:
  crm: { url: "http://127.0.0.1:9/crm" }
  wiki: { url: "http://127.0.0.1:9/wiki", auth: server }
`,
  )
  env = { MCP_WARDEN_DEV_SETTINGS: join(dir, 'settings.yaml'), XDG_CONFIG_HOME: join(dir, 'config') }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

function testIo(): CliIo {
  return { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir }
}

describe('login and logout --server', () => {
  it('are documented in the help', async () => {
    expect(LOGIN_HELP).toContain('mcp-warden login --server NAME')
    expect(LOGOUT_HELP).toContain('--server NAME')
  })

  it('refuse --device with --server before anything is asked of the keychain or a server', async () => {
    await expect(loginCommand(['--server', 'wiki', '--device'], testIo())).rejects.toMatchObject({ code: 'ERR_USAGE', message: expect.stringContaining('leave out --device') })
  })

  it.each([
    [['login', '--server', 'crm'], 'The server "crm" uses your organisation\'s sign-in (run `mcp-warden login`), not its own authorization server. Servers with their own authorization server: wiki.'],
    [['login', '--server', 'nope'], 'No server "nope" is in your settings\' upstreams. Servers with their own authorization server: wiki.'],
    [['logout', '--server', 'nope'], 'No server "nope" is in your settings\' upstreams. Servers with their own authorization server: wiki.'],
  ])('%j names the servers it can sign in to', async ([verb, ...argv], message) => {
    const command = verb === 'login' ? loginCommand : logoutCommand
    await expect(command(argv, testIo())).rejects.toMatchObject({ code: 'ERR_USAGE', message })
  })
})
