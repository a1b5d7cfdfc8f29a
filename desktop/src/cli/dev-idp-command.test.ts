import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseProxyConfig } from '../config/proxy-config.js'
import { loadOrgSettings } from '../settings/load-org-settings.js'
import { devIdpCommand } from './dev-idp-command.js'

let dir: string
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'warden-dev-idp-'))))
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('mcp-warden dev-idp', () => {
  it('serves the development IdP until stopped and writes settings, policy and an agent-mode proxy configuration', async () => {
    const stop = new AbortController()
    const stdout = new PassThrough()
    let out = ''
    const printed = new Promise<void>((resolve) =>
      stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Press Ctrl-C')) resolve()
      }),
    )
    const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}, cwd: dir, stopSignal: stop.signal }
    const running = devIdpCommand(['--port', '0', '--dir', 'dev'], io)
    await printed
    const issuer = /Development identity provider: (\S+)/.exec(out)?.[1] ?? ''
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200)

    const settingsFile = join(dir, 'dev', 'settings.yaml')
    expect(out).toContain(`export MCP_WARDEN_DEV_SETTINGS=${settingsFile}`)
    const loaded = await loadOrgSettings({ env: { MCP_WARDEN_DEV_SETTINGS: settingsFile }, userPath: join(dir, 'none.yaml') })
    expect(loaded.settings.identity).toMatchObject({ issuer, clientId: 'mcp-warden-dev', allowInsecureLoopbackHttp: true })
    const proxyFile = join(dir, 'dev', 'proxy.yaml')
    expect(parseProxyConfig(await readFile(proxyFile, 'utf8'), proxyFile)).toMatchObject({ mode: 'agent', policy: { file: join(dir, 'dev', 'policy.yaml') } })

    stop.abort()
    expect(await running).toBe(0)
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow()
  })

  it('refuses a port that is not a number', async () => {
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: dir }
    await expect(devIdpCommand(['--port', 'http'], io)).rejects.toMatchObject({ code: 'ERR_USAGE', message: '--port must be a whole number from 0 (any free port) to 65535.' })
  })
})
