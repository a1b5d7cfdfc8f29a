/**
 * shared/src/content-safety/detectors/secret-field.ts — which names hold secrets, and which values are secrets.
 *
 * The two judgements behind GENERIC_SECRET (generic-secret.ts), kept apart so each can be tested on its own:
 *  - `isSecretName`: a field, member, header or flag name whose value is a credential (`password`, `db_pass`,
 *    `clientSecret`, `x-api-key`, `GITHUB_TOKEN`, `Authorization`) — not one that merely mentions it
 *    (`token_type`, `max_tokens`, `nextPageToken`, `password_hash`, `secret_name`, `aws_access_key_id`);
 *  - `isSecretValue`: a value that could be the credential itself, not a placeholder, a reference to where the
 *    secret lives, a path, a URL, a flag, an identifier or a sentence.
 * Both are linear in their input and read at most the first `MAX_NAME` characters of a name.
 */
import type { Span } from '../detector.js'
import { isPlaceholder } from '../placeholder.js'

/** The shortest value taken as a secret (shorter ones are flags, defaults or masks far more often than secrets). */
export const MIN_SECRET_LENGTH = 6
/** How much of a name is read. */
const MAX_NAME = 100
/** A blank (`\s`): values with one are sentences, not secrets; spans are trimmed of them. */
export const BLANK = /\s/

/** Last words that name a credential on their own (`password`, `db_pwd`, `clientSecret`, `x-auth-token`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'authorization',
  'bearer',
])
/** Words before `key` that make it a credential (`api_key`, `secretKey`, `AccountKey`); a bare `key` is not. */
const KEY_QUALIFIERS = new Set(
  'api access secret private master encryption signing account auth client app consumer shared session subscription'.split(' '),
)
/** Tokens that are not credentials: pagination cursors and anti-forgery or idempotency tokens. */
const NOT_SECRET_TOKENS = new Set(
  (
    'next page pagination continuation cursor sync start resume marker continue skip delta change changes ' +
    'cancellation idempotency csrf xsrf max num total count'
  ).split(' '),
)
/** Trailing words that keep the meaning of the word before them (`password_confirmation`, `apiKeyValue`). */
const NEUTRAL_TRAILERS = new Set('value confirm confirmation plain plaintext raw str string b64 base64 encoded'.split(' '))
/** Single words of run-together names (`ACCESSTOKEN`, `dbpassword`) that end in one of these are secret names. */
const COMPOUND_ENDINGS = ['password', 'passwd', 'token', 'secret', 'apikey']

/**
 * Splits a name into lower-case words at separators and camelCase humps: `xApiKey` → x, api, key;
 * `AWSSecretKey` → aws, secret, key. Linear: each alternative consumes at least one character, and the `[A-Z]+`
 * run gives back at most one character before the next match starts.
 */
const WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g

function wordsOf(name: string): string[] {
  return (name.slice(0, MAX_NAME).match(WORD) ?? []).map((word) => word.toLowerCase())
}

function isSecretWord(word: string, previous: string | undefined): boolean {
  if (word === 'key') return previous !== undefined && KEY_QUALIFIERS.has(previous)
  if (word === 'token') return previous === undefined || !NOT_SECRET_TOKENS.has(previous)
  if (SECRET_WORDS.has(word)) return true
  const ending = COMPOUND_ENDINGS.find((end) => word.length > end.length && word.endsWith(end))
  return ending !== undefined && !NOT_SECRET_TOKENS.has(word.slice(0, -ending.length))
}

/** First words of flag and limit names (`has_password`, `require_token`, `min_password`): not secrets. */
const FLAG_PREFIXES = new Set('has is use uses require requires enable allow show hide min max num'.split(' '))

function namesSecret(name: string): boolean {
  const words = wordsOf(name)
  if (words.length > 1 && FLAG_PREFIXES.has(words[0] ?? '')) return false
  while (words.length > 1 && NEUTRAL_TRAILERS.has(words[words.length - 1] ?? '')) words.pop()
  const last = words[words.length - 1]
  return last !== undefined && isSecretWord(last, words[words.length - 2])
}

