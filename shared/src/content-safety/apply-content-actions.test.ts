import { describe, expect, it } from 'vitest'
import { applyContentActions } from './apply-content-actions.js'
import type { ContentAction, EntityType } from './entities.js'
import { scanJson } from './scan-json.js'
import { createTokenVault } from './token-vault.js'

const EMAIL = 'ada@example.org'
const CARD = '4111 1111 1111 1111'
const always =
  (action: ContentAction) =>
  (_type: EntityType): ContentAction =>
    action

function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'object' && next !== null) pending.push(...Object.values(Object.freeze(next)))
  }
  return value
}

function apply<T>(value: T, decide: (type: EntityType) => ContentAction) {
  return applyContentActions(value, scanJson(value), decide)
}

describe('applyContentActions', () => {
  it('redacts values anywhere, keeps the JSON valid, and never mutates the input', () => {
    const input = deepFreeze({ to: [EMAIL], note: `pay with ${CARD} now`, n: 1, keep: { a: 'b' } })
    const before = structuredClone(input)
    const result = apply(input, always('redact'))
    expect(result.value).toEqual({ to: ['[REDACTED:EMAIL]'], note: 'pay with [REDACTED:CREDIT_CARD] now', n: 1, keep: { a: 'b' } })
    expect(JSON.parse(JSON.stringify(result.value))).toEqual(result.value)
    expect(input).toEqual(before)
    expect(result.blocked).toEqual([])
    expect(result.applied).toEqual([
      { type: 'EMAIL', path: '/to/0', start: 0, end: 15, action: 'redact' },
      { type: 'CREDIT_CARD', path: '/note', start: 9, end: 28, action: 'redact' },
    ])
  })

  it('copies only the containers on the way to a changed string', () => {
    const input = { a: { b: [{ mail: EMAIL }, { other: 'x' }], side: { deep: ['y'] } }, top: ['z'] }
    const { value } = apply(input, always('redact'))
    expect(value).not.toBe(input)
    expect(value.a).not.toBe(input.a)
    expect(value.a.b).not.toBe(input.a.b)
    expect(value.a.b[1]).toBe(input.a.b[1])
    expect(value.a.side).toBe(input.a.side)
    expect(value.top).toBe(input.top)
  })

  it.each(['redact', 'allow'] as const)('never puts a sensitive member name into a finding path (%s)', (action) => {
    const value = { 'ada@example.org': { note: 'mail grace@example.net' }, plain: 'x' }
    const { applied } = applyContentActions(value, scanJson(value), () => action)
    expect(applied.map((f) => f.path).sort()).toEqual(['/[REDACTED:EMAIL]', '/[REDACTED:EMAIL]/note'])
    expect(JSON.stringify(applied)).not.toContain('ada@example.org')
  })

  it('returns the input itself when nothing is replaced', () => {
    const input = { to: EMAIL }
    expect(apply(input, always('allow')).value).toBe(input)
    expect(apply(input, always('block')).value).toBe(input)
    expect(applyContentActions(input, [], always('redact')).value).toBe(input)
  })

  it.each([
    ['CREDIT_CARD', `card ${CARD}`, 'card [MASKED:CREDIT_CARD:****1111]', 'mask'],
    ['US_SSN', 'ssn 123-45-6789', 'ssn [MASKED:US_SSN:****6789]', 'mask'],
    ['EMAIL (not maskable: falls back to redact)', EMAIL, '[REDACTED:EMAIL]', 'redact'],
  ])('masks %s', (_name, text, expected, action) => {
    const result = apply({ text }, always('mask'))
    expect(result.value).toEqual({ text: expected })
    expect(result.applied.map((finding) => finding.action)).toEqual([action])
  })

  it('lists blocked types once each and leaves their values alone', () => {
    const input = { a: EMAIL, b: CARD, c: EMAIL }
    const result = apply(input, (type) => (type === 'EMAIL' ? 'block' : 'redact'))
    expect(result.blocked).toEqual(['EMAIL'])
    expect(result.value).toEqual({ a: EMAIL, b: '[REDACTED:CREDIT_CARD]', c: EMAIL })
    expect(result.applied.map((finding) => finding.action)).toEqual(['block', 'redact', 'block'])
  })

  it('reports allowed findings without changing them', () => {
    const result = apply({ a: EMAIL }, always('allow'))
    expect(result.value).toEqual({ a: EMAIL })
    expect(result.applied).toEqual([{ type: 'EMAIL', path: '/a', start: 0, end: 15, action: 'allow' }])
  })

  it('replaces several findings in one string', () => {
    expect(apply({ a: `${EMAIL}, ${EMAIL}; ${CARD}` }, always('redact')).value).toEqual({
      a: '[REDACTED:EMAIL], [REDACTED:EMAIL]; [REDACTED:CREDIT_CARD]',
    })
  })

  it('renames members whose names hold a finding, in place', () => {
    const input = { first: 1, [`mail ${EMAIL}`]: EMAIL, last: 3 }
    const { value } = apply(input, always('redact'))
    expect(Object.entries(value)).toEqual([
      ['first', 1],
      ['mail [REDACTED:EMAIL]', '[REDACTED:EMAIL]'],
      ['last', 3],
    ])
  })

  it('keeps both members when two names collide after redaction, suffixing #2, #3…', () => {
    const input = { [EMAIL]: 1, 'bob@example.org': 2, 'eve@example.org': 3 }
    expect(Object.entries(apply(input, always('redact')).value)).toEqual([
      ['[REDACTED:EMAIL]', 1],
      ['[REDACTED:EMAIL]#2', 2],
      ['[REDACTED:EMAIL]#3', 3],
    ])
  })

  it('never takes the name of a member that was not renamed', () => {
    const input = { [EMAIL]: 1, '[REDACTED:EMAIL]': 2, '[REDACTED:EMAIL]#2': 3 }
    expect(Object.entries(apply(input, always('redact')).value)).toEqual([
      ['[REDACTED:EMAIL]#3', 1],
      ['[REDACTED:EMAIL]', 2],
      ['[REDACTED:EMAIL]#2', 3],
    ])
  })

  it('redacts a string given on its own', () => {
    expect(apply(`mail ${EMAIL}`, always('redact')).value).toBe('mail [REDACTED:EMAIL]')
  })

  it('redacts 10,000 levels deep without overflowing the stack', () => {
    let input: unknown = EMAIL
    for (let depth = 0; depth < 10_000; depth += 1) input = { k: input }
    let value = apply(input, always('redact')).value
    for (let depth = 0; depth < 10_000; depth += 1) value = (value as { k: unknown }).k
    expect(value).toBe('[REDACTED:EMAIL]')
  })

  describe('on numbers', () => {
    it.each([
      ['redact', { card: 4111111111111111, n: 1 }, { card: '[REDACTED:CREDIT_CARD]', n: 1 }],
      ['mask', { card: 4111111111111111, n: 1 }, { card: '[MASKED:CREDIT_CARD:****1111]', n: 1 }],
      ['mask', { ssn: 123456789 }, { ssn: '[MASKED:US_SSN:****6789]' }],
      ['mask', { card: -4111111111111111 }, { card: '[MASKED:CREDIT_CARD:****1111]' }],
      ['redact', { list: [7, 4111111111111111] }, { list: [7, '[REDACTED:CREDIT_CARD]'] }],
      ['allow', { card: 4111111111111111 }, { card: 4111111111111111 }],
      ['block', { card: 4111111111111111 }, { card: 4111111111111111 }],
    ] as const)('%s replaces the whole number with the marker string, or leaves it (%j)', (action, input, expected) => {
      const frozen = deepFreeze(structuredClone(input))
      const result = apply(frozen, always(action))
      expect(result.value).toEqual(expected)
      expect(frozen).toEqual(input)
      if (action === 'allow' || action === 'block') expect(result.value).toBe(frozen)
      expect(result.blocked).toEqual(action === 'block' ? [result.applied[0]?.type] : [])
    })

    it('copies only the containers on the way to a replaced number', () => {
      const input = { a: { pan: 5555555555554444, side: { n: 123456789 } }, top: [1] }
      const { value, applied } = apply(input, always('redact'))
      expect(value).toEqual({ a: { pan: '[REDACTED:CREDIT_CARD]', side: { n: 123456789 } }, top: [1] })
      expect(value.a.side).toBe(input.a.side)
      expect(value.top).toBe(input.top)
      expect(applied).toEqual([{ type: 'CREDIT_CARD', path: '/a/pan', start: 0, end: 16, action: 'redact' }])
    })

    it('redacts a number given on its own', () => {
      expect(apply(4111111111111111, always('redact')).value).toBe('[REDACTED:CREDIT_CARD]')
    })
  })

  it('throws TypeError when decide returns something else than an action', () => {
    expect(() => apply({ a: EMAIL }, () => 'delete' as ContentAction)).toThrow(
      new TypeError('decide() must return one of redact, mask, block, allow, tokenize (for EMAIL)'),
    )
    expect(() => applyContentActions({}, [], 'redact' as never)).toThrow(new TypeError('"decide" must be a function'))
  })

  it.each([
    ['a path to a missing member', { type: 'EMAIL', path: '/b', start: 0, end: 1, inKey: false }, 'an edit path does not lead to a value in the given JSON value'],
    ['a path to a boolean', { type: 'EMAIL', path: '/flag', start: 0, end: 1, inKey: false }, 'an edit path leads to a value that is not a string or a number'],
    ['part of a number', { type: 'EMAIL', path: '/n', start: 0, end: 1, inKey: false }, 'a number takes one edit, over its whole decimal string'],
    ['a span past the end', { type: 'EMAIL', path: '/a', start: 0, end: 99, inKey: false }, 'edits must be non-empty, inside their string, and must not overlap'],
    ['a member-name edit at the root', { type: 'EMAIL', path: '', start: 0, end: 1, inKey: true }, 'a member-name edit must point at a member, not at the whole value'],
  ] as const)('throws TypeError for a finding that does not fit the value (%s)', (_name, finding, message) => {
    expect(() => applyContentActions({ a: 'text', n: 12, flag: true }, [finding], always('redact'))).toThrow(new TypeError(message))
  })
})

