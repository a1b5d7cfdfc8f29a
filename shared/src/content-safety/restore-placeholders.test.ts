import { describe, expect, it } from 'vitest'
import { restorePlaceholders } from './restore-placeholders.js'
import { createTokenVault } from './token-vault.js'

function vaultWith(...entries: ['EMAIL' | 'CREDIT_CARD', string][]) {
  const vault = createTokenVault()
  for (const [type, value] of entries) vault.placeholderFor(type, value)
  return vault
}

const vault = vaultWith(['EMAIL', 'ada@example.org'], ['EMAIL', 'bob@example.org'], ['CREDIT_CARD', '4111 1111 1111 1111'])

describe('restorePlaceholders', () => {
  it('restores every placeholder in strings and member names at any depth, copying only what changes', () => {
    const input = Object.freeze({
      content: Object.freeze([Object.freeze({ type: 'text', text: 'sent to [EMAIL_1] and [EMAIL_2]; [EMAIL_1] replied' })]),
      structuredContent: Object.freeze({ '[EMAIL_2]': Object.freeze({ card: '[CREDIT_CARD_1]', n: 3 }), untouched: Object.freeze(['x']) }),
    })
    const output = restorePlaceholders(input, vault)
    expect(output).toEqual({
      content: [{ type: 'text', text: 'sent to ada@example.org and bob@example.org; ada@example.org replied' }],
      structuredContent: { 'bob@example.org': { card: '4111 1111 1111 1111', n: 3 }, untouched: ['x'] },
    })
    expect(output.structuredContent.untouched).toBe(input.structuredContent.untouched)
    expect(input.content[0]?.text).toBe('sent to [EMAIL_1] and [EMAIL_2]; [EMAIL_1] replied')
  })

  it.each([
    ['no placeholder', { text: 'hello [world]' }],
    ['a placeholder the vault never gave', { text: '[EMAIL_3] [EMAIL_0] [EMAIL_01]' }],
    ['a look-alike of another shape', { text: '[email_1] [EMAIL-1] [ EMAIL_1] [EMAIL_1 ] [REDACTED:EMAIL]' }],
    ['numbers, booleans and null', { a: 1, b: true, c: null }],
  ])('returns the value itself for %s', (_name, input) => {
    expect(restorePlaceholders(input, vault)).toBe(input)
  })

  it('costs nothing with an empty vault', () => {
    const input = { text: '[EMAIL_1]' }
    expect(restorePlaceholders(input, createTokenVault())).toBe(input)
  })

  it('restores a string given on its own, and placeholders next to each other', () => {
    expect(restorePlaceholders('[EMAIL_1][EMAIL_2]x[[EMAIL_1]]', vault)).toBe('ada@example.orgbob@example.orgx[ada@example.org]')
  })

  it('keeps a restored member name apart from a member already so named', () => {
    expect(restorePlaceholders({ 'ada@example.org': 1, '[EMAIL_1]': 2 }, vault)).toEqual({ 'ada@example.org': 1, 'ada@example.org#2': 2 })
  })

  it('walks 10,000 levels of nesting without recursion', () => {
    let deep: unknown = '[EMAIL_1]'
    for (let level = 0; level < 10_000; level += 1) deep = level % 2 === 0 ? [deep] : { k: deep }
    let restored = restorePlaceholders(deep, vault)
    for (let level = 0; level < 10_000; level += 1) restored = Array.isArray(restored) ? restored[0] : (restored as { k: unknown }).k
    expect(restored).toBe('ada@example.org')
  })

  it('finds placeholders in a long string of look-alikes in linear time', () => {
    const text = `${'[A_A_A_A_'.repeat(200_000)}[EMAIL_1]`
    const started = performance.now()
    expect(restorePlaceholders(text, vault).endsWith('ada@example.org')).toBe(true)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('throws TypeError, naming no value, for a value that contains itself', () => {
    const cyclic: Record<string, unknown> = { a: '[EMAIL_1]' }
    cyclic['self'] = cyclic
    expect(() => restorePlaceholders(cyclic, vault)).toThrow(new TypeError('the value refers to itself, so it is not JSON'))
  })

  it('accepts a container shared by two branches', () => {
    const shared = { mail: '[EMAIL_1]' }
    expect(restorePlaceholders({ a: shared, b: shared }, vault)).toEqual({ a: { mail: 'ada@example.org' }, b: { mail: 'ada@example.org' } })
  })
})
