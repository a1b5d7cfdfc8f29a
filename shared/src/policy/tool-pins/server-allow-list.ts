/**
 * shared/src/policy/tool-pins/server-allow-list.ts — only the servers an administrator listed, each with its own
 * command or URL.
 *
 * When a policy has `serverAllowList`, an edge that knows its upstream (the proxy) lets messages to a server through
 * only when an entry has the server's configured name and its command or URL matches: a command entry matches an
 * upstream command line that starts with the entry's words, compared exactly (no PATH lookup, no globbing); a URL
 * entry matches an upstream URL with the same origin whose path starts with the entry's path segment by segment
 * (`/mcp` matches `/mcp` and `/mcp/x`, not `/mcpx`). Query and fragment are not compared. Binding the name to
 * the command means a user cannot borrow another server's rules by naming an arbitrary server after it.
 */
import { WardenError } from '../../errors.js'
import type { Stage } from '../../pipeline/types.js'
import type { CompiledPolicy } from '../compiled-policy.js'
import { internalsOf } from '../compiled-policy.js'
import { quote } from '../explain.js'
import { makeDecision } from '../make-decision.js'
import type { AllowedServerEntry } from '../policy-schema.js'
import { policySource } from './policy-source.js'

/** What the edge runs: a command line (program and arguments) or a remote URL. */
export type UpstreamFacts = { readonly command: readonly string[] } | { readonly url: string }

/** Why a server is refused, or undefined when it is allowed. */
export type ServerRefusal = 'server-not-listed' | 'server-mismatch'

/**
 * Whether a policy allows this server with this upstream. A policy without `serverAllowList` allows every server.
 *
 * @example serverRefusal(policy, 'fs', { command: ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/srv'] })
 */
export function serverRefusal(policy: CompiledPolicy, server: string, upstream: UpstreamFacts): ServerRefusal | undefined {
  const list = policy.document.serverAllowList
  if (list === undefined) return undefined
  const entry = list.find((candidate) => candidate.name === server)
  if (entry === undefined) return 'server-not-listed'
  return upstreamMatches(entry, upstream) ? undefined : 'server-mismatch'
}

function upstreamMatches(entry: AllowedServerEntry, upstream: UpstreamFacts): boolean {
  if (entry.command !== undefined) {
    if (!('command' in upstream)) return false
    return entry.command.length <= upstream.command.length && entry.command.every((word, index) => upstream.command[index] === word)
  }
  if (entry.url === undefined || !('url' in upstream)) return false
  let want: URL
  let have: URL
  try {
    want = new URL(entry.url)
    have = new URL(upstream.url)
  } catch {
    return false
  }
  if (want.origin !== have.origin) return false
  const prefix = want.pathname.replace(/\/+$/, '')
  return have.pathname === prefix || have.pathname.startsWith(`${prefix}/`) || prefix === ''
}

/** Options of `serverAllowListStage`. */
export interface ServerAllowListStageOptions {
  readonly policy: CompiledPolicy | (() => CompiledPolicy)
  /** What this edge runs. */
  readonly upstream: UpstreamFacts
}

/**
 * Builds the stage that denies every message to a server the policy's `serverAllowList` does not allow
 * (ERR_POLICY_DENIED, reason `server-not-listed` or `server-mismatch`). Messages to the host pass.
 *
 * @example serverAllowListStage({ policy, upstream: { url: 'https://mcp.example.com/mcp' } })
 * @throws TypeError on a bad policy option or upstream.
 */
export function serverAllowListStage(options: ServerAllowListStageOptions): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('serverAllowListStage: options must be an object')
  const current = policySource(options.policy, 'serverAllowListStage')
  const upstream = checkedUpstream(options.upstream)
  return {
    name: 'server-allow-list',
    process(context) {
      if (context.direction === 'to-client') return { action: 'pass', context }
      const policy = current()
      const server = context.session.server
      const refusal = serverRefusal(policy, server, upstream)
      if (refusal === undefined) return { action: 'pass', context }
      const explanation = explainServerRefusal(refusal, server, policy.revision)
      const decision = makeDecision({ effect: 'deny', ruleIds: [refusal], revision: policy.revision, explanation, obligations: internalsOf(policy, 'serverAllowListStage').defaults, cost: 0 })
      const error = new WardenError('ERR_POLICY_DENIED', explanation, { stage: 'server-allow-list', details: { reason: refusal, revision: policy.revision } })
      return { action: 'deny', error, context: { ...context, decision } }
    },
  }
}

/**
 * The text a person sees when a server is refused by the allow-list.
 *
 * @example explainServerRefusal('server-not-listed', 'github', 'r7')
 */
export function explainServerRefusal(refusal: ServerRefusal, server: string, revision: string): string {
  return refusal === 'server-not-listed'
    ? `Server ${quote(server)} is not on your organisation's server allow-list (policy revision ${quote(revision)}), so MCP Warden blocks it. Ask your administrator to add it, or remove it from your MCP client.`
    : `Server ${quote(server)} runs a different command or address than the one your organisation's server allow-list approves (policy revision ${quote(revision)}), so MCP Warden blocks it. Restore the approved configuration, or ask your administrator.`
}

function checkedUpstream(upstream: unknown): UpstreamFacts {
  if (typeof upstream === 'object' && upstream !== null) {
    const { command, url } = upstream as { command?: unknown; url?: unknown }
    if (Array.isArray(command) && command.length > 0 && command.every((word) => typeof word === 'string')) return { command: [...(command as string[])] }
    if (typeof url === 'string' && URL.canParse(url)) return { url }
  }
  throw new TypeError('serverAllowListStage: options.upstream must be { command: string[] } (non-empty) or { url: string }')
}
