import { describe, expect, it } from 'vitest'
import { privateKeyDetector } from './private-key.js'

/** 64-column base64 lines; assembled at run time so no key-shaped literal sits in the repository. */
const LINES = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'q3W5mZ2Yt8n0Rk1Jv4L9eX6cB2dA7fG3hK8pQ1sT4uV5wX6yZ7aB8c', 'D9eF0gH1iJ2kL3mN4oP5qR6sT7uV8wX9yZ0aB1cD2eF3gH4iJ5kL6=']
const pem = (label: string, eol = '\n', headers = ''): string =>
  [`-----BEGIN ${label}-----`, headers, ...LINES, `-----END ${label}-----`].filter((line) => line !== '').join(eol)

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string): string[] {
  const spans = privateKeyDetector.find(text)
  expect(privateKeyDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('privateKeyDetector', () => {
  it.each([
    ['PKCS #8', pem('PRIVATE KEY')],
    ['RSA (PKCS #1)', pem('RSA PRIVATE KEY')],
    ['EC', pem('EC PRIVATE KEY')],
    ['OpenSSH', pem('OPENSSH PRIVATE KEY')],
    ['encrypted PKCS #8', pem('ENCRYPTED PRIVATE KEY')],
    ['OpenPGP', pem('PGP PRIVATE KEY BLOCK', '\n', 'Version: GnuPG v2\n')],
    ['legacy encrypted RSA with headers', pem('RSA PRIVATE KEY', '\n', 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,9F2E1A\n')],
    ['CRLF line ends', pem('PRIVATE KEY', '\r\n')],
    ['escaped \\n (as inside JSON or .env text)', pem('PRIVATE KEY', '\\n')],
    ['double-escaped \\\\n', pem('EC PRIVATE KEY', '\\\\n')],
    ['one line', pem('PRIVATE KEY', '')],
  ])('finds a whole %s block', (_name, block) => {
    expect(found(block)).toEqual([block])
    expect(found(`key = "${block}"\nnext = 1`)).toEqual([block])
  })

  it('finds two blocks in one string', () => {
    const text = `${pem('PRIVATE KEY')}\n\n${pem('EC PRIVATE KEY')}`
    expect(found(text)).toEqual([pem('PRIVATE KEY'), pem('EC PRIVATE KEY')])
  })

  it.each([
    ['a public key', pem('PUBLIC KEY')],
    ['an RSA public key', pem('RSA PUBLIC KEY')],
    ['a certificate', pem('CERTIFICATE')],
    ['a certificate request', pem('CERTIFICATE REQUEST')],
    ['a PGP public key block', pem('PGP PUBLIC KEY BLOCK')],
    ['a header with no END line', pem('PRIVATE KEY').split('-----END')[0] ?? ''],
    ['a documentation sample with an elided body', '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----'],
    ['an elided body with escaped newlines', '"-----BEGIN RSA PRIVATE KEY-----\\nMIIE...\\n-----END RSA PRIVATE KEY-----"'],
    ['an END line of another label', `${pem('RSA PRIVATE KEY').split('-----END')[0] ?? ''}-----END EC PRIVATE KEY-----`],
    ['a body with characters outside base64', pem('PRIVATE KEY').replace(LINES[1] ?? '', '<redacted by user>')],
    ['a header mentioned in prose', 'Paste the text from -----BEGIN PRIVATE KEY----- to the END line.'],
  ])('finds nothing in %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })
})
