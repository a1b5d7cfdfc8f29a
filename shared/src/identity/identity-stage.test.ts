import { describe, expect, it } from 'vitest'
import { WardenError } from '../errors.js'
import type { Identity, MessageContext } from '../pipeline/types.js'
import { identityStage } from './identity-stage.js'

const SIGNED_OUT = 'You are not signed in to MCP Warden. Sign in with `mcp-warden login` or the MCP Warden app, then try again.'

const ALICE: Identity = { issuer: 'https://id.example.com', subject: 'alice', groups: ['eng'], claims: {} }

const CONTEXT: MessageContext = {
  direction: 'to-server',
  message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {} } },
  operation: { kind: 'tool', method: 'tools/call', name: 'echo', arguments: {} },
  session: { server: 'demo', sessionId: 's-1', transport: 'stdio' },
  findings: [],
  modifications: [],
  receivedAt: 0,
}
Object.freeze(CONTEXT)

const verifier = {
  async verify(token: string): Promise<Identity> {
    if (token === 'good') return ALICE
    if (token === 'boom') throw new Error('socket hang up')
    throw new WardenError('ERR_IDENTITY_UNKNOWN', 'The identity token could not be verified (wrong audience).', { stage: 'identity' })
  },
}

describe('identityStage', () => {
  it('passes with the verified identity on a new context, leaving the input untouched', async () => {
    const stage = identityStage({ resolveToken: async () => 'good', verifier })
    const verdict = await stage.process(CONTEXT)
    expect(stage.name).toBe('identity')
    expect(verdict).toEqual({ action: 'pass', context: { ...CONTEXT, identity: ALICE } })
    expect(CONTEXT).not.toHaveProperty('identity')
  })

  it.each([undefined, ''])('denies as signed out when there is no token (%j)', async (token) => {
    const verdict = await identityStage({ resolveToken: () => token, verifier }).process(CONTEXT)
    expect(verdict.action).toBe('deny')
    if (verdict.action !== 'deny') return
    expect([verdict.error.code, verdict.error.message, verdict.error.stage]).toEqual(['ERR_SIGNED_OUT', SIGNED_OUT, 'identity'])
  })

  const INITIALIZE: MessageContext = {
    ...CONTEXT,
    message: { jsonrpc: '2.0', id: 0, method: 'initialize', params: {} },
    operation: { kind: 'protocol', method: 'initialize' },
  }
  const LIST: MessageContext = { ...CONTEXT, message: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, operation: { kind: 'list', method: 'tools/list' } }
  const RESULT: MessageContext = { ...CONTEXT, direction: 'to-client', message: { jsonrpc: '2.0', id: 1, result: {} }, operation: { kind: 'response', of: undefined } }

  it.each([
    ['initialize', INITIALIZE],
    ['a response', RESULT],
  ])('lets %s through without an identity, so the session starts and the first call says "sign in"', async (_, context) => {
    for (const token of [undefined, 'bad']) {
      expect(await identityStage({ resolveToken: () => token, verifier }).process(context)).toEqual({ action: 'pass', context })
    }
  })

  it('still attaches the identity to protocol messages when there is one', async () => {
    expect(await identityStage({ resolveToken: () => 'good', verifier }).process(INITIALIZE)).toEqual({ action: 'pass', context: { ...INITIALIZE, identity: ALICE } })
  })

  it('denies tools/list when signed out, with the sign-in message', async () => {
    expect(await identityStage({ resolveToken: () => undefined, verifier }).process(LIST)).toMatchObject({ action: 'deny', error: { code: 'ERR_SIGNED_OUT', message: SIGNED_OUT } })
  })

  it('denies with the verifier’s error', async () => {
    const verdict = await identityStage({ resolveToken: () => 'bad', verifier }).process(CONTEXT)
    expect(verdict).toMatchObject({ action: 'deny', error: { code: 'ERR_IDENTITY_UNKNOWN', message: 'The identity token could not be verified (wrong audience).' } })
  })

  it('denies with a WardenError thrown while resolving the token', async () => {
    const unavailable = new WardenError('ERR_AGENT_UNAVAILABLE', 'The MCP Warden agent is not running.', { stage: 'identity' })
    const verdict = await identityStage({ resolveToken: () => Promise.reject(unavailable), verifier }).process(CONTEXT)
    expect(verdict).toEqual({ action: 'deny', error: unavailable })
  })

  it('denies (never throws) when the verifier fails unexpectedly', async () => {
    const verdict = await identityStage({ resolveToken: () => 'boom', verifier }).process(CONTEXT)
    expect(verdict).toMatchObject({
      action: 'deny',
      error: {
        code: 'ERR_IDENTITY_UNKNOWN',
        message: 'The identity token could not be verified (unexpected verification error). Sign in again; if it persists, contact your administrator.',
        stage: 'identity',
      },
    })
  })

  const misuse: { options: unknown; message: string }[] = [
    { options: undefined, message: 'options must be an object' },
    { options: { verifier }, message: '"resolveToken" must be a function' },
    { options: { resolveToken: () => 'x' }, message: '"verifier" must be an object with a verify(token) function' },
    { options: { resolveToken: () => 'x', verifier: {} }, message: '"verifier" must be an object with a verify(token) function' },
  ]
  it.each(misuse)('throws TypeError on misuse: $message', ({ options, message }) => {
    expect(() => identityStage(options as never)).toThrow(new TypeError(message))
  })
})