describe('applyContentActions: tokenize', () => {
  it('replaces each value by its vault placeholder, the same value by the same one, in strings, names and numbers', () => {
    const vault = createTokenVault()
    const input = deepFreeze({
      to: [EMAIL, 'bob@example.org'],
      note: `pay with ${CARD}, cc ${EMAIL}`,
      [EMAIL]: { pan: 4111111111111111 },
    })
    const result = applyContentActions(input, scanJson(input), always('tokenize'), { vault })
    expect(result.value).toEqual({
      to: ['[EMAIL_1]', '[EMAIL_2]'],
      note: 'pay with [CREDIT_CARD_1], cc [EMAIL_1]',
      '[EMAIL_1]': { pan: '[CREDIT_CARD_1]' },
    })
    expect(result.applied.map((finding) => [finding.type, finding.path, finding.action])).toEqual([
      ['EMAIL', '/to/0', 'tokenize'],
      ['EMAIL', '/to/1', 'tokenize'],
      ['CREDIT_CARD', '/note', 'tokenize'],
      ['EMAIL', '/note', 'tokenize'],
      ['EMAIL', '/[REDACTED:EMAIL]', 'tokenize'],
      ['CREDIT_CARD', '/[REDACTED:EMAIL]/pan', 'tokenize'],
    ])
    expect(JSON.stringify(result.applied)).not.toMatch(/ada@|bob@|4111/)
    expect(input.to[0]).toBe(EMAIL)
  })

  it('redacts, and reports redact, without a vault or when the vault is full', () => {
    const input = { a: EMAIL, b: 'bob@example.org' }
    expect(applyContentActions(input, scanJson(input), always('tokenize'))).toMatchObject({
      value: { a: '[REDACTED:EMAIL]', b: '[REDACTED:EMAIL]' },
      applied: [{ action: 'redact' }, { action: 'redact' }],
    })
    const vault = createTokenVault({ maxEntries: 1 })
    expect(applyContentActions(input, scanJson(input), always('tokenize'), { vault })).toMatchObject({
      value: { a: '[EMAIL_1]', b: '[REDACTED:EMAIL]' },
      applied: [{ action: 'tokenize' }, { action: 'redact' }],
    })
  })

  it('mixes with the other actions per type', () => {
    const input = { a: EMAIL, b: CARD }
    const decide = (type: EntityType): ContentAction => (type === 'EMAIL' ? 'tokenize' : 'mask')
    expect(applyContentActions(input, scanJson(input), decide, { vault: createTokenVault() }).value).toEqual({
      a: '[EMAIL_1]',
      b: '[MASKED:CREDIT_CARD:****1111]',
    })
  })

  it('throws TypeError, naming no value, for a tokenize finding that does not fit the value', () => {
    const finding = { type: 'EMAIL', path: '/a', start: 0, end: 99, inKey: false } as const
    expect(() => applyContentActions({ a: EMAIL }, [finding], always('tokenize'), { vault: createTokenVault() })).toThrow(
      new TypeError('a finding does not fit the value it was applied to'),
    )
  })
})
