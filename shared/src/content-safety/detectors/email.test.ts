import { describe, expect, it } from 'vitest'
import { emailDetector } from './email.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string): string[] {
  const spans = emailDetector.find(text)
  expect(emailDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('emailDetector', () => {
  it.each([
    ['ada@example.org', ['ada@example.org']],
    ['Contact: john.doe+tag@mail.example.co.uk.', ['john.doe+tag@mail.example.co.uk']],
    ['mailto:first_last%x@sub-domain.example.io?subject=hi', ['first_last%x@sub-domain.example.io']],
    ['email=jane@example.com&x=1', ['jane@example.com']],
    ["to='A.B-C@EXAMPLE.COM'", ['A.B-C@EXAMPLE.COM']],
    ['a@b.io, c@d.io', ['a@b.io', 'c@d.io']],
    ['<ops@x1.example.museum>', ['ops@x1.example.museum']],
    ['ada@example.org: see you', ['ada@example.org']],
    ['see https://example.com/u and bob@example.net', ['bob@example.net']],
  ])('finds the address in %j', (text, expected) => {
    expect(found(text)).toEqual(expected)
  })

  it.each([
    ['no dot in the domain', 'user@localhost'],
    ['one-letter TLD', 'a@b.c'],
    ['TLD with a digit', 'x@example.c0m'],
    ['TLD running into digits', 'user@example.com1'],
    ['no local part', '@example.com'],
    ['label starting with a hyphen', 'name@-example.com'],
    ['consecutive dots in the local part', 'john..doe@example.com'],
    ['local part longer than 64 characters', `${'a'.repeat(65)}@example.com`],
    ['a version tag', 'release 1.2.3@beta'],
    ['an npm scope', '@types/node@22.1.0'],
    ['a bare domain', 'example.com'],
    ['a password in a connection string', 'postgres://app:s3cretPass@db.example.com:5432/app'],
    ['a password in a URL', 'https://deploy:hunter22@git.example.org/repo.git'],
    ['git SSH syntax', 'git clone git@github.com:acme/app.git'],
    ['scp syntax', 'scp build.tgz deploy@bastion.example.com:/srv/releases/'],
    ['a retina image name', '<img src="logo@2x.png"> and icon@3x.webp'],
    ['a host under a site-local suffix', 'ssh deploy@bastion.internal'],
  ])('finds nothing in %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })
})
