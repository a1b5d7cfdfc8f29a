import { describe, expect, it } from 'vitest'
import { jwtDetector } from './jwt.js'

const b64url = (value: string): string => Buffer.from(value).toString('base64url')
const jwt = (header: object, payload: object = { sub: 'alice', iat: 1700000000 }, signature = 'c2lnbmF0dXJlLWJ5dGVz'): string =>
  [b64url(JSON.stringify(header)), b64url(JSON.stringify(payload)), signature].join('.')

const SIGNED = jwt({ alg: 'HS256', typ: 'JWT' })

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string): string[] {
  const spans = jwtDetector.find(text)
  expect(jwtDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('jwtDetector', () => {
  it.each([
    ['an HS256 token', SIGNED],
    ['an RS256 token with a kid', jwt({ alg: 'RS256', kid: 'k-1' }, { iss: 'https://id.example.com', aud: ['a', 'b'] })],
    ['an unsecured token (empty signature)', jwt({ alg: 'none' }, { sub: 'x' }, '')],
    ['a header with non-ASCII text', jwt({ alg: 'ES256', note: 'clé' })],
  ])('finds %s', (_name, token) => {
    expect(found(token)).toEqual([token])
    expect(found(`Authorization: Bearer ${token}`)).toEqual([token])
    expect(found(`{"id_token":"${token}"}`)).toEqual([token])
  })

  it('finds a token at the end of a sentence', () => {
    expect(found(`The token is ${SIGNED}.`)).toEqual([SIGNED])
  })

  it.each([
    ['a header without alg', jwt({ typ: 'JWT' })],
    ['a header whose alg is not a string', jwt({ alg: 256 })],
    ['a header that is not JSON', `${b64url('{"alg":')}.${b64url('{}')}.sig`],
    ['a header that is a JSON array', `${b64url('["alg"]')}.e30.sig`],
    ['a dotted identifier starting with eyJ', 'eyJfoo.bar.baz'],
    ['two segments only', SIGNED.split('.').slice(0, 2).join('.')],
    ['an empty payload', `${b64url('{"alg":"HS256"}')}..sig`],
    ['a five-segment JWE', `${b64url('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.a2V5.aXY.Y2lwaGVy.dGFn`],
    ['a token inside a longer token', `x${SIGNED}`],
    ['a token after a dot', `prefix.${SIGNED}`],
    ['a token followed by a fourth segment', `${SIGNED}.ZXh0cmE`],
  ])('finds nothing in %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })
})
