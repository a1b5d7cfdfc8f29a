import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { syntheticBody } from '../testing/fixtures.js'
import { awsSecretKeyDetector } from './aws-secret-key.js'

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'
const HEX = '0123456789abcdef'

const body = (length: number, alphabet = BASE64, seed = 7): string => syntheticBody(length, alphabet, seed)

const SECRET = body(40)
const KEY_ID = ['AKIA', body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 3)].join('')

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = awsSecretKeyDetector.find(text, context)
  expect(awsSecretKeyDetector.mayContain?.(text, context) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('awsSecretKeyDetector', () => {
  it('builds a test secret with the mix of a real key', () => {
    expect(SECRET).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9/+])[A-Za-z0-9/+]{40}$/)
  })

  it.each([
    ['a credentials file line', `aws_secret_access_key = ${SECRET}`],
    ['an environment variable', `export AWS_SECRET_ACCESS_KEY=${SECRET}`],
    ['a short AWS_SECRET variable', `AWS_SECRET="${SECRET}"`],
    ['STS JSON in text', `{"AccessKeyId": "${KEY_ID}", "SecretAccessKey": "${SECRET}"}`],
    ['a camelCase member in code', `secretAccessKey: '${SECRET}',`],
    ['aws and secret in prose', `our aws secret is ${SECRET} for now`],
    ['a credentials.csv row after the key id', `deploy,${KEY_ID},${SECRET}`],
    ['a key that is mixed-case hex', `aws_secret_access_key=${'E59c5c6B'.repeat(5)}`],
    ['aws configure output', `AWS Access Key ID [None]: ${KEY_ID}\nAWS Secret Access Key [None]: ${SECRET}`],
  ])('finds the key in %s', (_name, text) => {
    expect(found(text)).toEqual([text.includes(SECRET) ? SECRET : 'E59c5c6B'.repeat(5)])
  })

  it.each(['SecretAccessKey', 'aws_secret_access_key', 'AWS_SECRET_KEY', 'awsSecret', 'secret_access_key'])(
    'finds a bare key under a member named %j',
    (key) => {
      expect(found(SECRET, { key })).toEqual([SECRET])
    },
  )

  it.each([
    ['a bare key without context', SECRET, undefined],
    ['a key under an unrelated member', SECRET, { key: 'checksum' }],
    ['a key under a generic secret member', SECRET, { key: 'secret' }],
    ['a git commit SHA under aws context', `aws secret rotated in commit ${body(40, HEX)}`, undefined],
    ['a SHA-1 under the member name', body(40, HEX, 5), { key: 'aws_secret_access_key' }],
    ['AWS documentation example key', ['wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'].join(''), { key: 'aws_secret_access_key' }],
    ['an x placeholder', 'x'.repeat(40), { key: 'aws_secret_access_key' }],
    ['one character short', `aws_secret_access_key=${SECRET.slice(1)}`, undefined],
    ['one character long', `aws_secret_access_key=${SECRET}A`, undefined],
    ['40 characters inside a longer base64 blob', `aws_secret_access_key=${SECRET}${body(20)}==`, undefined],
    ['a 44-character base64 SHA-256', `aws secret digest ${body(43)}=`, undefined],
    ['40 characters with padding', `aws_secret_access_key=${SECRET.slice(0, 38)}==`, undefined],
    ['a 40-letter identifier', 'aws secret from createDefaultCredentialsProviderChainFor(env)', undefined],
    ['40 digits', `aws_secret_access_key=${'1234567890'.repeat(4)}`, undefined],
    ['a path of 40 characters', 'aws secret at /home/someone/projects/configs/aws/secret', undefined],
    ['a template variable', 'aws_secret_access_key=${AWS_SECRET_ACCESS_KEY}', undefined],
    ['context after the key only', `${SECRET} is the aws secret`, undefined],
  ])('finds nothing for %s', (_name, text, context) => {
    expect(found(text, context)).toEqual([])
  })

  it('says a text without a 40-character run cannot hold a key', () => {
    expect(awsSecretKeyDetector.mayContain?.('aws_secret_access_key = short')).toBe(false)
    expect(awsSecretKeyDetector.mayContain?.(`aws_secret_access_key = ${SECRET}`)).toBe(true)
  })

  it('says a text can hold a key exactly when the candidate pattern matches in it and context may be there', () => {
    // The pattern of aws-secret-key.ts: the precondition must answer as it does (a false true only costs time, a
    // false false would be a leak), on runs of 38 to 42 characters with the characters around a run; without a
    // member name, only in a text that says `secret` or holds an access key id's prefix.
    const candidate = /(?<![A-Za-z0-9/+_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/
    const edges = ['', ' ', '=', '==', '_', '-', '.', '"', 'é', '\n', '/', 'A']
    let seed = 1
    const pick = <T>(items: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return items[(seed >>> 16) % items.length] as T
    }
    let holding = 0
    for (let i = 0; i < 3_000; i += 1) {
      const run = body(38 + (i % 5), pick([BASE64, `${BASE64}_-`, HEX]), i + 1)
      const at = (i * 7) % run.length
      const inner = i % 3 === 0 ? run.slice(0, at) + pick(edges) + run.slice(at) : run
      const text = `${pick(['', 'aws secret ', body(i % 45, BASE64, i + 9), `${body(i % 45, BASE64, i + 5)} `])}${pick(edges)}${inner}${pick(edges)}${pick(['', ' tail', '=x', ` ${body(40, BASE64, i + 3)}`])}`
      const matches = candidate.test(text)
      const expected = matches && (/secret/i.test(text) || /AKIA|ASIA/.test(text))
      if (expected) holding += 1
      expect([text, awsSecretKeyDetector.mayContain?.(text)]).toEqual([text, expected])
      expect([text, awsSecretKeyDetector.mayContain?.(text, { key: 'SecretAccessKey' })]).toEqual([text, matches])
      expect([text, awsSecretKeyDetector.mayContain?.(text, { key: 'path' })]).toEqual([text, expected])
    }
    expect(holding).toBeGreaterThan(100)
    expect(holding).toBeLessThan(2_800)
  })

  it('stays linear on a long run of key characters', () => {
    const text = `aws secret ${'a'.repeat(1_000_000)}`
    const started = performance.now()
    expect(found(text)).toEqual([])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
