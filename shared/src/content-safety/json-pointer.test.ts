import { describe, expect, it } from 'vitest'
import { escapePointerToken, formatJsonPointer, parseJsonPointer } from './json-pointer.js'

describe('JSON pointers (RFC 6901)', () => {
  it.each([
    [[], ''],
    [[''], '/'],
    [['a', '0', 'b'], '/a/0/b'],
    [['a/b'], '/a~1b'],
    [['m~n'], '/m~0n'],
    [['~1'], '/~01'],
    [['/~'], '/~1~0'],
    [['ada@example.org', ' '], '/ada@example.org/ '],
  ])('formats %j as %j and parses it back', (tokens, pointer) => {
    expect(formatJsonPointer(tokens)).toBe(pointer)
    expect(parseJsonPointer(pointer)).toEqual(tokens)
  })

  it('escapes ~ before / so that the two never mix', () => {
    expect(escapePointerToken('~/')).toBe('~0~1')
  })

  it.each(['a', '/a~', '/a~2'])('rejects %j, without echoing it', (pointer) => {
    expect(() => parseJsonPointer(pointer)).toThrow(new TypeError('a path is not a JSON pointer (RFC 6901)'))
  })
})
