import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import type { MessageContext } from '../pipeline/types.js'
import { contentSafetyStage } from './content-safety-stage.js'
import { createFindingHasher } from './finding-hash.js'
import { allowDecision, deepFreeze } from './testing/fixtures.js'

const KEY = Buffer.alloc(32, 7)
const EMAIL = 'ada@example.org'
const CARD = '4111 1111 1111 1111'

function toolCall(args: Record<string, unknown>, actions: Parameters<typeof allowDecision>[0] = {}): MessageContext {
  const message = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'send', arguments: args } }
  return deepFreeze({
    direction: 'to-server',
    message: message as JsonRpcMessage,
    operation: { kind: 'tool', method: 'tools/call', name: 'send', arguments: args as never },
    session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 0,
    decision: allowDecision(actions, 'redact', false),
  })
}

async function findingsOf(stage: ReturnType<typeof contentSafetyStage>, input: MessageContext): Promise<MessageContext['findings']> {
  const verdict = await stage.process(input)
  if (verdict.action === 'deny') return verdict.context?.findings ?? []
  return verdict.context.findings
}

/** HMAC-SHA256 of the value, first 16 bytes, base64url: what the docs tell a collector to expect. */
const expected = (value: string): string => createHmac('sha256', KEY).update(value, 'utf8').digest().subarray(0, 16).toString('base64url')

describe('keyed hashes of findings', () => {
  it('gives each finding the HMAC-SHA256 of the value it found, truncated to 16 bytes, base64url', async () => {
    const findings = await findingsOf(contentSafetyStage({ findingHashKey: KEY }), toolCall({ to: EMAIL, note: `card ${CARD}` }, { CREDIT_CARD: 'mask' }))
    expect(findings.map((f) => [f.type, f.path, f.action, f.hash])).toEqual([
      ['EMAIL', '/to', 'redact', expected(EMAIL)],
      ['CREDIT_CARD', '/note', 'mask', expected(CARD)],
    ])
    expect(findings[0]?.hash).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('gives the same value the same hash in another stage with the same key, and a finding in a member name too', async () => {
    const first = await findingsOf(contentSafetyStage({ findingHashKey: KEY }), toolCall({ to: EMAIL }))
    const second = await findingsOf(contentSafetyStage({ findingHashKey: Uint8Array.from(KEY) }), toolCall({ [EMAIL]: 'x' }))
    expect(second[0]?.path).toBe('/[REDACTED:EMAIL]')
    expect(second[0]?.hash).toBe(first[0]?.hash)
  })

  it('hashes blocked values too, and never puts the value in the finding', async () => {
    const findings = await findingsOf(contentSafetyStage({ findingHashKey: KEY }), toolCall({ card: CARD }, { CREDIT_CARD: 'block' }))
    expect(findings).toEqual([{ type: 'CREDIT_CARD', path: '/card', start: 0, end: CARD.length, action: 'block', hash: expected(CARD) }])
    expect(JSON.stringify(findings)).not.toContain('4111')
  })

  it('leaves hash out without a key, and another key gives another hash', async () => {
    const without = await findingsOf(contentSafetyStage(), toolCall({ to: EMAIL }))
    expect(without[0]).not.toHaveProperty('hash')
    const other = await findingsOf(contentSafetyStage({ findingHashKey: Buffer.alloc(32, 8) }), toolCall({ to: EMAIL }))
    expect(other[0]?.hash).not.toBe(expected(EMAIL))
  })

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => contentSafetyStage({ findingHashKey: Buffer.alloc(31) })).toThrow(new TypeError('"findingHashKey" must be a Uint8Array of at least 32 bytes'))
    expect(() => createFindingHasher('k'.repeat(40) as never)).toThrow(TypeError)
  })
})
