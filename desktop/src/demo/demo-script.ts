/**
 * desktop/src/demo/demo-script.ts — the calls the demo makes, and how it reports each.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

interface ToolResult {
  readonly content?: readonly { readonly type: string; readonly text?: string }[]
  readonly isError?: boolean
  readonly _meta?: Record<string, unknown>
}

function textOf(result: ToolResult): string {
  const text = (result.content ?? []).map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join(' ')
  return text.replace(/\s+/g, ' ').slice(0, 160)
}

function codeOf(result: ToolResult): string {
  const facts = result._meta?.['dev.mcpwarden/denial'] as { code?: string } | undefined
  return facts?.code ?? 'tool error'
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult
}

/** Makes the demo's calls through the proxy and prints one line per call. */
export async function runDemoScript(client: Client, out: (line?: string) => void): Promise<void> {
  const { tools } = await client.listTools()
  out(`   tools/list: alice sees ${tools.length} tools (${tools.map((tool) => tool.name).join(', ')}); the policy hides the rest.\n`)
  out('4. Calls through the proxy:')
  const show = (label: string, result: ToolResult): void => {
    const verdict = result.isError === true ? `refused   ${codeOf(result)}: ${textOf(result)}` : `allowed   server answered: ${textOf(result)}`
    out(`   ${label.padEnd(44)} ${verdict}`)
  }
  show('echo "Hello, Warden"', await call(client, 'echo', { message: 'Hello, Warden' }))
  show('get-sum 2 + 3', await call(client, 'get-sum', { a: 2, b: 3 }))
  show('get-env (denied by rule)', await call(client, 'get-env', {}))
  show('echo "write to alice@example.com" (redacted)', await call(client, 'echo', { message: 'write to alice@example.com' }))
  show('echo "card 4111 1111 1111 1111" (blocked)', await call(client, 'echo', { message: 'card 4111 1111 1111 1111' }))
  show('trigger-sampling-request (server → host)', await call(client, 'trigger-sampling-request', { prompt: 'Say hi', maxTokens: 10 }))
  let allowed = 0
  let limited: ToolResult | undefined
  for (let i = 0; i < 6 && limited === undefined; i++) {
    const result = await call(client, 'get-sum', { a: i, b: 1 })
    if (result.isError === true) limited = result
    else allowed += 1
  }
  out(`   ${'get-sum, again and again (rate limit)'.padEnd(44)} ${allowed} more allowed, then refused ${limited === undefined ? '(no limit hit?)' : `${codeOf(limited)}: ${textOf(limited)}`}`)
}
