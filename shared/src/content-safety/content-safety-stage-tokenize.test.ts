import { describe, expect, it } from 'vitest'
import type { JsonRpcMessage } from '../jsonrpc/message.js'
import type { MessageContext, Obligations, Operation, PolicyDecision } from '../pipeline/types.js'
import { contentSafetyStage } from './content-safety-stage.js'
import type { ContentAction } from './entities.js'
import { allowDecision, deepFreeze } from './testing/fixtures.js'
import { createTokenVault } from './token-vault.js'

const EMAIL = 'ada@example.org'
const OTHER_EMAIL = 'bob@example.org'
const CARD = '4111 1111 1111 1111'
// Built at run time so no file holds a secret-shaped value.
const GITHUB = ['ghp', '_', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'].join('')
const VALUES = /ada@|bob@|carol@|4111|ghp_/

const decision = (actions: Partial<Obligations['contentActions']>, defaultContentAction: ContentAction = 'tokenize', scanResults = false): PolicyDecision =>
  allowDecision(actions, defaultContentAction, scanResults)


const TOOL: Operation = { kind: 'tool', method: 'tools/call', name: 'send', arguments: {} }

function toolCall(args: Record<string, unknown>, requestDecision = decision({})): MessageContext {
  const message = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'send', arguments: args } } as JsonRpcMessage
  return deepFreeze({
    direction: 'to-server',
    message,
    operation: { ...TOOL, arguments: args as never },
    session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 0,
    decision: requestDecision,
  })
}

function toolResult(body: Record<string, unknown>, requestDecision = decision({})): MessageContext {
  return deepFreeze({
    direction: 'to-client',
    message: { jsonrpc: '2.0', id: 7, ...body } as JsonRpcMessage,
    operation: { kind: 'response', of: TOOL },
    session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
    findings: [],
    modifications: [],
    receivedAt: 1,
    requestDecision,
  })
}

async function passed(stage: ReturnType<typeof contentSafetyStage>, context: MessageContext): Promise<MessageContext> {
  const verdict = await stage.process(context)
  if (verdict.action !== 'pass') throw new Error(`expected pass, got ${verdict.error.code}`)
  return verdict.context
}

function argsOf(context: MessageContext): unknown {
  return (context.message as unknown as { params: { arguments: unknown } }).params.arguments
}

