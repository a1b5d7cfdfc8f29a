import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { EntityType } from './entities.js'
import { createTokenVault, DEFAULT_VAULT_MAX_ENTRIES, isTokenVault, tokenKey } from './token-vault.js'

// Secret-shaped values are built at run time so no file holds one.
const GITHUB = ['ghp', '_', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'].join('')

describe('tokenKey: one value written two ways is one value', () => {
  it.each([
    ['CREDIT_CARD', '4111 1111 1111 1111', '4111111111111111'],
    ['CREDIT_CARD', '4111-1111-1111-1111', '4111111111111111'],
    ['CREDIT_CARD', '４１１１ １１１１ １１１１ １１１１', '4111111111111111'],
    ['CREDIT_CARD', '4111\u200b1111\u200b1111\u200b1111', '4111111111111111'],
    ['US_SSN', '123-45-6789', '123456789'],
    ['US_SSN', '123 45 6789', '123456789'],
    ['PHONE', '+1 415-555-0100', '+14155550100'],
    ['PHONE', '(415) 555-0100', '4155550100'],
    ['IBAN', 'DE89 3704 0044 0532 0130 00', 'de89370400440532013000'],
    ['EMAIL', 'ada@EXAMPLE.org', 'ada@example.org'],
    ['IP_ADDRESS', '2001:DB8::1', '2001:db8::1'],
  ] as const)('%s: %s = %s', (type, a, b) => {
    expect(tokenKey(type, a)).toBe(tokenKey(type, b))
  })
})

describe('tokenKey: near-misses stay different values', () => {
  it.each([
    ['CREDIT_CARD', '4111 1111 1111 1111', '5555 5555 5555 4444'],
    ['CREDIT_CARD', '4111111111111111', '٤١١١١١١١١١١١١١١١'],
    ['US_SSN', '123-45-6789', '123-45-6780'],
    ['PHONE', '+1 415-555-0100', '415-555-0100'],
    ['EMAIL', 'Ada@example.org', 'ada@example.org'],
    ['GITHUB_TOKEN', GITHUB, GITHUB.toLowerCase()],
    ['GENERIC_SECRET', 'hunter2', 'hunter2 '],
  ] as const)('%s: %s ≠ %s', (type, a, b) => {
    expect(tokenKey(type, a)).not.toBe(tokenKey(type, b))
  })

  it('falls back to the exact text when nothing of the normalised form is left', () => {
    expect(tokenKey('CREDIT_CARD', 'abc')).toBe('abc')
    expect(tokenKey('PHONE', '+')).toBe('+')
  })
})

describe('createTokenVault', () => {
  it('numbers placeholders per type in order of first appearance, and gives a value the same one again', () => {
    const vault = createTokenVault()
    const calls: [EntityType, string][] = [
      ['EMAIL', 'ada@example.org'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['EMAIL', 'bob@example.org'],
      ['EMAIL', 'ada@example.org'],
      ['CREDIT_CARD', '4111111111111111'],
      ['CREDIT_CARD', '5555555555554444'],
      ['GITHUB_TOKEN', GITHUB],
    ]
    expect(calls.map(([type, value]) => vault.placeholderFor(type, value))).toEqual([
      '[EMAIL_1]',
      '[CREDIT_CARD_1]',
      '[EMAIL_2]',
      '[EMAIL_1]',
      '[CREDIT_CARD_1]',
      '[CREDIT_CARD_2]',
      '[GITHUB_TOKEN_1]',
    ])
    expect(vault.size).toBe(5)
  })

  it('restores a placeholder to the value as first seen, and knows no other string', () => {
    const vault = createTokenVault()
    vault.placeholderFor('CREDIT_CARD', '4111 1111 1111 1111')
    vault.placeholderFor('CREDIT_CARD', '4111111111111111')
    expect(vault.originalOf('[CREDIT_CARD_1]')).toBe('4111 1111 1111 1111')
    expect(vault.originalOf('[CREDIT_CARD_2]')).toBeUndefined()
    expect(vault.originalOf('[EMAIL_1]')).toBeUndefined()
    expect(vault.originalOf('CREDIT_CARD_1')).toBeUndefined()
  })

  it('keeps the same value apart across types', () => {
    const vault = createTokenVault()
    expect(vault.placeholderFor('EMAIL', 'x@example.org')).toBe('[EMAIL_1]')
    expect(vault.placeholderFor('GENERIC_SECRET', 'x@example.org')).toBe('[GENERIC_SECRET_1]')
  })

  it('stops handing out new placeholders at maxEntries, but keeps the ones it gave', () => {
    const vault = createTokenVault({ maxEntries: 2 })
    expect(vault.placeholderFor('EMAIL', 'a@example.org')).toBe('[EMAIL_1]')
    expect(vault.placeholderFor('EMAIL', 'b@example.org')).toBe('[EMAIL_2]')
    expect(vault.placeholderFor('EMAIL', 'c@example.org')).toBeUndefined()
    expect(vault.placeholderFor('CREDIT_CARD', '4111111111111111')).toBeUndefined()
    expect(vault.placeholderFor('EMAIL', 'a@example.org')).toBe('[EMAIL_1]')
    expect(vault.size).toBe(2)
  })

  it('holds 10,000 values by default', () => {
    const vault = createTokenVault()
    for (let index = 0; index < DEFAULT_VAULT_MAX_ENTRIES; index += 1) vault.placeholderFor('EMAIL', `u${index}@example.org`)
    expect(vault.placeholderFor('EMAIL', 'u0@example.org')).toBe('[EMAIL_1]')
    expect(vault.placeholderFor('EMAIL', 'u9999@example.org')).toBe('[EMAIL_10000]')
    expect(vault.placeholderFor('EMAIL', 'one-more@example.org')).toBeUndefined()
  })

  it('stops at maxCharacters too', () => {
    const vault = createTokenVault({ maxCharacters: 120 })
    expect(vault.placeholderFor('GENERIC_SECRET', 'x'.repeat(30))).toBe('[GENERIC_SECRET_1]')
    expect(vault.placeholderFor('GENERIC_SECRET', 'y'.repeat(30))).toBeUndefined()
    expect(vault.placeholderFor('EMAIL', 'a@example.org')).toBe('[EMAIL_1]')
  })

  it('shows no value when printed or serialised', () => {
    const vault = createTokenVault()
    vault.placeholderFor('EMAIL', 'ada@example.org')
    vault.placeholderFor('GITHUB_TOKEN', GITHUB)
    for (const shown of [JSON.stringify(vault), inspect(vault, { showHidden: true, depth: 10 }), String(Object.entries(vault))]) {
      expect(shown).not.toContain('ada@example.org')
      expect(shown).not.toContain(GITHUB)
    }
    expect(JSON.stringify(vault)).toBe('{"size":2}')
  })

  it.each([
    [null, 'options must be an object'],
    [{ maxEntries: 0 }, '"maxEntries" must be a positive integer'],
    [{ maxEntries: 1.5 }, '"maxEntries" must be a positive integer'],
    [{ maxCharacters: '10' }, '"maxCharacters" must be a positive integer'],
  ])('rejects options %j', (options, message) => {
    expect(() => createTokenVault(options as never)).toThrow(new TypeError(message))
  })

  it('is recognised by isTokenVault', () => {
    expect(isTokenVault(createTokenVault())).toBe(true)
    expect(isTokenVault({})).toBe(false)
    expect(isTokenVault(null)).toBe(false)
  })
})
