import { describe, expect, it } from 'vitest'
import { isSecretName, isSecretValue } from './secret-field.js'

describe('isSecretName', () => {
  it.each([
    'password',
    'DB_PASSWORD',
    'db_pass',
    'passwd',
    'pwd',
    'Passphrase',
    'client_secret',
    'clientSecret',
    'WEBHOOK_SECRET',
    'token',
    'access_token',
    'refreshToken',
    'GITHUB_TOKEN',
    'ACCESSTOKEN',
    'x-auth-token',
    'api_key',
    'apiKey',
    'x-api-key',
    'APIKEY',
    'secret_access_key',
    'AccountKey',
    'private_key',
    'Authorization',
    'Proxy-Authorization',
    'password_confirmation',
    'apiKeyValue',
    'credential',
    'spring.datasource.password',
  ])('is true for %j', (name) => {
    expect(isSecretName(name)).toBe(true)
  })

  it.each([
    'key',
    'token_type',
    'max_tokens',
    'tokens',
    'token_count',
    'tokenizer',
    'nextPageToken',
    'next_token',
    'pageToken',
    'continuation_token',
    'csrf_token',
    'password_hash',
    'password_min_length',
    'password_policy',
    'passwordless',
    'secret_name',
    'secret_id',
    'secretKeyRef',
    'aws_access_key_id',
    'public_key',
    'publishable_key',
    'bypass',
    'compass',
    'passport',
    'token_url',
    'has_password',
    '',
  ])('is false for %j', (name) => {
    expect(isSecretName(name)).toBe(false)
  })
})

describe('isSecretValue', () => {
  it.each(['hunter2!', 'S3cr3t-Pa55', 'p@ss/w0rd#2024', '0123456789', 'Tundra2750M6z2K', '/YJnTd9jUF2PGrAZOJmua7ILw9eb'])(
    'is true for %j',
    (value) => {
      expect(isSecretValue(value)).toBe(true)
    },
  )

  it.each([
    ['short', 'abc12'],
    ['empty', ''],
    ['with blanks', 'correct horse battery'],
    ['null', 'null'],
    ['a boolean', 'false'],
    ['a secret word', 'password'],
    ['a template', '${DB_PASSWORD}'],
    ['a command substitution', '$(cat /run/secrets/db)'],
    ['an environment variable', '$DB_PASSWORD'],
    ['a Jinja variable', '{{ vault_password }}'],
    ['an angle placeholder', '<api-token>'],
    ['a Windows variable', '%DB_PASSWORD%'],
    ['a bracketed marker', '[REDACTED:GENERIC_SECRET]'],
    ['a YAML tag', '!vault'],
    ['a secret-manager reference', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db'],
    ['a vault reference', 'vault:smtp/password'],
    ['a mask', '********'],
    ['an elision', 'sk-...Q7aB'],
    ['bullets', 'sk-proj-••••Q7aB'],
    ['x placeholder', 'xxxx-xxxx'],
    ['changeme', 'changeme'],
    ['changeit', 'changeit'],
    ['your-api-key', 'your-api-key'],
    ['YourPassword', 'YourPassword123'],
    ['a fake marker', 'fake-token-1234'],
    ['an absolute path', '/run/secrets/db_password'],
    ['a home path', '~/.config/token'],
    ['a file name', 'client_secret.json'],
    ['a relative key file', 'certs/server.key'],
    ['a URL', 'https://auth.example.com/token'],
    ['a dotted reference', 'process.env.GITHUB_TOKEN'],
    ['a snake_case name', 'db_main'],
    ['an env-style name', 'DB_PASSWORD'],
    ['a camelCase name', 'userPassword'],
    ['a secret name as value', 'accessToken'],
    ['REPLACE_ME', 'REPLACE_ME'],
  ])('is false for %s', (_name, value) => {
    expect(isSecretValue(value)).toBe(false)
  })

  it('keeps a vendor prefix that only looks like a placeholder word', () => {
    expect(isSecretValue(['key', '-', '3f9a0c1d7e5b2a4c6d8e0f1a2b3c4d5e'].join(''))).toBe(true)
  })
})
