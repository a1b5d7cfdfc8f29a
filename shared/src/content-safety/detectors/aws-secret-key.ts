/**
 * shared/src/content-safety/detectors/aws-secret-key.ts — AWS secret access keys.
 *
 * A secret access key is 40 characters of base64 (`[A-Za-z0-9/+]`, 30 random bytes) with no prefix of its own
 * (AWS IAM docs, "Managing access keys"). Forty such characters alone also describe git commit SHAs, SHA-1
 * digests, base64 runs inside longer blobs and long identifiers, so a candidate counts only with AWS context:
 *  - within the 60 characters before it: `secret_access_key`/`SecretAccessKey` (any case, any separators between
 *    the words), `aws` and `secret` together (`AWS_SECRET=`, `aws secret:`), or an AWS access key id
 *    (`AKIA…`/`ASIA…`, the pair as written in `credentials.csv` or `aws configure` output); or
 *  - in the name of the JSON member holding the string, with the same words (`aws_secret_access_key`,
 *    `SecretAccessKey` in STS answers, `awsSecret`).
 * It is then rejected when it is all hex (a SHA-1 or commit id), a placeholder (`isPlaceholder`: AWS's own
 * `…EXAMPLEKEY`, `xxxxxx`), or lacks the mix of a random key (two of: upper case, lower case, digits or `/` `+`;
 * letters only with at most one capital in five is a camelCase identifier).
 */
import { createRegexDetector, type Detector, type DetectorContext, type Span } from '../detector.js'
import { isPlaceholder } from '../placeholder.js'
import { createPrecondition } from '../precondition.js'

/** A key's length: base64 of 30 bytes, no padding. */
const KEY_LENGTH = 40

/**
 * Linear (see detector.ts): a match starts only where a run of base64 characters starts (the lookbehind refuses a
 * base64 character, `_` or `-` before it; `=` may precede, as in `KEY=…`), reads exactly 40 characters, and the
 * lookahead refuses a longer run (a 44-character base64 SHA-256, a longer blob) or `=` padding. So each run is
 * read once from its start.
 */
const AWS_SECRET_CANDIDATE = /(?<![A-Za-z0-9/+_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g

/** How far before a candidate the context may stand. */
const CONTEXT_WINDOW = 60
/** How much of a member name is read (names are short; this bounds the work per string). */
const KEY_WINDOW = 100
/** An access key id just before the secret (`AKIA…,<secret>` in credentials.csv). */
const ACCESS_KEY_ID = /(?:AKIA|ASIA)[A-Z2-7]{16}/
/** A hash or commit id in hex: one case throughout (mixed-case hex is not how digests are written). */
const HEX_ONLY = /^(?:[0-9a-f]+|[0-9A-F]+)$/

/** The word every AWS context names (in any case): a `secret`, written whole. */
const SECRET_WORD = /secret/i

/**
 * True when `text` (a window before the candidate, or a member name) names an AWS secret: it says `secret`, and
 * `secret access key` or `aws` in any case and with any separators.
 */
function namesAwsSecret(text: string): boolean {
  if (!SECRET_WORD.test(text)) return false
  const compact = text.toLowerCase().replace(/[^a-z0-9]/g, '')
  return compact.includes('secretaccesskey') || compact.includes('aws')
}

/** A member name that names an AWS secret (the first KEY_WINDOW characters are read). */
function keyNamesAwsSecret(key: string): boolean {
  return namesAwsSecret(key.slice(0, KEY_WINDOW))
}

/**
 * True when the candidate mixes at least two of upper case, lower case, and digits or `/` `+`, as 30 random bytes
 * in base64 do (all three but with probability 3e-4); a 40-letter identifier or a digit run does not.
 */
function looksRandom(candidate: string): boolean {
  const upper = candidate.replace(/[^A-Z]/g, '').length
  const hasOther = /[0-9/+]/.test(candidate)
  // Letters only with few capitals is a camelCase identifier (`createDefaultCredentialsProviderChainFor`).
  if (!hasOther && upper <= candidate.length / 5) return false
  return Number(upper > 0) + Number(/[a-z]/.test(candidate)) + Number(hasOther) >= 2
}

function checkAwsSecret(match: RegExpExecArray, text: string, context: DetectorContext): Span | undefined {
  // The context first: most candidates are paths and identifiers with no AWS word near them, and it costs less.
  const before = text.slice(Math.max(0, match.index - CONTEXT_WINDOW), match.index)
  const inContext = namesAwsSecret(before) || ACCESS_KEY_ID.test(before) || (context.key !== undefined && keyNamesAwsSecret(context.key))
  if (!inContext) return undefined
  const candidate = match[0]
  if (HEX_ONLY.test(candidate) || !looksRandom(candidate) || isPlaceholder(candidate)) return undefined
  return { start: match.index, end: match.index + KEY_LENGTH }
}

/** Whether `code` is one of `[A-Za-z0-9/+]`. */
function isKeyChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 47 && code <= 57) || code === 43
}

