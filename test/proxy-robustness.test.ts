/**
 * The proxy under bad input and failing servers: malformed and oversized frames, a crashing server, a server
 * that will not stop, a missing command, bad configuration — and the MCP Inspector CLI as a client.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byId, CLI, EVERYTHING_SERVER, INSPECTOR, runNode, spawnRaw } from './helpers/cli.js'
import { proxyArgs, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp } from './helpers/governed.js'

const run = promisify(execFile)
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

const POLICY = testPolicy(`rules:
  - id: alice-all
    effect: allow
    subjects: { users: [alice@example.com] }
    servers: ["*"]
    tools: ["*"]
`)

let idp: TestIdp
let alice: SignedInUser
/** Frames limited to 4 KiB, to test the limit with small messages. */
let setup: ProxySetup
let roomy: ProxySetup

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  setup = await writeProxySetup(alice, POLICY, 'framing: { maxMessageBytes: 4096 }\n')
  roomy = await writeProxySetup(alice, POLICY)
})

afterAll(async () => {
  await setup?.remove()
  await roomy?.remove()
  await idp?.close()
})

const envWithToken = (): NodeJS.ProcessEnv => ({ ...process.env, MCP_WARDEN_TOKEN: alice.idToken })

describe('malformed and oversized input', () => {
  it('answers each bad frame with a JSON-RPC error and keeps serving', async () => {
    const proxy = spawnRaw(proxyArgs(setup, 'everything', ['node', EVERYTHING_SERVER, 'stdio']), envWithToken())
    try {
      proxy.send('this is not json\n')
      expect(await proxy.waitFor(byId(null))).toMatchObject({ error: { code: -32700, data: { code: 'ERR_INVALID_MESSAGE' } } })
      proxy.send(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"message":"${'x'.repeat(10_000)}"}}}\n`)
      expect(await proxy.waitFor(byId(42))).toMatchObject({ error: { code: -32600, data: { code: 'ERR_MESSAGE_TOO_LARGE' } } })
      proxy.send('{"jsonrpc":"2.0","id":43,"method":"tools/call","params":' + '['.repeat(2000) + ']'.repeat(2000) + '}\n')
      expect(await proxy.waitFor(byId(43))).toMatchObject({ error: { data: { code: 'ERR_INVALID_MESSAGE' } } })
      proxy.send('{"jsonrpc":"2.0","id":44,"params":{}}\n')
      expect(await proxy.waitFor(byId(44))).toMatchObject({ error: { code: -32600 } })
      proxy.send('{"jsonrpc":"2.0","id":45,"method":"tools/call","params":{"name":"echo","arguments":{"message":"still here"}}}\n')
      expect(await proxy.waitFor(byId(45))).toMatchObject({ result: { content: [{ type: 'text', text: 'Echo: still here' }] } })
      // stdout carried protocol frames only: every line parsed as JSON-RPC.
      expect(proxy.messages.every((m) => (m as { jsonrpc?: string }).jsonrpc === '2.0')).toBe(true)
    } finally {
      proxy.child.stdin.end()
      expect((await proxy.exited).code).toBe(0)
    }
  })

  it('answers the request whose response from the server was over the limit, instead of leaving it hanging', async () => {
    const proxy = spawnRaw(proxyArgs(setup, 'everything', ['node', EVERYTHING_SERVER, 'stdio']), envWithToken())
    try {
      // server-everything's tool list is far larger than 4 KiB.
      proxy.send('{"jsonrpc":"2.0","id":50,"method":"tools/list"}\n')
      expect(await proxy.waitFor(byId(50))).toMatchObject({ error: { code: -32600, data: { code: 'ERR_MESSAGE_TOO_LARGE' } } })
      proxy.send('{"jsonrpc":"2.0","id":51,"method":"ping"}\n')
      expect(await proxy.waitFor(byId(51))).toMatchObject({ result: {} })
    } finally {
      proxy.child.stdin.end()
      await proxy.exited
    }
  })

  it('denies a method it cannot classify unless the policy allows it', async () => {
    const proxy = spawnRaw(proxyArgs(setup, 'everything', ['node', EVERYTHING_SERVER, 'stdio']), envWithToken())
    try {
      proxy.send('{"jsonrpc":"2.0","id":"v","method":"vendor/doSomething","params":{}}\n')
      expect(await proxy.waitFor(byId('v'))).toMatchObject({ error: { code: -31901, data: { code: 'ERR_POLICY_DENIED' } } })
    } finally {
      proxy.child.stdin.end()
      await proxy.exited
    }
  })
})

describe('servers that fail', () => {
  it('answers the pending call and exits 1 when the server crashes mid-call', async () => {
    const proxy = spawnRaw(proxyArgs(setup, 'crashy', ['node', fixture('crashing-server.mjs')]), envWithToken())
    proxy.send('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"boom","arguments":{}}}\n')
    expect(await proxy.waitFor(byId(1))).toMatchObject({
      result: { isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_UPSTREAM_UNAVAILABLE' } } },
    })
    expect((await proxy.exited).code).toBe(1)
    expect(proxy.stderr()).toMatch(/the MCP server "node" stopped \(code 3\)/)
  })

  it('exits 1 with a clear message when the server command does not exist', async () => {
    const proxy = spawnRaw(proxyArgs(setup, 'missing', ['/no/such/server-binary']), envWithToken())
    expect((await proxy.exited).code).toBe(1)
    expect(proxy.stderr()).toContain('Could not start the MCP server "/no/such/server-binary"')
  })

  it('leaves no orphan when the host closes stdin, even if the server ignores EOF and SIGTERM', async () => {
    const pidFile = join(setup.dir, 'stubborn.pid')
    const proxy = spawnRaw(proxyArgs(setup, 'stubborn', ['node', fixture('stubborn-server.mjs'), pidFile]), envWithToken())
    await proxy.waitFor((m) => (m as { method?: string }).method === 'notifications/message')
    const pid = Number(await readFile(pidFile, 'utf8'))
    proxy.child.stdin.end()
    expect((await proxy.exited).code).toBe(0)
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }))
  })
})

describe('the command line', () => {
  it.each([
    [['proxy', '--bogus', '--', 'node'], /Unknown option '--bogus'/],
    [['proxy', '--config', '/no/such.yaml', '--', 'node'], /Cannot read the configuration file \/no\/such.yaml/],
    [['proxy'], /No server command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const error = await run(process.execPath, [CLI, ...args]).then(() => undefined, (e: { code: number; stderr: string }) => e)
    expect(error?.code).toBe(2)
    expect(error?.stderr).toMatch(message)
  })

  it('exits 2 and names every problem of an invalid configuration', async () => {
    const bad = await writeProxySetup(alice, POLICY, 'identity2: {}\n')
    try {
      const error = await run(process.execPath, [CLI, 'proxy', '--config', bad.configPath, '--', 'node']).then(() => undefined, (e: { code: number; stderr: string }) => e)
      expect(error?.code).toBe(2)
      expect(error?.stderr).toMatch(/has errors: .*identity2/)
    } finally {
      await bad.remove()
    }
  })

  it('prints help for every verb on stdout and exits 0', async () => {
    for (const verb of [['--help'], ['proxy', '--help'], ['demo', '--help']]) {
      const { stdout } = await run(process.execPath, [CLI, ...verb])
      expect(stdout).toMatch(/^Usage: mcp-warden/)
    }
  })
})

describe('the MCP Inspector CLI as the client', () => {
  it('lists and calls tools through the proxy (Inspector 2.x, an SDK v2 client)', async () => {
    const inspector = (options: string[]): Promise<{ stdout: string }> =>
      runNode([INSPECTOR, '--cli', ...options, '-e', `MCP_WARDEN_TOKEN=${alice.idToken}`, '--', process.execPath, ...proxyArgs(roomy, 'everything', [process.execPath, EVERYTHING_SERVER, 'stdio'])])
    const list = await inspector(['--method', 'tools/list'])
    expect(JSON.parse(list.stdout).tools.map((t: { name: string }) => t.name)).toContain('echo')
    const call = await inspector(['--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'message=inspected'])
    expect(JSON.parse(call.stdout).content).toEqual([{ type: 'text', text: 'Echo: inspected' }])
  })
})