// Names repeat across messages (the same tools, the same schemas), so their verdicts are kept; the cache is
// cleared when it grows, which bounds its memory whatever names arrive.
const NAME_CACHE = new Map<string, boolean>()
const NAME_CACHE_SIZE = 2048

/**
 * True when a field, member, header or flag name holds a credential: its last word (after trailing words like
 * `value` or `confirmation`) is a secret word, or `key` after a word like `api` or `secret`.
 *
 * @example
 * isSecretName('DB_PASSWORD') // → true
 * isSecretName('x-api-key') // → true
 * isSecretName('token_type') // → false
 * isSecretName('nextPageToken') // → false
 */
export function isSecretName(name: string): boolean {
  const known = NAME_CACHE.get(name)
  if (known !== undefined) return known
  const verdict = namesSecret(name)
  if (NAME_CACHE.size >= NAME_CACHE_SIZE) NAME_CACHE.clear()
  NAME_CACHE.set(name, verdict)
  return verdict
}

/** Whole values that say "no secret here" (compared in lower case). */
const NON_SECRET_VALUES = new Set(
  (
    'null none nil undefined true false yes no on off enabled disabled required optional string password passwd ' +
    'secret token apikey hidden masked redacted empty default unknown unset notset changeit changeme secure ' +
    'username namespace description properties example sample placeholder provided missing invalid expired ' +
    'revoked valid bearer basic oauth oauth2 header headers query cookie integer boolean object format length ' +
    'minlength maxlength pattern writeonly readonly environment production staging development localhost'
  ).split(' '),
)

/**
 * Template and reference forms: `${VAR}`, `$(cmd)`, `$ENV_NAME`, `{{ var }}`, `<token>`, `%VAR%`, `%(name)s`,
 * `#{var}`, `[REDACTED]`, a YAML tag alone (`!vault`), secret-manager references. Each alternative is anchored at the
 * start and has at most one unbounded class, so a test is linear.
 */
