/**
 * shared/src/content-safety/detectors/generic-secret.ts — passwords, tokens and keys without a format of their own.
 *
 * A credential with no prefix is known by where it sits, so this detector looks for the places, and reports the
 * secret part only (never the name, the scheme or the rest of a URL), which is what redaction should replace:
 *  1. a JSON member whose name holds a credential (`DetectorContext.key`: `password`, `client_secret`,
 *     `Authorization`, see `isSecretName`): the whole string, after an auth scheme (`Bearer `, `Basic `);
 *  2. `name=value`, `name: value`, `"name": "value"`, `name := value`, `name => value` in text, with a credential
 *     name (`DB_PASSWORD=…`, `Password=…;` in ADO/ODBC connection strings, `&access_token=…` in query strings,
 *     `-H 'Authorization: Bearer …'`); also `name 'value'` (SQL `PASSWORD '…'`, `IDENTIFIED BY '…'`),
 *     `<password>…</password>`, and prose (`the wifi password is …`, a value that is not a plain word);
 *  3. `auth` / `_auth` holding base64 `user:password` (docker `config.json`, `.npmrc`);
 *  4. `Bearer <token>` / `Basic <base64 of user:password>` anywhere, even without a header name;
 *  5. the password of `scheme://user:password@host` (database URLs, git remotes, JDBC, proxies);
 *  6. command lines: `--password=…`, `--token …`, `curl -u user:…`, `mysql -p…`, `docker login -u ci -p …`
 *     (command-line-secrets.ts).
 * Each value must pass `isSecretValue` (secret-field.ts): six characters or more, and not a placeholder
 * (`${VAR}`, `{{var}}`, `<token>`, `xxxx`, `***`, `your-api-key`, `changeme` — a documented default, so a
 * placeholder too), not `null`/`true`/`false`, a path, a URL without credentials, or a code identifier.
 *
 * Overlaps with named secrets are settled by `scanText`: a JWT or `ghp_…` token in the same span wins.
 */
import { createRegexDetector, type Detector, type DetectorContext, type Span } from '../detector.js'
import { createPrecondition, type Requirement } from '../precondition.js'
import { COMMAND_LINE_PARTS, findCommandLineSecrets } from './command-line-secrets.js'
import { BLANK, groupAtEnd, isSecretName, isSecretValue, MIN_SECRET_LENGTH, secretSpan } from './secret-field.js'

/**
 * `name <sep> value`. Linear (see detector.ts): a match starts only where a name run starts (the lookbehind
 * refuses a name character before it); the name class cannot contain the quote, bracket, blank or separator that
 * may follow it, so a failing name backtracks one step per character with O(1) work each. A quoted value ends at
 * the first quote, backslash or line end; an unquoted value at a blank, quote, `,;=:`, bracket or backslash — so
 * the value of one candidate can only be the name of the next, and each character is read a bounded number of
 * times. The optional scheme is a fixed word that must be followed by a blank. An unquoted value may go on past
 * `=` and `:` (base64 padding, `p=ss`); `checkKeyValue` extends it, for credential names only and by at most
 * `MAX_UNQUOTED` characters, so that work stays bounded per candidate too.
 */
const KEY_VALUE =
  /(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]*)(?:\\?["'])?\]?[ \t]*(?::=|=>|[:=])[ \t]*(?:\\?["'`]([^"'`\\\r\n]*)|(?:(?:[Bb]earer|BEARER|[Bb]asic|BASIC|[Tt]oken)[ \t]+)?([^\s"'`,;<>(){}[\]\\=:]*))/g

/**
 * A name, blanks, then a quoted value: SQL's `PASSWORD 'x'` and `IDENTIFIED BY 'x'`, `token "x"`. Linear: the
 * name cannot contain the blanks after it, and a quoted value ends at the first quote of either kind, so each
 * content scan starts at a different quote and stops at the next one.
 */
