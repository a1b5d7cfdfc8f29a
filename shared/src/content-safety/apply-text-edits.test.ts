import { describe, expect, it } from 'vitest'
import { applyTextEdits, type TextEdit } from './apply-text-edits.js'

const edit = (path: string, start: number, end: number, inKey = false): TextEdit => ({ path, inKey, start, end })

describe('applyTextEdits', () => {
  it('renders each edit from the text it replaces', () => {
    const value = { a: ['one two three'] }
    expect(applyTextEdits(value, [edit('/a/0', 4, 7), edit('/a/0', 0, 3)], (_edit, text) => text.toUpperCase())).toEqual({
      a: ['ONE TWO three'],
    })
  })

  it('edits a member name and its value together', () => {
    expect(applyTextEdits({ 'a b': 'c d' }, [edit('/a b', 0, 1, true), edit('/a b', 2, 3)], () => '_')).toEqual({ '_ b': 'c _' })
  })

  it('follows escaped pointers and keeps a member named __proto__ an own member', () => {
    const value = JSON.parse('{"__proto__": {"a/b": "x"}}') as Record<string, unknown>
    const result = applyTextEdits(value, [edit('/__proto__/a~1b', 0, 1)], () => 'y')
    expect(Object.hasOwn(result, '__proto__')).toBe(true)
    expect(JSON.stringify(result)).toBe('{"__proto__":{"a/b":"y"}}')
  })

  it('replaces a whole number with the rendered string, and nothing else', () => {
    const value = { n: 4111111111111111, keep: [2] }
    const result = applyTextEdits(value, [edit('/n', 0, 16)], (_edit, text) => `<${text}>`)
    expect(result).toEqual({ n: '<4111111111111111>', keep: [2] })
    expect(result.keep).toBe(value.keep)
    expect(value.n).toBe(4111111111111111)
  })

  it.each([
    ['part of a number', { n: 123456789 }, [edit('/n', 0, 8)]],
    ['a span past the end of a number', { n: 123456789 }, [edit('/n', 0, 10)]],
    ['two edits of one number', { n: 123456789 }, [edit('/n', 0, 9), edit('/n', 0, 9)]],
  ])('throws TypeError for %s', (_name, value, edits) => {
    expect(() => applyTextEdits(value, edits, () => '')).toThrow(new TypeError('a number takes one edit, over its whole decimal string'))
  })

  it.each([
    ['an array index with a leading zero', { a: ['x'] }, '/a/00'],
    ['an array index past the end', { a: ['x'] }, '/a/1'],
    ['a member of a string', { a: 'x' }, '/a/0'],
  ])('throws TypeError for %s', (_name, value, path) => {
    expect(() => applyTextEdits(value, [edit(path, 0, 1)], () => '')).toThrow(TypeError)
  })

  it('throws TypeError for overlapping edits in one string', () => {
    expect(() => applyTextEdits({ a: 'abcdef' }, [edit('/a', 0, 3), edit('/a', 2, 4)], () => '')).toThrow(
      new TypeError('edits must be non-empty, inside their string, and must not overlap'),
    )
  })
})
