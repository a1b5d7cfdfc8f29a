/**
 * sdk/examples/governed-client.ts — a custom MCP client with MCP Warden's pipeline in front of its server.
 *
 * Run (after `npm run build`, from the repo root):
 *   MCP_WARDEN_ISSUER=https://login.example.com MCP_WARDEN_AUDIENCE=my-app MCP_WARDEN_TOKEN=<id token> \
 *     node --experimental-strip-types sdk/examples/governed-client.ts
 * test/sdk.test.ts runs the same wiring against the development IdP and server-everything.
 */
import { createFileAuditSink, createMemoryLimitStore, createTokenVerifier, parsePolicy } from '@mcp-warden/core'
import { createSessionGovernance, governClient } from '@mcp-warden/sdk'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'

// Shared by every session of the app: verify against the IdP, one policy, per-user limits, one audit log.
const verifier = createTokenVerifier({ issuer: process.env['MCP_WARDEN_ISSUER'] ?? '', audience: process.env['MCP_WARDEN_AUDIENCE'] ?? '' })
const policy = parsePolicy(`
version: 1
revision: example-1
defaults: { content: { action: redact, types: { CREDIT_CARD: block } } }
rules:
  - { id: staff-echo, effect: allow, subjects: { anyone: true }, servers: [everything], tools: [echo] }
`)
const limitStore = createMemoryLimitStore()
const audit = createFileAuditSink('./audit.jsonl')

// One session: this user's token (a function is called per message, so a refreshed token is picked up).
const governance = createSessionGovernance({ server: 'everything', token: () => process.env['MCP_WARDEN_TOKEN'], verifier, policy, limitStore, audit })
const client = new Client({ name: 'my-agent', version: '1.0.0' })
await governClient(client, new StdioClientTransport({ command: 'npx', args: ['@modelcontextprotocol/server-everything', 'stdio'] }), governance)

console.log(await client.callTool({ name: 'echo', arguments: { message: 'write to bob@example.com' } })) // → "Echo: write to [REDACTED:EMAIL]"
console.log(await client.callTool({ name: 'get-env', arguments: {} })) // → isError: true, ERR_POLICY_DENIED
await client.close()
