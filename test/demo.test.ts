/** `mcp-warden demo`, as a newcomer runs it: every concern shows, and it exits 0. */
import { describe, expect, it } from 'vitest'
import { CLI, runNode } from './helpers/cli.js'

describe('mcp-warden demo', () => {
  it('shows identity, policy, content safety, limits and audit at work, and exits 0', async () => {
    const { code, stdout, stderr } = await runNode([CLI, 'demo'])
    expect(stderr).not.toMatch(/error/i)
    expect(code).toBe(0)
    expect(stdout).toMatch(/Device sign-in: open http:\/\/127\.0\.0\.1:\d+\/device and enter [A-Z]{4}-[A-Z]{4}/)
    expect(stdout).toMatch(/echo "Hello, Warden" +allowed +server answered: Echo: Hello, Warden/)
    expect(stdout).toMatch(/get-env \(denied by rule\) +refused +ERR_POLICY_DENIED/)
    expect(stdout).toContain('server answered: Echo: write to [REDACTED:EMAIL]')
    expect(stdout).toMatch(/\(blocked\) +refused +ERR_CONTENT_BLOCKED/)
    expect(stdout).toContain('A sampled answer from the host.')
    expect(stdout).toMatch(/then refused ERR_LIMIT_EXCEEDED: Rate limit "per-tool-per-minute"/)
    expect(stdout).toMatch(/alice@example\.com +get-env +deny +denied +ERR_POLICY_DENIED/)
    expect(stdout).toMatch(/alice@example\.com +echo +allow +forwarded +EMAIL at \/message redact/)
    // The audit never holds the values themselves.
    expect(stdout.split('5. Audit')[1]).not.toContain('4111')
  })
})
