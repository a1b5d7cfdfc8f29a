/**
 * test/helpers/governed.ts — a signed-in user and a governed proxy in front of a real MCP server, as an MCP
 * host would launch it: `node desktop/bin/mcp-warden.js proxy --config … -- node <server> …`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { AuditRecord } from '@mcp-warden/core'
import { signInAs, startDevIdp } from './idp.js'
import { CLI } from './cli.js'

export interface SignedInUser {
  readonly issuer: string
  readonly clientId: string
  readonly idToken: string
}

export interface TestIdp {
  readonly issuer: string
  readonly clientId: string
  signIn(accountId: string): Promise<SignedInUser>
  close(): Promise<void>
}

/** Starts the development IdP and signs people in with the device flow, approving over HTTP. */
export async function startTestIdp(): Promise<TestIdp> {
  const idp = await startDevIdp()
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    async signIn(accountId) {
      const tokens = await signInAs(idp, accountId)
      return { issuer: idp.issuer, clientId: idp.clientId, idToken: tokens.idToken }
    },
    close: () => idp.close(),
  }
}

export interface ProxySetup {
  readonly dir: string
  readonly configPath: string
  readonly auditPath: string
  readAudit(): Promise<AuditRecord[]>
  remove(): Promise<void>
}

/** Writes a policy and a proxy configuration into a fresh temporary directory. */
export async function writeProxySetup(user: Pick<SignedInUser, 'issuer' | 'clientId'>, policy: string, extraConfig = ''): Promise<ProxySetup> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-test-'))
  const configPath = join(dir, 'proxy.yaml')
  const auditPath = join(dir, 'audit.jsonl')
  await writeFile(join(dir, 'policy.yaml'), policy)
  await writeFile(
    configPath,
    `identity: { issuer: "${user.issuer}", audience: "${user.clientId}" }\npolicy: { file: ./policy.yaml }\naudit: { file: ./audit.jsonl }\n${extraConfig}`,
  )
  return {
    dir,
    configPath,
    auditPath,
    async readAudit() {
      const text = await readFile(auditPath, 'utf8').catch(() => '')
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as AuditRecord)
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** Arguments for `node` that run the proxy in front of `server`. */
export function proxyArgs(setup: ProxySetup, name: string, server: readonly string[]): string[] {
  return [CLI, 'proxy', '--config', setup.configPath, '--name', name, '--', ...server]
}

/** An SDK Client connected to a governed proxy in front of `server` (a `node` script and its arguments). */
export async function connectThroughProxy(
  setup: ProxySetup,
  name: string,
  server: readonly string[],
  options: { token?: string | undefined; capabilities?: ConstructorParameters<typeof Client>[1] } = {},
): Promise<{ client: Client; transport: StdioClientTransport }> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) }
  if (options.token !== undefined) env['MCP_WARDEN_TOKEN'] = options.token
  const transport = new StdioClientTransport({ command: process.execPath, args: proxyArgs(setup, name, ['node', ...server]), env, stderr: 'pipe' })
  const client = new Client({ name: 'warden-test', version: '1.0.0' }, options.capabilities ?? { capabilities: {} })
  await client.connect(transport)
  return { client, transport }
}

/** What `client.callTool` resolves with, as the tests read it: a denial carries its code under `_meta`. */
export interface ToolResult {
  content: { type: string; text?: string }[]
  isError?: boolean
  _meta?: Record<string, { code?: string; auditId?: string }>
}

/** A policy for the test user `alice` (group engineering) with generous limits unless overridden. */
export function testPolicy(body: string, defaults = 'content: { action: redact, types: { CREDIT_CARD: block } }'): string {
  return `version: 1
revision: test-1
defaults:
  ${defaults}
${body}`
}
