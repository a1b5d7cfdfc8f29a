import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { usSsnDetector } from './us-ssn.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = usSsnDetector.find(text, context)
  expect(usSsnDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('usSsnDetector', () => {
  it.each([
    ['123-45-6789', '123-45-6789'],
    ['123 45 6789', '123 45 6789'],
    ['employee 078-05-1121 started', '078-05-1121'],
    ['SSN: 123456789', '123456789'],
    ['ssn#123456789', '123456789'],
    ['Social Security Number is 123456789', '123456789'],
    ['social_security_no=123456789', '123456789'],
  ])('finds the number in %j', (text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it.each(['ssn', 'SSNs', 'user_ssn', 'employeeSSN', 'userSsn', 'social_security_number', 'socialSecurityNumber'])(
    'finds bare digits under a member named %j',
    (key) => {
      expect(found('123456789', { key })).toEqual(['123456789'])
    },
  )

  it.each([
    ['area 000', '000-12-3456'],
    ['area 666', '666-12-3456'],
    ['area 900', '900-12-3456'],
    ['area 999', '999-12-3456'],
    ['group 00', '123-00-4567'],
    ['serial 0000', '123-45-0000'],
    ['bare digits with no context word', '123456789'],
    ['bare digits after an unrelated word', 'order 123456789'],
    ['bare digits after a word that only contains "ssn"', 'classname 123456789'],
    ['bare digits with the context word too far before', `ssn: ${'x'.repeat(40)} 123456789`],
    ['bare digits with an invalid area', 'ssn 666123456'],
    ['mixed separators', '123-45 6789'],
    ['a longer leading group', '1123-45-6789'],
    ['a longer trailing group', '123-45-67890'],
    ['a phone number', '555-123-4567'],
    ['a date', '2024-01-15'],
    ['digits inside a word', 'A123-45-6789'],
    ['a dash-joined longer id', '123-45-6789-01'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it('needs a context word in the member name, not just any name', () => {
    expect(found('123456789', { key: 'orderId' })).toEqual([])
    expect(found('123456789', { key: 'classname' })).toEqual([])
  })
})