/** Whether `code` is one of `[A-Za-z0-9/+_-]`, the characters the pattern's lookarounds refuse around a candidate. */
function isRunChar(code: number): boolean {
  return isKeyChar(code) || code === 95 || code === 45
}

/**
 * The precondition: what every candidate is, with no regex: a maximal run of `[A-Za-z0-9/+_-]` (the characters
 * the pattern's lookarounds refuse on either side) exactly KEY_LENGTH long, with no `_` or `-` in it and no `=`
 * after it. Like mayHoldEncodedRun (decode.ts) it looks at every KEY_LENGTH-th character only, and at the run
 * around it when that is a run character: every run of KEY_LENGTH holds one of the characters looked at (after a
 * run ending at e, the next look is at e + KEY_LENGTH). Most strings are shorter than 40 and cost one comparison;
 * prose costs a fraction of a pass, and a path or sentence whose runs are longer is refused without the pattern.
 */
function hasKeyLengthRun(text: string): boolean {
  const length = text.length
  for (let look = KEY_LENGTH - 1; look < length; ) {
    if (!isRunChar(text.charCodeAt(look))) {
      look += KEY_LENGTH
      continue
    }
    let start = look
    while (start > 0 && isRunChar(text.charCodeAt(start - 1))) start -= 1
    let end = look + 1
    while (end < length && isRunChar(text.charCodeAt(end))) end += 1
    if (end - start === KEY_LENGTH && text.charCodeAt(end) !== 61) {
      let pure = true
      for (let i = start; i < end && pure; i += 1) pure = isKeyChar(text.charCodeAt(i))
      if (pure) return true
    }
    look = end + KEY_LENGTH
  }
  return false
}

/**
 * Detects AWS secret access keys (`AWS_SECRET_KEY`), only with AWS context before them or in the member name.
 *
 * @example
 * awsSecretKeyDetector.find(`aws_secret_access_key = ${secret}`) // → [{ start: 24, end: 64 }]
 * awsSecretKeyDetector.find(secret, { key: 'SecretAccessKey' }) // → [{ start: 0, end: 40 }]
 * awsSecretKeyDetector.find(`commit ${sha1}`) // → []
 */
export const awsSecretKeyDetector: Detector = createRegexDetector({
  type: 'AWS_SECRET_KEY',
  pattern: AWS_SECRET_CANDIDATE,
  check: checkAwsSecret,
  // A candidate run, and its context: the word `secret` or an access key id in the text, or the member name.
  mayContain: createPrecondition([
    { minRun: KEY_LENGTH, anyWord: ['secret'], confirm: hasKeyLengthRun },
    { minRun: KEY_LENGTH, anyOf: ['AKIA', 'ASIA'], confirm: hasKeyLengthRun },
    { minRun: KEY_LENGTH, key: keyNamesAwsSecret, confirm: hasKeyLengthRun },
  ]),
})
