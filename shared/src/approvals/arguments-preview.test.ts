import { describe, expect, it } from 'vitest'
import { previewArguments } from './arguments-preview.js'

describe('previewArguments', () => {
  it('masks findings in values and member names, and keeps the rest', () => {
    expect(previewArguments({ note: 'call +1 415 555 0100', 'ada@example.org': 1, n: 7 })).toBe('{"note":"call [MASKED:PHONE:****0100]","[REDACTED:EMAIL]":1,"n":7}')
  })

  it('cuts at the byte limit with a visible "…", never inside a character', () => {
    const preview = previewArguments({ text: '€'.repeat(5000) }, 8192)
    expect(new TextEncoder().encode(preview).length).toBeLessThanOrEqual(8192)
    expect(preview.endsWith('€…')).toBe(true)
    expect(previewArguments({ a: 'b' }, 8192)).toBe('{"a":"b"}')
  })

  it('masks before it cuts, so a cut marker never reveals a value', () => {
    const preview = previewArguments({ pad: 'x'.repeat(20), card: '4111 1111 1111 1111' }, 40)
    expect(preview).not.toMatch(/4111/)
    expect(preview.endsWith('…')).toBe(true)
  })
})
