/**
 * desktop/src/demo/demo-policy.ts — the sample policy and proxy configuration `mcp-warden demo` writes.
 * Kept as text so a newcomer can read, copy and edit what the demo enforced.
 */

export const DEMO_SERVER_NAME = 'everything'

export const DEMO_POLICY = `# MCP Warden sample policy, written by \`mcp-warden demo\`.
version: 1
revision: demo-1
defaults:
  # Outbound content: redact what a tool does not need, block what must never leave.
  content:
    action: redact
    types: { CREDIT_CARD: block, US_SSN: block, PRIVATE_KEY: block, AWS_ACCESS_KEY: block }
  rateLimits:
    - { id: per-tool-per-minute, scope: user-tool, capacity: 5, windowSeconds: 60 }
  budgets:
    - { id: daily-budget, scope: user, limit: 100, period: day }
costs:
  "everything/*": 1
rules:
  - id: engineering-uses-everything
    description: Engineers may use the sample server's harmless tools.
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo, get-sum, get-tiny-image, trigger-sampling-request]
  - id: nobody-reads-the-environment
    description: Environment variables hold secrets; no one may dump them.
    effect: deny
    subjects: { anyone: true }
    servers: ["*"]
    tools: [get-env]
`

/** The proxy configuration; paths are relative to the file. */
export function demoProxyConfig(issuer: string, audience: string): string {
  return `# MCP Warden proxy configuration, written by \`mcp-warden demo\`.
identity:
  issuer: ${issuer}
  audience: ${audience}
  tokenEnv: MCP_WARDEN_TOKEN
policy: { file: ./policy.yaml }
audit: { file: ./audit.jsonl }
`
}
