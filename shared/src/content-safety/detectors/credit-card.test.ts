import { describe, expect, it } from 'vitest'
import { creditCardDetector } from './credit-card.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string): string[] {
  const spans = creditCardDetector.find(text)
  expect(creditCardDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

/** Appends the Luhn check digit, to build valid numbers of any brand and length. */
function withCheckDigit(body: string): string {
  let sum = 0
  for (let i = 0; i < body.length; i += 1) {
    const digit = Number(body[body.length - 1 - i])
    sum += i % 2 === 0 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit
  }
  return body + String((10 - (sum % 10)) % 10)
}

describe('creditCardDetector', () => {
  it.each([
    ['Visa 16, spaced', '4111 1111 1111 1111'],
    ['Visa 16, plain', '4111111111111111'],
    ['Visa 16, dashed', '4111-1111-1111-1111'],
    ['Visa 13', '4222222222222'],
    ['Visa 19', withCheckDigit('411111111111111111')],
    ['Mastercard 51–55', '5555 5555 5555 4444'],
    ['Mastercard 2-series', '2223000048400011'],
    ['Mastercard 2720', withCheckDigit('272099999999999')],
    ['American Express', '3782 822463 10005'],
    ['American Express 37', '371449635398431'],
    ['Discover 6011', '6011 1111 1111 1117'],
    ['Discover 644', withCheckDigit('644000000000000')],
    ['Discover 65, 19 digits', withCheckDigit('650000000000000000')],
    ['JCB', '3530111333300000'],
    ['JCB 3589, 19 digits', withCheckDigit('358900000000000000')],
    ['Diners 300–305, 14 digits', '3056 9309 0259 04'],
    ['Diners 36', '36227206271667'],
    ['Diners 38', '38520000023237'],
  ])('finds a %s number', (_name, card) => {
    expect(found(card)).toEqual([card])
    expect(found(`card: ${card}, exp 12/29`)).toEqual([card])
  })

  it('finds cards listed one after another with spaces', () => {
    expect(found('4111 1111 1111 1111 5555 5555 5555 4444')).toEqual(['4111 1111 1111 1111', '5555 5555 5555 4444'])
  })

  it('finds a card followed by another number in its own group', () => {
    expect(found('4111 1111 1111 1111 12 items')).toEqual(['4111 1111 1111 1111'])
  })

  it.each([
    ['a Luhn-invalid 16-digit number', '4111 1111 1111 1112'],
    ['a Luhn-valid number without a brand prefix', withCheckDigit('100000000000000')],
    ['a Visa prefix with a 17-digit length', withCheckDigit('4111111111111111')],
    ['an Amex prefix with a 16-digit length', withCheckDigit('378282246310005')],
    ['a Mastercard prefix below 2221', withCheckDigit('222000000000000')],
    ['an order id', 'order #100000000000017'],
    ['a dashed order id', 'INV-20240115-000042'],
    ['an id of dash-joined groups longer than a card', '4111-1111-1111-1111-2222'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['an all-digit UUID', '41111111-1111-1111-1111-111111111111'],
    ['a git SHA that starts with card digits', '4111111111111111a8c0e1f2b3c4d5e6f7a8b9c0'],
    ['an ISBN-13 with dashes', '978-3-16-148410-0'],
    ['an ISBN-13', 'ISBN 9780306406157'],
    ['a millisecond timestamp', '1712345678901'],
    ['an ISO timestamp', '2024-01-15T10:20:30.123456789Z'],
    ['a version string', 'v4.1111111111111111'],
    ['a decimal amount', '4111111111111111.50'],
    ['a phone number', '+1 (415) 555-0132'],
    ['digits inside a word', 'x4111111111111111'],
    ['digits before a word', '4111111111111111x'],
    ['digits after an underscore', 'id_4111111111111111'],
    ['a longer digit run', '14111111111111111'],
    ['two spaces between groups', '4111  1111  1111  1111'],
  ])('finds nothing in %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })
})