const NAME_QUOTED = /(?<![\w.-])([A-Za-z_][\w.-]*|[Ii][Dd][Ee][Nn][Tt][Ii][Ff][Ii][Ee][Dd][ \t]+[Bb][Yy])[ \t]+(["'])([^"'\\\r\n]*)\2/g

/** `<password>x</password>` (Maven settings, .NET config). Linear: the name cannot contain `>`, the value `<`. */
const XML_ELEMENT = /<([A-Za-z_][\w.:-]*)>([^<>\s]+)<\/\1>/g

/**
 * Prose: `the password for the guest network is X`, `API key was X`. At most six words between the secret word
 * and `is`/`was` (a bounded lazy repetition, each word one class ended by a blank), then one value ended by a
 * blank, quote or bracket.
 */
const PROSE = /(?<![\w-])(?:password|passcode|passphrase|secret|token|api[ _-]?key)(?: +[A-Za-z'-]+){0,6}? +(?:is|was) *:? +["'`]?([^\s"'`,;<>()]+)/gi

/**
 * `Bearer <token68>` / `Basic <token68>` (RFC 9110 §11.4, RFC 7617). Linear: it starts only at the scheme word
 * after a non-word character; token68 is one class, its `=` padding a class it does not contain, and the
 * lookahead refuses either class.
 */
const AUTH_SCHEME = /(?<![\w-])(?:([Bb]earer|BEARER)|[Bb]asic|BASIC)[ \t]+([A-Za-z0-9._~+/-]+=*)(?![A-Za-z0-9._~+/=-])/g

/**
 * `scheme://user:password@`. Linear: it starts only where a scheme run starts; the user part cannot contain the
 * `:` that ends it and the password cannot contain the `@` that ends it, so a failing attempt backtracks once over
 * the password. `/`, `?`, `#`, blanks and quotes end the authority, as in RFC 3986 §3.2.
 */
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@"'<>\\]*:([^\s/?#@"'<>\\]+)@/g

/** A value followed by `(`, `[` or `.` is code (`os.getenv(…)`, `args[…]`), not a literal. */
function isCodeAfter(text: string, end: number): boolean {
  const next = text[end]
  return next === '(' || next === '['
}

/** The longest unquoted value read (a password or token; a longer run is a blob, reported up to here). */
const MAX_UNQUOTED = 512
/** Characters that end an unquoted value (besides blanks). */
const UNQUOTED_END = new Set('"\'`,;<>(){}[]\\')
const NEXT_PARAM = /&[A-Za-z_][\w.-]*=/y

/** The start of the run of name characters that ends at `end` (not before `start`). */
function nameBefore(text: string, start: number, end: number): number {
  let from = end
  while (from > start && /[\w.-]/.test(text[from - 1] ?? '')) from -= 1
  return from
}

/**
 * Where an unquoted value starting at `start` ends: over `=` and `:` too, but before the next credential name and
 * its separator (`password=${password=…` is two candidates, not one long value; so the values read by successive
 * candidates never overlap, which keeps this linear), and at the first `&` of a query or form
 * parameter (`?a=1&token=…&b=2`: the name follows `?` or `&`, or the `&` starts the next `name=`), since `&` is a
 * password character elsewhere.
 */
function unquotedEnd(text: string, nameStart: number, start: number): number {
  const limit = Math.min(text.length, start + MAX_UNQUOTED)
  let end = start
  for (; end < limit; end += 1) {
    const char = text[end] ?? ''
    if (UNQUOTED_END.has(char) || BLANK.test(char)) break
    if (char === '=' || char === ':') {
      const name = nameBefore(text, start, end)
      if (name !== end && isSecretName(text.slice(name, end))) return name
    }
  }
  const inQuery = text[nameStart - 1] === '?' || text[nameStart - 1] === '&'
  // A loop over the value, not indexOf: indexOf would read on to the end of the text for every candidate.
  for (let amp = start; amp < end; amp += 1) {
    if (text[amp] !== '&') continue
    NEXT_PARAM.lastIndex = amp
    if (inQuery || NEXT_PARAM.test(text)) return amp
  }
  return end
}

function checkKeyValue(match: RegExpExecArray, text: string): Span | undefined {
  const [whole, name = '', quoted, unquoted] = match
  // `scheme://name:password@` is a URL's user info (URL_CREDENTIALS reports its password alone); between two `:`
  // the name is a segment of an ARN or URN (`…:secret:prod/db`), not a field (but `.npmrc`'s `/:_auth=` is one).
  const colonAfter = /^[^:=]*:/.test(whole.slice(name.length))
  if ((text[match.index - 1] === ':' && colonAfter) || text.startsWith('://', match.index - 3)) return undefined
  const field = name.replace(/^-+/, '')
  const value = quoted ?? unquoted ?? ''
  if (!isSecretName(field)) return isAuthName(field) ? basicCredentialsSpan(text, match.index + whole.length, value) : undefined
  const start = match.index + whole.length - value.length
  if (quoted !== undefined) return secretSpan(text, start, start + value.length)
  const end = unquotedEnd(text, match.index, start)
  // An unquoted lower-case word is a variable (`password=hashed`, `token: tok_value`) far more often than a password.
  if (isCodeAfter(text, end) || /^[a-z]+$/.test(text.slice(start, end))) return undefined
  return secretSpan(text, start, end)
}

/**
 * `auth` alone names many things (a method, a flag, a section), but docker's `config.json` (`"auth": "…"`) and
 * npm's `.npmrc` (`_auth=…`) hold base64 `user:password` under it: such a value is taken when it decodes so.
 */
const AUTH_NAME = /(?:^|[_.-])auth$|[a-z]Auth$/i

function isAuthName(name: string): boolean {
  return AUTH_NAME.test(name)
}

/** The span of a base64 `user:password` value ending at `end` (a quoted or unquoted value; padding read on). */
function basicCredentialsSpan(text: string, end: number, value: string): Span | undefined {
  let stop = end
  while (text[stop] === '=' && stop - end < 2) stop += 1
  const start = end - value.length
  const token = text.slice(start, stop)
  return token.length >= MIN_SECRET_LENGTH && isBasicCredentials(token) && isSecretValue(token) ? { start, end: stop } : undefined
}

function checkNameQuoted(match: RegExpExecArray, text: string): Span | undefined {
  const name = match[1] ?? ''
  if (!/^identified/i.test(name) && !isSecretName(name)) return undefined
  const { start, end } = groupAtEnd(match, 3, 1)
  return secretSpan(text, start, end)
}

function checkXmlElement(match: RegExpExecArray, text: string): Span | undefined {
  if (!isSecretName(match[1] ?? '')) return undefined
  const name = match[1] ?? ''
  const { start, end } = groupAtEnd(match, 2, name.length + 3)
  return secretSpan(text, start, end)
}

/** A value in prose must not be a plain word (`the token is expired`); a final full stop ends the sentence. */
function checkProse(match: RegExpExecArray, text: string): Span | undefined {
  const span = groupAtEnd(match, 1)
  const end = text[span.end - 1] === '.' ? span.end - 1 : span.end
  if (/^[A-Za-z]+$/.test(text.slice(span.start, end))) return undefined
  return secretSpan(text, span.start, end)
}

/** Basic credentials are base64 of `user:password` (RFC 7617 §2). */
function isBasicCredentials(token: string): boolean {
  try {
    const decoded = atob(token)
    return decoded.includes(':') && !/[\0-\x1f]/.test(decoded)
  } catch {
    return false
  }
}

function checkAuthScheme(match: RegExpExecArray): Span | undefined {
  const [whole, bearer, token = ''] = match
  const end = match.index + whole.length
  const start = end - token.length
  // Without a header name, a bearer token must look random (letters and digits); prose says "Bearer token".
  const plausible = bearer !== undefined ? /[0-9]/.test(token) && /[A-Za-z]/.test(token) : isBasicCredentials(token)
  return plausible && isSecretValue(token) ? { start, end } : undefined
}

function checkUrlCredentials(match: RegExpExecArray, text: string): Span | undefined {
  const password = match[1] ?? ''
  const end = match.index + match[0].length - 1
  const start = end - password.length
  const plausible = password.length >= MIN_SECRET_LENGTH && isSecretValue(decodePercent(text.slice(start, end)))
  return plausible ? { start, end } : undefined
}

/** Percent-decodes a URL password for the checks (`%24%7BPASS%7D` is `${PASS}`); keeps it as is on bad escapes. */
function decodePercent(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

const keyValues = createRegexDetector({ type: 'GENERIC_SECRET', pattern: KEY_VALUE, check: checkKeyValue })
const authSchemes = createRegexDetector({ type: 'GENERIC_SECRET', pattern: AUTH_SCHEME, check: checkAuthScheme })
const urlCredentials = createRegexDetector({
  type: 'GENERIC_SECRET',
  pattern: URL_CREDENTIALS,
  check: checkUrlCredentials,
})
const namesQuoted = createRegexDetector({ type: 'GENERIC_SECRET', pattern: NAME_QUOTED, check: checkNameQuoted })
const xmlElements = createRegexDetector({ type: 'GENERIC_SECRET', pattern: XML_ELEMENT, check: checkXmlElement })
const prose = createRegexDetector({ type: 'GENERIC_SECRET', pattern: PROSE, check: checkProse })

/** What each text form needs (see precondition.ts); they share the one profile pass of the string. */
const URL_PARTS: Requirement = { chars: '@', anyOf: ['://'] }
const SCHEME_PARTS: Requirement = { anyOf: ['Bearer', 'bearer', 'BEARER', 'Basic', 'basic', 'BASIC'] }
/**
 * What every name the named forms accept contains (any case): each secret word of `isSecretName` (`pass`, `pwd`,
 * `secret`, `token`, `key`, `credential`, `auth`, `bearer`), `identified` (SQL) and the prose words. Searched for
 * only when the letters of one of them occur.
 */
const SECRET_WORD_PARTS: Requirement = { anyWord: ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'auth', 'bearer', 'identified'] }
const mayHaveUrl = createPrecondition(URL_PARTS)
const mayHaveScheme = createPrecondition(SCHEME_PARTS)
const hasSecretWord = createPrecondition(SECRET_WORD_PARTS)
/** What each named form needs besides the word: `name=value` / `name: value`, a quote, an element, prose. */
const SEPARATOR_PARTS: Requirement = { anyOf: ['=', ':'] }
const QUOTE_PARTS: Requirement = { anyOf: ['"', "'"] }
const ELEMENT_PARTS: Requirement = { chars: '<>/' }
// Prose is matched case-insensitively, so only its blank is a character every match has.
const PROSE_PARTS: Requirement = { chars: ' ' }
const mayHaveSeparator = createPrecondition(SEPARATOR_PARTS)
const mayHaveQuote = createPrecondition(QUOTE_PARTS)
const mayHaveElement = createPrecondition(ELEMENT_PARTS)
const mayHaveProse = createPrecondition(PROSE_PARTS)
/**
 * A named form: a secret word and what one of the forms needs (one requirement for the forms that need one
 * character of several, so the words are searched for once).
 */
const NAMED_FORM_PARTS: readonly Requirement[] = [
  { ...SECRET_WORD_PARTS, anyOf: [...(SEPARATOR_PARTS.anyOf ?? []), ...(QUOTE_PARTS.anyOf ?? []), PROSE_PARTS.chars ?? ''] },
  { ...SECRET_WORD_PARTS, ...ELEMENT_PARTS },
]

/** Sorted spans without overlaps: of overlapping spans the earlier (then the longer) is kept. */
function withoutOverlaps(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: Span[] = []
  let lastEnd = -1
  for (const span of spans) {
    if (span.start < lastEnd) continue
    kept.push(span)
    lastEnd = span.end
  }
  return kept
}

const NO_CONTEXT: DetectorContext = Object.freeze({})

function keyNamesSecret(context: DetectorContext): boolean {
  return context.key !== undefined && isSecretName(context.key)
}

// Names repeat across messages, and the precondition asks about every string's name: verdicts are kept (cleared
// when the cache grows, as isSecretName's).
const AUTH_NAME_CACHE = new Map<string, boolean>()
const CREDENTIAL_NAME_CACHE = new Map<string, boolean>()
const NAME_CACHE_SIZE = 2048

function cachedVerdict(cache: Map<string, boolean>, key: string, judge: (key: string) => boolean): boolean {
  let verdict = cache.get(key)
  if (verdict === undefined) {
    verdict = judge(key)
    if (cache.size >= NAME_CACHE_SIZE) cache.clear()
    cache.set(key, verdict)
  }
  return verdict
}

function keyNamesAuth(context: DetectorContext): boolean {
  return context.key !== undefined && cachedVerdict(AUTH_NAME_CACHE, context.key, isAuthName)
}

function isCredentialName(name: string): boolean {
  return isSecretName(name) || isAuthName(name)
}

/** A member name that makes any string of six characters or more a candidate (`password`, docker's `auth`). */
function namesCredential(key: string): boolean {
  return cachedVerdict(CREDENTIAL_NAME_CACHE, key, isCredentialName)
}

const CREDENTIAL_NAME: Requirement = { key: namesCredential }

/**
 * False only when no form of findGenericSecrets can report anything: the string is shorter than a secret, or the
 * member name is not a credential's and the text has none of what the text forms need (`://` and `@`, an auth
 * scheme word, a `-` for a command-line flag, a secret word and a separator, quote, element or blank for the
 * named forms). Its requirements are read with the other detectors' (screen.ts); the member name is asked only
 * for a string the text tests did not let through.
 */
const mayContainGenericSecret = createPrecondition(
  [URL_PARTS, SCHEME_PARTS, COMMAND_LINE_PARTS, ...NAMED_FORM_PARTS, CREDENTIAL_NAME].map((requirement) => ({ ...requirement, minLength: MIN_SECRET_LENGTH })),
)

function findGenericSecrets(text: string, context: DetectorContext = NO_CONTEXT): Span[] {
  if (text.length < MIN_SECRET_LENGTH) return []
  const spans: Span[] = []
  if (keyNamesSecret(context)) {
    const whole = secretSpan(text, 0, text.length)
    if (whole !== undefined) spans.push(whole)
  } else if (keyNamesAuth(context)) {
    const whole = basicCredentialsSpan(text, text.length, text)
    if (whole !== undefined) spans.push(whole)
  }
  if (mayHaveUrl(text)) spans.push(...urlCredentials.find(text))
  if (mayHaveScheme(text)) spans.push(...authSchemes.find(text))
  // The named forms all need a credential word in the name; one scan for it spares five patterns on most texts.
  const named = hasSecretWord(text)
  spans.push(...findCommandLineSecrets(text, named))
  if (named) {
    if (mayHaveSeparator(text)) spans.push(...keyValues.find(text))
    if (mayHaveQuote(text)) spans.push(...namesQuoted.find(text))
    if (mayHaveElement(text)) spans.push(...xmlElements.find(text))
    if (mayHaveProse(text)) spans.push(...prose.find(text))
  }
  return withoutOverlaps(spans)
}

/**
 * Detects passwords, tokens and keys by their place (`GENERIC_SECRET`): values of credential-named members and
 * fields, auth headers and credentials in URLs, reporting the secret part only.
 *
 * A credential-named member (`{"password": "…"}`) makes any string of six characters or more a candidate, so its
 * precondition reads the member name (`context.key`, verdicts cached) besides the text; `find` then runs each
 * text pattern only when the string has that pattern's characters.
 *
 * @example
 * genericSecretDetector.find('DB_PASSWORD=hunter2!') // → [{ start: 12, end: 20 }]
 * genericSecretDetector.find('postgres://app:s3cr3t-pw@db:5432/app') // → [{ start: 15, end: 24 }]
 * genericSecretDetector.find('s3cr3t-pw', { key: 'password' }) // → [{ start: 0, end: 9 }]
 * genericSecretDetector.find('password=${DB_PASSWORD}') // → []
 */
export const genericSecretDetector: Detector = {
  type: 'GENERIC_SECRET',
  find: findGenericSecrets,
  mayContain: mayContainGenericSecret,
}
