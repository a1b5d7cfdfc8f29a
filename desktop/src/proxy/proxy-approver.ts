/**
 * desktop/src/proxy/proxy-approver.ts — how a proxy asks a person about a call a policy rule marks `effect: ask`.
 *
 * In order: the host itself, when it declared MCP elicitation (the person answers in their MCP client); else the
 * agent's approvals queue, when the proxy runs with the agent (the person answers in the app or with
 * `mcp-warden approvals allow|deny ID`); else nobody can be asked, and the call is denied with a message saying
 * how to make such calls possible.
 */
import { WardenError, type ApprovalAnswer, type ApprovalRequest } from '@mcp-warden/core'
import type { HostElicitation } from '@mcp-warden/sdk'
import type { AgentClient } from '../agent/client/index.js'

export interface ProxyApproverOptions {
  readonly host: Pick<HostElicitation, 'supported' | 'ask'>
  /** The agent's queue, in agent mode; undefined headless. */
  readonly agent?: Pick<AgentClient, 'requestApproval'> | undefined
}

/**
 * @example
 * const approve = createProxyApprover({ host: hostElicitation, agent: link.client })
 * const pipeline = createStandardPipeline({ …, approve })
 */
export function createProxyApprover(options: ProxyApproverOptions): (request: ApprovalRequest) => Promise<ApprovalAnswer> {
  const { host, agent } = options
  return async function approve(request) {
    if (host.supported) return host.ask(request)
    if (agent === undefined) throw nobodyToAsk(request)
    const outcome = await agent.requestApproval(
      {
        server: request.server,
        target: request.target,
        method: request.method,
        argumentNames: [...request.argumentNames],
        argumentsPreview: request.argumentsPreview,
        ruleIds: [...request.ruleIds],
        timeoutSeconds: Math.ceil(request.timeoutSeconds),
      },
      request.signal,
    )
    // `withdrawn` means this proxy's own connection went away: nobody answered, as with a timeout.
    return { answer: outcome.answer === 'withdrawn' ? 'timeout' : outcome.answer, via: 'agent' }
  }
}

function nobodyToAsk(request: ApprovalRequest): WardenError {
  return new WardenError(
    'ERR_POLICY_DENIED',
    `"${request.server}/${request.target}" needs your approval, and MCP Warden has no way to ask you: your MCP client does not support MCP elicitation and this proxy runs without the MCP Warden agent. ` +
      'Use an MCP client that supports elicitation, or put `agent: {}` in the proxy configuration and run the MCP Warden app (or `mcp-warden agent`), then answer with `mcp-warden approvals allow ID`.',
  )
}