describe('contentSafetyStage: tokenize', () => {
  it('round trip: the server gets placeholders, the host gets its values back in the result', async () => {
    const stage = contentSafetyStage()
    const call = toolCall({ to: EMAIL, cc: [OTHER_EMAIL], note: `card ${CARD}`, [EMAIL]: 'nickname' })
    const out = await passed(stage, call)
    expect(argsOf(out)).toEqual({ to: '[EMAIL_1]', cc: ['[EMAIL_2]'], note: 'card [CREDIT_CARD_1]', '[EMAIL_1]': 'nickname' })
    expect(out.operation).toMatchObject({ arguments: argsOf(out) })
    expect(out.modifications).toEqual(['redacted'])
    expect(out.findings.map((finding) => [finding.type, finding.path, finding.action])).toEqual([
      ['EMAIL', '/to', 'tokenize'],
      ['EMAIL', '/cc/0', 'tokenize'],
      ['CREDIT_CARD', '/note', 'tokenize'],
      ['EMAIL', '/[REDACTED:EMAIL]', 'tokenize'],
    ])
    expect(JSON.stringify(out.message)).not.toMatch(VALUES)
    expect(JSON.stringify(out.findings)).not.toMatch(VALUES)

    const result = {
      content: [{ type: 'text', text: 'Sent to [EMAIL_1] (cc [EMAIL_2]), charged [CREDIT_CARD_1].' }],
      structuredContent: { receipts: { '[EMAIL_1]': { card: '[CREDIT_CARD_1]', id: 'r-1' } }, unknown: '[EMAIL_9]' },
    }
    const back = toolResult({ result })
    const restored = await passed(stage, back)
    expect(restored.message).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: {
        content: [{ type: 'text', text: `Sent to ${EMAIL} (cc ${OTHER_EMAIL}), charged ${CARD}.` }],
        structuredContent: { receipts: { [EMAIL]: { card: CARD, id: 'r-1' } }, unknown: '[EMAIL_9]' },
      },
    })
    expect(restored.findings).toBe(back.findings)
    expect(JSON.stringify(back.message)).not.toMatch(VALUES)
  })

  it('gives the same value the same placeholder across messages, and a new value the next number', async () => {
    const stage = contentSafetyStage()
    const first = await passed(stage, toolCall({ a: EMAIL, card: CARD }))
    const second = await passed(stage, toolCall({ b: OTHER_EMAIL, c: `again ${EMAIL}`, card: 4111111111111111, other: '5555 5555 5555 4444' }))
    expect(argsOf(first)).toEqual({ a: '[EMAIL_1]', card: '[CREDIT_CARD_1]' })
    expect(argsOf(second)).toEqual({ b: '[EMAIL_2]', c: 'again [EMAIL_1]', card: '[CREDIT_CARD_1]', other: '[CREDIT_CARD_2]' })
  })

  it('keeps one vault per stage unless the owner passes one vault to several', async () => {
    const vault = createTokenVault()
    const [a, b] = [contentSafetyStage({ vault }), contentSafetyStage({ vault })]
    await passed(a, toolCall({ x: EMAIL }))
    expect(argsOf(await passed(b, toolCall({ x: OTHER_EMAIL, y: EMAIL })))).toEqual({ x: '[EMAIL_2]', y: '[EMAIL_1]' })
    const separate = contentSafetyStage()
    expect(argsOf(await passed(separate, toolCall({ x: OTHER_EMAIL })))).toEqual({ x: '[EMAIL_1]' })
    const restored = await passed(separate, toolResult({ result: { text: '[EMAIL_1]' } }))
    expect(restored.message).toMatchObject({ result: { text: OTHER_EMAIL } })
  })

  it('restores after scanning a result: placeholders are not blocked, values the server sends are caught', async () => {
    const stage = contentSafetyStage()
    await passed(stage, toolCall({ to: EMAIL }))
    const blockEmails = decision({ EMAIL: 'block' }, 'tokenize', true)
    const ownValue = await passed(stage, toolResult({ result: { text: 'done: [EMAIL_1]' } }, blockEmails))
    expect(ownValue.message).toMatchObject({ result: { text: `done: ${EMAIL}` } })
    expect(ownValue.findings).toEqual([])
    const serverValue = await stage.process(toolResult({ result: { text: '[EMAIL_1] and carol@example.org' } }, blockEmails))
    expect(serverValue).toMatchObject({ action: 'deny', error: { code: 'ERR_CONTENT_BLOCKED', details: { types: ['EMAIL'] } } })
    if (serverValue.action !== 'deny') throw new Error('expected deny')
    expect(JSON.stringify(serverValue)).not.toMatch(/ada@/)
    expect(JSON.stringify({ error: serverValue.error, details: serverValue.error.details, findings: serverValue.context?.findings })).not.toMatch(/carol@/)
  })

  it('redacts, and records redact, where a scanned result’s action is tokenize', async () => {
    const stage = contentSafetyStage()
    await passed(stage, toolCall({ to: EMAIL }))
    const scanned = await passed(stage, toolResult({ result: { text: '[EMAIL_1] and carol@example.org' } }, decision({}, 'tokenize', true)))
    expect(scanned.message).toMatchObject({ result: { text: `${EMAIL} and [REDACTED:EMAIL]` } })
    expect(scanned.findings).toEqual([{ type: 'EMAIL', path: '/text', start: 14, end: 31, action: 'redact' }])
    expect(scanned.modifications).toEqual(['redacted'])
  })

  it('restores placeholders in an error response too', async () => {
    const stage = contentSafetyStage()
    await passed(stage, toolCall({ to: EMAIL }))
    const failed = await passed(stage, toolResult({ error: { code: -32602, message: 'no mailbox [EMAIL_1]', data: { to: '[EMAIL_1]' } } }))
    expect(failed.message).toMatchObject({ error: { code: -32602, message: `no mailbox ${EMAIL}`, data: { to: EMAIL } } })
  })

  it.each([
    ['the host types a placeholder itself', () => toolCall({ note: 'see [EMAIL_1]' })],
    ['a server request to the host', () =>
      deepFreeze({ ...toolResult({}), message: { jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: { text: '[EMAIL_1]' } } as JsonRpcMessage, operation: { kind: 'client-feature', method: 'sampling/createMessage' } as Operation })],
    ['a result without placeholders', () => toolResult({ result: { text: 'ok [EMAIL_2]' } })],
  ])('passes the very same context when %s', async (_name, make) => {
    const stage = contentSafetyStage()
    await passed(stage, toolCall({ to: EMAIL }))
    const input = make()
    expect(await stage.process(input)).toEqual({ action: 'pass', context: input })
  })

  it('redacts new values once the vault is full, and records redact', async () => {
    const stage = contentSafetyStage({ vault: createTokenVault({ maxEntries: 1 }) })
    const out = await passed(stage, toolCall({ a: EMAIL, b: OTHER_EMAIL, c: EMAIL }))
    expect(argsOf(out)).toEqual({ a: '[EMAIL_1]', b: '[REDACTED:EMAIL]', c: '[EMAIL_1]' })
    expect(out.findings.map((finding) => finding.action)).toEqual(['tokenize', 'redact', 'tokenize'])
  })

  it('denies with no value in the error or the findings when another type is blocked', async () => {
    const stage = contentSafetyStage()
    const verdict = await stage.process(toolCall({ a: EMAIL, token: GITHUB }, decision({ GITHUB_TOKEN: 'block' })))
    if (verdict.action !== 'deny') throw new Error('expected deny')
    expect(verdict.context?.findings.map((finding) => finding.action)).toEqual(['tokenize', 'block'])
    const shown = JSON.stringify({ message: verdict.error.message, details: verdict.error.details, findings: verdict.context?.findings })
    expect(shown).not.toMatch(VALUES)
  })

  it('rejects a vault that is not a TokenVault', () => {
    expect(() => contentSafetyStage({ vault: {} as never })).toThrow(new TypeError('"vault" must be a TokenVault (createTokenVault()) or left out'))
  })
})
