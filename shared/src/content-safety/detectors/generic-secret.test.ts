import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { DEFAULT_DETECTORS } from './default-detectors.js'
import { scanJson } from '../scan-json.js'
import { scanText } from '../scan-text.js'
import { genericSecretDetector } from './generic-secret.js'
import { syntheticBody } from '../testing/fixtures.js'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

const body = (length: number, alphabet = ALNUM, seed = 13): string => syntheticBody(length, alphabet, seed)

const PW = `${body(10)}!9`
const TOKEN = body(32, ALNUM, 5)
const BASIC = btoa(`deploy:${PW}`)

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = genericSecretDetector.find(text, context)
  expect(genericSecretDetector.mayContain?.(text, context) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('genericSecretDetector in text', () => {
  it.each([
    ['a dotenv line', `DB_PASSWORD=${PW}`, PW],
    ['a YAML field', `database:\n  password: ${PW}\n  user: app`, PW],
    ['a JSON member in text', `{"client_secret": "${TOKEN}", "client_id": "abc"}`, TOKEN],
    ['escaped JSON in a string', `{\\"api_key\\":\\"${TOKEN}\\"}`, TOKEN],
    ['a Python assignment', `api_key = '${TOKEN}'`, TOKEN],
    ['a Go assignment', `token := "${TOKEN}"`, TOKEN],
    ['a PHP array', `'password' => '${PW}',`, PW],
    ['a camelCase field', `accessToken: "${TOKEN}"`, TOKEN],
    ['a header name with dashes', `X-Api-Key: ${TOKEN}`, TOKEN],
    ['a query string', `https://api.example.com/v1/items?limit=10&access_token=${TOKEN}&page=2`, TOKEN],
    ['an ADO.NET connection string', `Server=db;Database=app;User Id=sa;Password=${PW};Encrypt=true`, PW],
    ['an ODBC connection string', `Driver={PostgreSQL};Server=db;Uid=app;Pwd=${PW};`, PW],
    ['an Azure storage account key', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${TOKEN}==;`, `${TOKEN}==`],
    ['a value with = and : inside', `password: =${PW}:x=y`, `=${PW}:x=y`],
    ['a form body', `grant_type=password&username=app&password=${PW}&client_id=web`, PW],
    ['a value with & outside a query', `password=${PW}&more`, `${PW}&more`],
    ['a base64 value starting with /', `JWT_SECRET=/${TOKEN}+ab=`, `/${TOKEN}+ab=`],
    ['a quoted value starting with !', `SECRET_KEY = '!${PW}(x'`, `!${PW}(x`],
    ['a CLI flag with =', `deploy --password=${PW} --verbose`, PW],
    ['a CLI flag with a blank', `login --token ${TOKEN}`, TOKEN],
    ['an Authorization header', `curl -H 'Authorization: Bearer ${TOKEN}' https://api.example.com`, TOKEN],
    ['a quoted Authorization header', `"Authorization": "token ${TOKEN}"`, TOKEN],
    ['a Basic header', `Authorization: Basic ${BASIC}`, BASIC],
    ['a bearer token without a header name', `send it with Bearer ${TOKEN} please`, TOKEN],
    ['a database URL', `postgres://app:${PW}@db.internal:5432/app`, PW],
    ['a git remote with a token', `https://x-access-token:${TOKEN}@github.com/org/repo.git`, TOKEN],
    ['a Redis URL without a user', `redis://:${PW}@cache:6379/0`, PW],
    ['a docker config auth', `{"auths":{"registry.internal":{"auth":"${BASIC}"}}}`, BASIC],
    ['an npmrc _auth', `//npm.internal/:_auth=${BASIC}\nalways-auth=true`, BASIC],
    ['a URL after curl -u', `redis-cli -u redis://:${PW}@cache:6379/0 FLUSHDB`, PW],
    ['a JDBC URL', `jdbc:mysql://app:${PW}@db:3306/app?useSSL=true`, PW],
    ['a password with symbols', 'password: "p@ss/w0rd#2024"', 'p@ss/w0rd#2024'],
    ['curl -u', `curl -u admin:${PW} https://grafana.internal/api`, PW],
    ['curl --user=', `curl --user=admin:${PW} https://grafana.internal/api`, PW],
    ['mysql -p attached', `mysql -h db -u root -p${PW} -e 'SHOW DATABASES;'`, PW],
    ['docker login -p', `docker login registry.internal -u ci -p ${PW}`, PW],
    ['docker login -p with letters only', 'docker login registry.internal -u ci -p DSxLprkHNBgQQ', 'DSxLprkHNBgQQ'],
    ['SQL with a letters-only password', "CREATE USER r WITH PASSWORD 'hiMtIpOgjHkBhTpp';", 'hiMtIpOgjHkBhTpp'],
    ['SQL CREATE USER', `CREATE USER reporting WITH PASSWORD '${PW}';`, PW],
    ['SQL IDENTIFIED BY', `ALTER USER 'etl'@'%' IDENTIFIED BY '${PW}';`, PW],
    ['an XML element', `<server>\n  <username>deployer</username>\n  <password>${PW}</password>\n</server>`, PW],
    ['prose with is', `wifi password for the guest network is ${PW}.`, PW],
    ['prose with was and a colon', `The API key was: ${TOKEN}`, TOKEN],
    ['a Mailgun-style key with a vendor prefix', `MAILGUN_API_KEY=key-${TOKEN}`, `key-${TOKEN}`],
  ])('finds the secret in %s', (_name, text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it('finds every secret of a config block', () => {
    expect(found(`DB_PASSWORD=${PW}\nAPI_TOKEN=${TOKEN}\nDEBUG=true`)).toEqual([PW, TOKEN])
  })

  it.each([
    ['a template variable', 'password=${DB_PASSWORD}'],
    ['a shell variable', 'DB_PASSWORD=$POSTGRES_PASSWORD'],
    ['a Jinja variable', 'password: "{{ vault_db_password }}"'],
    ['a GitHub Actions expression', 'token: ${{ secrets.GITHUB_TOKEN }}'],
    ['an angle placeholder', 'api_key: <your-api-key>'],
    ['x placeholders', 'API_KEY=xxxxxxxxxxxx'],
    ['a masked value', 'password: "********"'],
    ['an elided value', `token: ${TOKEN.slice(0, 4)}...${TOKEN.slice(-4)}`],
    ['changeme', 'password=changeme'],
    ['your-api-key', 'api_key="your-api-key"'],
    ['a your- prefix without separators', 'apiKey: "YourApiKeyHere123"'],
    ['an empty value', 'password=""'],
    ['null', '"password": null'],
    ['a boolean', 'require_password=true, password_enabled: false'],
    ['a short value', 'password=abc12'],
    ['a file path', 'password_file=/run/secrets/db_password'],
    ['a path value under a secret name', 'client_secret: ./secrets/client.json'],
    ['a URL without credentials', 'token: https://auth.example.com/oauth/token'],
    ['a token type', '"token_type": "bearer_access"'],
    ['a token count', 'max_tokens=4096000'],
    ['a pagination token', 'nextPageToken: CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA3'],
    ['a password hash field', 'password_hash: "$2b$12$abcdefghijklmnopqrstuv"'],
    ['a secret name field', 'secret_name: prod-db-credentials'],
    ['an access key id field', 'aws_access_key_id: not-checked-here'],
    ['code reading the environment', 'password = os.getenv("DB_PASSWORD")'],
    ['a dotted reference', 'token: process.env.GITHUB_TOKEN'],
    ['a call', 'api_key = load_api_key(path)'],
    ['a variable name as value', 'secret = SECRET_KEY_NAME'],
    ['a TypeScript type', 'interface Config { apiKey: ApiKeyType; password: string }'],
    ['a non-null environment reference', 'const client = create({ secret: process.env.APP_SECRET! })'],
    ['a lower-case variable', 'login(user, password=hashed)'],
    ['a sentence about a password', 'Password: must be at least 12 characters'],
    ['prose with a flag', 'pass --token to authenticate'],
    ['bearer in prose', 'send a Bearer token in the Authorization header'],
    ['a Basic value that is not base64 of user:password', 'Basic authentication'],
    ['a URL with a user only', 'ssh://git@github.com/org/repo.git'],
    ['a URL with a placeholder password', 'postgres://user:password@localhost:5432/db'],
    ['a URL with a template password', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['a URL with a short password', 'mysql://root:root@localhost/db'],
    ['a comparison, not an assignment', 'if password == expected:'],
    ['a bare key name', 'key: 0123456789abcdef'],
    ['ssh -p with a port', 'ssh -p 2222 deploy@host'],
    ['docker -p with a port mapping', 'docker run -p 8080:80 nginx'],
    ['mkdir -p with a path', 'mkdir -p build/out2'],
    ['-p with a project name', 'gcloud config list -p MyProject'],
    ['curl -u without a password', 'curl -u admin https://grafana.internal/api'],
    ['a quoted non-secret name', `SELECT name FROM users WHERE role 'admin123'`],
    ['an XML element with another name', `<username>deployer2024</username>`],
    ['an XML password placeholder', '<password>${env.NEXUS_PASSWORD}</password>'],
    ['prose with a plain word', 'the token is expired, and the password was incorrect'],
    ['prose about length', 'the password is 8 characters long'],
    ['an ARN segment named secret', 'secret_id: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-6d85AX'],
    ['an auth member that is not credentials', '{"auth": "oauth2-client", "always-auth": true}'],
    ['an auth value that is base64 without a colon', `auth=${btoa('just-some-bytes-here')}`],
    ['a schema of a password field', '{"password": {"type": "string", "minLength": 12}}'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })
})

describe('genericSecretDetector in JSON members', () => {
  it.each([
    ['password', PW, PW],
    ['client_secret', TOKEN, TOKEN],
    ['apiKey', TOKEN, TOKEN],
    ['x-api-key', TOKEN, TOKEN],
    ['GITHUB_TOKEN', TOKEN, TOKEN],
    ['refresh_token', TOKEN, TOKEN],
    ['private_token', TOKEN, TOKEN],
    ['passwordConfirmation', PW, PW],
    ['Authorization', `Bearer ${TOKEN}`, TOKEN],
    ['authorization', ` Basic ${BASIC} `, BASIC],
    ['auth', BASIC, BASIC],
  ])('finds the value of a member named %j', (key, value, expected) => {
    expect(found(value, { key })).toEqual([expected])
  })

  it.each([
    ['token_type', 'Bearer'],
    ['expires_in', TOKEN],
    ['nextPageToken', TOKEN],
    ['cursor', TOKEN],
    ['key', TOKEN],
    ['auth', TOKEN],
    ['auth', 'oauth2-client'],
    ['password_hint', 'first pet'],
    ['secret_arn', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db'],
    ['password', '${DB_PASSWORD}'],
    ['password', '[REDACTED]'],
    ['password', 'description of the password field'],
    ['token', 'https://example.com/callback'],
    ['password', 'username'],
    ['credential', 'db_main'],
    ['api_key', 'API_KEY'],
  ])('finds nothing under %j for %j', (key, value) => {
    expect(found(value, { key })).toEqual([])
  })

  it('reports a value inside longer text under a secret member by its text form', () => {
    expect(found(`user=app password=${PW}`, { key: 'password' })).toEqual([PW])
  })
})

describe('genericSecretDetector over tool arguments', () => {
  const detectors = [...DEFAULT_DETECTORS, genericSecretDetector]
  const generic = (args: unknown): string[] =>
    scanJson(args, { detectors })
      .filter((finding) => finding.type === 'GENERIC_SECRET')
      .map((finding) => `${finding.path}${finding.inKey ? ' (name)' : ''} ${finding.start}-${finding.end}`)

  it('finds member values, header values and URL passwords, by pointer and offsets', () => {
    const args = {
      user: { name: 'svc-report', password: PW },
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' },
      database: { url: `postgres://app:${PW}@db.internal:5432/orders` },
    }
    expect(generic(args)).toEqual(['/user/password 0-12', '/headers/Authorization 7-39', '/database/url 15-27'])
  })

  it.each([
    ['a JSON schema', { type: 'object', properties: { password: { type: 'string', minLength: 12, writeOnly: true } } }],
    ['nested credential names', { credentials: { username: 'mailer', password: '${SMTP_PASSWORD}' } }],
    ['a secret reference', { secret: { name: 'db-credentials', namespace: 'production', key: 'password' } }],
    ['pagination', { NextToken: 'eyJuZXh0IjoxMjN9', pageToken: `CiAK${TOKEN}` }],
    ['token usage', { model: 'claude-sonnet-4', max_tokens: 4096, usage: { input_tokens: 1200, output_tokens: 340 } }],
    ['policy settings', { security: { password_min_length: 12, password_policy: 'strong', session_token_ttl: 3600 } }],
    ['an OAuth answer without the token', { token_type: 'Bearer', expires_in: 3600, scope: 'read write' }],
    ['field lists', { fields: ['username', 'password'], path: 'secret/data/smtp' }],
  ])('finds nothing in %s', (_name, args) => {
    expect(generic(args)).toEqual([])
  })
})

describe('genericSecretDetector with the other detectors', () => {
  it('lets a JWT win over the bearer value it is', () => {
    const jwt = [btoa('{"alg":"HS256","typ":"JWT"}').replaceAll('=', ''), body(20), body(43, ALNUM, 3)].join('.')
    const text = `Authorization: Bearer ${jwt}`
    expect(scanText(text, [...DEFAULT_DETECTORS, genericSecretDetector])).toEqual([{ type: 'JWT', start: 22, end: text.length }])
  })

  it('keeps a generic finding where no named detector fires', () => {
    const text = `DB_PASSWORD=${PW}`
    expect(scanText(text, [...DEFAULT_DETECTORS, genericSecretDetector])).toEqual([{ type: 'GENERIC_SECRET', start: 12, end: text.length }])
  })

  it.each([
    ['unclosed quotes', `password="${'a'.repeat(200_000)}`],
    ['many separators', 'a=b:'.repeat(100_000)],
    ['a long key run', `${'password_'.repeat(50_000)}x`],
    ['a URL without @', `postgres://app:${'p:'.repeat(100_000)}`],
    ['many flags', '--token --token '.repeat(50_000)],
    ['many bearer words', 'Bearer Bearer '.repeat(50_000)],
    ['many short flags', '-p -u a: '.repeat(50_000)],
    ['unclosed quoted values', `password "${'a b '.repeat(100_000)}`],
    ['nested element openings', '<password>'.repeat(50_000)],
    ['secret words without is', 'password token secret '.repeat(50_000)],
  ])('stays linear on %s', (_name, text) => {
    const started = performance.now()
    genericSecretDetector.find(text, { key: 'password' })
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