const TEMPLATE = /^(?:\$\{|\$\(|\$[A-Z_][A-Z0-9_]*$|\{\{|\{%|<[^>]*>$|%[A-Za-z_][A-Za-z0-9_]*%$|%\(|#\{|\[[^\]]*\]$|![A-Za-z]+$|@Microsoft\.KeyVault|arn:|vault:|env:|secret:|secretref:|projects\/[^/]+\/secrets\/)/i
/** Marks of a masked or elided value, anywhere: `***`, `...`, `…`, `•`, template braces inside a value. */
const MASKED = /\*{3}|\.{3}|\u2026|\u2022|\$\{|\{\{|\}\}|x{4}/i
/** Placeholder phrasing at the start: `your_api_key`, `YourPassword123`, `enter-token`. */
const PLACEHOLDER_START = /^(?:your|insert|enter|replace|put|add)[^a-z]?/i
/** Placeholder words anywhere that `isPlaceholder` does not know. */
const PLACEHOLDER_WORDS = /dummy|fake|foobar|lorem|ipsum|notasecret|not[-_]a[-_]secret|mock[-_]|test[-_]?(?:token|secret|password|key)/i
/** Paths: absolute, relative, home, Windows drive or UNC, `file:`. */
const PATH_START = /^(?:\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\|file:)/
/** A relative path or file name with a file extension (`certs/server.key`, `token.json`). */
const FILE_NAME = /^[\w.-]*(?:[\\/][\w.-]+)*\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|json|txt|env|ya?ml|toml|ini|conf|cfg|gpg|asc|pub|properties)$/i
/** A URL (credentials inside URLs are found by the URL pattern, which reports the password alone). */
const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i
/**
 * Identifiers and references in code, without digits (which random values have): `process.env.TOKEN!`,
 * `config.password`, `ApiKeyType`, `db_main`, `DB_PASSWORD`, `userPassword` (camelCase humps of three letters or more, which random letters rarely form). Each alternative's repeated group starts with a
 * delimiter its inner class cannot contain (`.`, `_`, an upper-case letter), so a test is linear.
 */
const IDENTIFIER = /^(?:[A-Za-z_$]+(?:\.[A-Za-z_$]+)+[!?]?|[a-z]+(?:_[a-z]+)+|[A-Z]+(?:_[A-Z0-9]+)+|[A-Za-z][a-z]+(?:[A-Z][a-z]{2,})+)$/
/** Placeholder words that no vendor prefix contains (see isPlaceholderValue). */
const LONG_PLACEHOLDER = /example|placeholder|redacted|sample|changeme|x{6}/i
const ALNUM_RUN = /[A-Za-z0-9]{12,}/g

/**
 * `isPlaceholder` was written for a token's body after its prefix; a whole value may keep a vendor prefix that
 * trips its short-word rule (Mailgun's `key-…`, `token_…`). So a short-word hit counts only when the value has no
 * random-looking run (twelve or more letters and digits, with both).
 */
function isPlaceholderValue(value: string): boolean {
  if (!isPlaceholder(value)) return false
  return LONG_PLACEHOLDER.test(value) || !hasRandomRun(value)
}

/** A run of twelve or more letters and digits with both: what random secrets have and words, paths and names lack. */
function hasRandomRun(value: string): boolean {
  for (const run of value.match(ALNUM_RUN) ?? []) if (/[0-9]/.test(run) && /[A-Za-z]/.test(run)) return true
  return false
}

/**
 * True when `value` (already trimmed) could be a credential: at least six characters, no whitespace, and none of
 * the forms above — a placeholder, a template or secret-manager reference, a masked value, a path or file name, a
 * URL, a code identifier or a secret's name (`GITHUB_TOKEN` as a value is the name of a variable, not its value).
 *
 * @example
 * isSecretValue('hunter2!') // → true
 * isSecretValue('${DB_PASSWORD}') // → false
 * isSecretValue('/run/secrets/db_password') // → false
 */
export function isSecretValue(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || BLANK.test(value)) return false
  if (NON_SECRET_VALUES.has(value.toLowerCase())) return false
  if (TEMPLATE.test(value) || MASKED.test(value)) return false
  if (PLACEHOLDER_START.test(value) || PLACEHOLDER_WORDS.test(value)) return false
  // A base64 secret may start with `/`; a path has no random-looking run.
  if ((PATH_START.test(value) && !hasRandomRun(value)) || FILE_NAME.test(value) || URL_START.test(value)) return false
  if (IDENTIFIER.test(value) || isPlaceholderValue(value)) return false
  // Not through the cache: values must not be kept in memory.
  return !namesSecret(value)
}
/** An auth scheme at the start of a member's value or a quoted value (`Bearer abc`, `token abc`). */
const LEADING_SCHEME = /^(?:bearer|basic|token|bot|apikey|api-key)[ \t]+/i

/**
 * The span of the secret inside `text[start, end)`: blanks trimmed and a leading auth scheme skipped, or undefined
 * when what remains is not a secret value (`isSecretValue`).
 *
 * @example
 * secretSpan('Authorization: Bearer abc123def', 15, 31) // → { start: 22, end: 31 }
 */
export function secretSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && BLANK.test(text[start] ?? '')) start += 1
  while (end > start && BLANK.test(text[end - 1] ?? '')) end -= 1
  const scheme = LEADING_SCHEME.exec(text.slice(start, Math.min(end, start + 16)))
  if (scheme !== null) start += scheme[0].length
  return end - start >= MIN_SECRET_LENGTH && isSecretValue(text.slice(start, end)) ? { start, end } : undefined
}

/**
 * The span of capture group `group` of a match that ends with that group (followed by `trailing` characters).
 *
 * @example
 * groupAtEnd(/pw=(\w+)"/.exec('pw=abc"')!, 1, 1) // → { start: 3, end: 6 }
 */
export function groupAtEnd(match: RegExpExecArray, group: number, trailing = 0): Span {
  const end = match.index + match[0].length - trailing
  return { start: end - (match[group] ?? '').length, end }
}
