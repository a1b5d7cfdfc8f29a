import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { phoneDetector } from './phone.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = phoneDetector.find(text, context)
  expect(phoneDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('phoneDetector', () => {
  it.each([
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['reach me at +1 415-555-2671 today', '+1 415-555-2671'],
    ['+14155552671', '+14155552671'],
    ['tel:+14155552671', '+14155552671'],
    ['{"to":"+33 1 23 45 67 89"}', '+33 1 23 45 67 89'],
    ['+49 30 901820', '+49 30 901820'],
    ['+1 (415) 555-2671', '+1 (415) 555-2671'],
    ['+44.20.7946.0958', '+44.20.7946.0958'],
    ['a fictional UK mobile +44 7700 900958', '+44 7700 900958'],
    ['+1 555 555 5555', '+1 555 555 5555'],
  ])('finds the international number in %j without context', (text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it.each([
    ['phone: (415) 555-2671', '(415) 555-2671'],
    ['Call me at 415-555-2671 tomorrow', '415-555-2671'],
    ['mobile 415.555.2671', '415.555.2671'],
    ['cell 4155552671', '4155552671'],
    ['fax 1 415 555 2671', '1 415 555 2671'],
    ['WhatsApp: 07911 123456', '07911 123456'],
    ['ph: 0161 496 0000', '0161 496 0000'],
    ['Tel. 020 7946 0958', '020 7946 0958'],
    ['Telefon 030 901820', '030 901820'],
    ['Tel : 01 23 45 67 89', '01 23 45 67 89'],
    ['phoneNumber=0044 20 7946 0958', '0044 20 7946 0958'],
    ['4155552671 (mobile)', '4155552671'],
    ['room 12 415-555-2671, phone', '415-555-2671'],
    ['Dial in: 030 901820', '030 901820'],
    ['phone: (555) 123-4567', '(555) 123-4567'],
  ])('finds the national number in %j with a context word', (text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it.each(['phone', 'mobile', 'mobileNumber', 'work_tel', 'fax', 'cellPhone', 'contact_phone', 'PHONE_NUMBER'])(
    'finds a national number under a member named %j',
    (key) => {
      expect(found('(415) 555-2671', { key })).toEqual(['(415) 555-2671'])
    },
  )

  it('finds numbers in a table column headed like a phone', () => {
    const csv = 'name,company,phone\nAisha Okafor,Globex,202-555-0155\nMateo Garcia,Initech,(415) 555-2671\n'
    expect(found(csv)).toEqual(['202-555-0155', '(415) 555-2671'])
    expect(found(`name,company,orderNo\n${'x,y,1\n'.repeat(4)}Aisha,Globex,4155552671\n`)).toEqual([])
  })

  it('finds each number of a comma-separated list', () => {
    expect(found('phones: +1 415 555 2671, +44 20 7946 0958')).toEqual(['+1 415 555 2671', '+44 20 7946 0958'])
  })

  it.each([
    ['a national number with no context word', 'order 4155552671'],
    ['a national number after a word that only contains a context word', 'hotel 4155552671'],
    ['a national number under a member named like an id', '4155552671'],
    ['a UK national number without context', '020 7946 0958'],
    ['an ungrouped international number in no assigned range', '+15555555555'],
    ['a grouped international number of an impossible length', '+1 415 555 26711'],
    ['an ungrouped national number in no assigned range', 'phone 5551234567'],
    ['an international number with too few digits', '+44 20 79'],
    ['a number glued to a word', 'abc+14155552671'],
    ['a number followed by letters', '+14155552671abc'],
    ['an ISO date', 'call on 2024-01-15'],
    ['a European date', 'call on 15.01.2024'],
    ['a US date', 'call on 01/15/2024'],
    ['a timestamp', 'call at 2024-01-15T10:30:00Z'],
    ['a Unix timestamp', 'call at 1700000000'],
    ['a time', 'call at 12:30:45'],
    ['an IPv4 address', 'call 192.168.100.200'],
    ['a version string', 'phone app v1.2.3.4567'],
    ['a package version', 'phone-lib@10.20.300.400'],
    ['a decimal', 'call cost 0.1234567'],
    ['a card number', 'call 4111 1111 1111 1111'],
    ['a bare long id', 'call 41111111111111111'],
    ['digits in a path', 'phone /users/4155552671'],
    ['digits after a hash', 'call #4155552671'],
    ['a German number without its trunk 0', 'Telefon 30 901820'],
    ['a US-shaped number that is not valid', 'phone 123-456-7890'],
    ['a UUID', 'call 123e4567-e89b-12d3-a456-426614174000'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text, text === '4155552671' ? { key: 'callId' } : undefined)).toEqual([])
  })

  it('does not take a context word too far before the number', () => {
    expect(found(`phone ${'x'.repeat(50)} 4155552671`)).toEqual([])
  })

  it('runs only when the text has seven digits', () => {
    expect(phoneDetector.mayContain?.('+44 20 79')).toBe(false)
    expect(phoneDetector.mayContain?.('+44 20 7946 0958')).toBe(true)
  })

  it.each([
    ['a million digits', `phone ${'1'.repeat(1_000_000)}`],
    ['digits and spaces', `phone ${'1 '.repeat(500_000)}`],
    ['nested parentheses', `phone ${'(1'.repeat(300_000)}`],
    ['phone-shaped runs', 'tel 415-555-2671 '.repeat(20_000)],
    ['plus signs', '+1 '.repeat(300_000)],
  ])('stays linear on %s', (_name, text) => {
    const started = performance.now()
    phoneDetector.find(text)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
