import { describe, expect, it } from 'vitest'
import { isPlaceholder } from './placeholder.js'

describe('isPlaceholder', () => {
  it.each([
    ['empty', ''],
    ['one repeated character', 'x'.repeat(36)],
    ['one repeated character in both cases', 'XxXxXxXxXxXx'],
    ['one repeated digit with separators', '0000-0000_0000'],
    ['a run of x', 'ab12xxxxxxcd34ef56'],
    ['AWS’s example key body', 'IOSFODNN7EXAMPLE'],
    ['a placeholder word', 'ThisIsAPlaceholderValue12'],
    ['REDACTED', 'REDACTED0123456789abcdef'],
    ['a short word between separators', 'your-api-key-here'],
    ['fake as a part', 'test_fake_1234567890'],
  ])('is true for %s', (_name, body) => {
    expect(isPlaceholder(body)).toBe(true)
  })

  it.each([
    ['a random alphanumeric body', 'R2c9Lq7ZkP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'],
    ['a body with five x in a row', 'R2c9xxxxxP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'],
    ['a short word inside a random run', 'R2c9yourP0vT4mW8xY1bN6hJ3sD5fG7aQ2e'],
    ['a random body with separators', 'aB3-dE6_gH9-jK2'],
  ])('is false for %s', (_name, body) => {
    expect(isPlaceholder(body)).toBe(false)
  })
})
