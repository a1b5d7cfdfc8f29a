/**
 * shared/src/content-safety/detectors/command-line-secrets.ts — credentials passed as command-line arguments.
 *
 * Part of GENERIC_SECRET (generic-secret.ts): `--password=…` is found there as a `name=value`; this file reads the
 * forms without a `=`: `--token <value>`, `curl -u user:<password>` / `--user user:<password>`, and `-p<password>` /
 * `-p <password>` (mysql, docker login). `-p` is also a port, a path or a profile in other tools, so its value
 * counts only when it mixes letters and digits or follows a `-u user`. Spans cover the secret part only.
 */
import { createRegexDetector, type Span } from '../detector.js'
import { createPrecondition, type Requirement } from '../precondition.js'
import { groupAtEnd, isSecretName, secretSpan } from './secret-field.js'

/** `--name value` (a CLI flag and its argument). Linear: the flag name cannot contain the blanks that end it. */
const FLAG_VALUE = /(?<![\w-])(--?[A-Za-z][\w-]*) +(?:(["'])([^"'\\\r\n]*)\2|([^\s"'`,;&<>(){}[\]\\]+))/g

/**
 * `curl -u user:password`, `--user user:password`, `mysql -pPASSWORD`, `docker login -p PASSWORD`. Linear: each
 * starts only at a flag after a non-word character; the user part cannot contain the `:` that ends it, and each
 * value is one class ended by a blank or quote.
 */
const USER_FLAG = /(?<![\w-])(?:-u|--user)(?:[ \t]+|=)?["']?[^\s:"'/@]+:([^\s"'@]+)/g
const PASSWORD_FLAG = /(?<![\w-])-p[ \t]*([^\s"'`;&|<>()/:-][^\s"'`;&|<>()/:]*)/g

function checkFlag(match: RegExpExecArray, text: string): Span | undefined {
  const [whole, name = '', , quoted, unquoted] = match
  if (!isSecretName(name.replace(/^-+/, ''))) return undefined
  const value = quoted ?? unquoted ?? ''
  // A bare word after a flag is prose more often than a password (`--token to pass it`, `--password prompt`).
  if (quoted === undefined && /^[A-Za-z]+$/.test(value)) return undefined
  const end = match.index + whole.length - (quoted === undefined ? 0 : 1)
  return secretSpan(text, end - value.length, end)
}

function checkUserFlag(match: RegExpExecArray, text: string): Span | undefined {
  // `-u redis://:pw@host` is a URL after the flag: URL_CREDENTIALS reports its password.
  if (match[1]?.startsWith('//') === true) return undefined
  const { start, end } = groupAtEnd(match, 1)
  return secretSpan(text, start, end)
}

/** A `-u user` flag shortly before: `-p` is then that user's password (`mysql -u root -p…`, `docker login -u ci -p …`). */
const USER_BEFORE = /(?:^|\s)(?:-u|--user(?:name)?)(?:[ =]|(?=[^\s-]))/

/** `-p` is also a port, a path or a profile: the value must mix letters and digits, unless a `-u user` precedes it. */
function checkPasswordFlag(match: RegExpExecArray, text: string): Span | undefined {
  const value = match[1] ?? ''
  const afterUser = USER_BEFORE.test(text.slice(Math.max(0, match.index - 80), match.index))
  if (!afterUser && !(/[0-9]/.test(value) && /[A-Za-z]/.test(value))) return undefined
  const { start, end } = groupAtEnd(match, 1)
  return secretSpan(text, start, end)
}


const flags = createRegexDetector({ type: 'GENERIC_SECRET', pattern: FLAG_VALUE, check: checkFlag })
const userFlags = createRegexDetector({ type: 'GENERIC_SECRET', pattern: USER_FLAG, check: checkUserFlag })
const passwordFlags = createRegexDetector({ type: 'GENERIC_SECRET', pattern: PASSWORD_FLAG, check: checkPasswordFlag })
/** What every form of this file has: a `-` (each starts with a flag). */
export const COMMAND_LINE_PARTS: Requirement = { chars: '-' }
const mayHaveFlag = createPrecondition(COMMAND_LINE_PARTS)

/**
 * False when `findCommandLineSecrets` finds nothing in `text` whatever `named` is: every form starts with a `-`.
 *
 * @example
 * mayHoldCommandLineSecret('deploy the weekly report') // → false
 */
export function mayHoldCommandLineSecret(text: string): boolean {
  return mayHaveFlag(text)
}

/**
 * The secret arguments in a command line, unsorted (generic-secret.ts merges them with its other spans).
 * `named` says whether the text has a credential word at all (generic-secret.ts tests it once): without one,
 * `--name value` cannot match.
 *
 * @example
 * findCommandLineSecrets('docker login -u ci -p S3cret-pw1', false) // → [{ start: 22, end: 32 }]
 */
export function findCommandLineSecrets(text: string, named: boolean): Span[] {
  if (!mayHoldCommandLineSecret(text)) return []
  const spans: Span[] = []
  if (named) spans.push(...flags.find(text))
  if (text.includes('-u') || text.includes('--user')) spans.push(...userFlags.find(text))
  if (text.includes('-p')) spans.push(...passwordFlags.find(text))
  return spans
}
