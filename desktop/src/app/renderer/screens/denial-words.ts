/**
 * desktop/src/app/renderer/screens/denial-words.ts — what a refusal's code means, in a sentence, for a call whose
 * audit record names no rule (a call no rule allows, a stale policy, a missing sign-in…).
 */

const MEANINGS: Readonly<Record<string, string>> = {
  ERR_POLICY_DENIED: 'No rule of your policy allows this call, or a rule denies it.',
  ERR_POLICY_STALE: 'The policy could not be confirmed recently enough, so every call was refused.',
  ERR_SIGNED_OUT: 'Nobody was signed in to MCP Warden.',
  ERR_IDENTITY_UNKNOWN: 'The caller could not be identified.',
  ERR_AGENT_UNAVAILABLE: 'The MCP Warden agent was not running.',
  ERR_CONTENT_BLOCKED: 'The call carried sensitive data the policy blocks.',
  ERR_LIMIT_EXCEEDED: 'A rate limit or budget of the policy was used up.',
  ERR_TOOL_CHANGED: "The tool's definition changed since it was approved.",
  ERR_APPROVAL_TIMEOUT: 'The call needed an approval that was refused or not given in time.',
  ERR_UPSTREAM_UNAVAILABLE: 'The MCP server could not be reached.',
  ERR_INVALID_MESSAGE: 'The message was not valid MCP.',
  ERR_MESSAGE_TOO_LARGE: 'The message was larger than MCP Warden accepts.',
  ERR_INTERNAL: 'MCP Warden failed while deciding, so it refused the call to stay safe.',
}

/** The sentence for a refusal code; a code this build does not know is shown as is. */
export function denialMeaning(code: string | undefined): string {
  if (code === undefined) return 'Refused.'
  return MEANINGS[code] ?? `Refused (${code}).`
}
