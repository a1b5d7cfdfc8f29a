/**
 * shared/src/content-safety/token-vault.ts — the placeholders of reversible redaction (`tokenize`), for one session.
 *
 * `tokenize` replaces a detected value by a numbered placeholder, `[EMAIL_1]`, `[CREDIT_CARD_2]`: numbered per type,
 * from 1, in order of first appearance. The same value gets the same placeholder for the life of the vault, so a
 * server can still tell two people apart, or see that the address in one call is the one of an earlier call, while
 * never seeing the value. Placeholders that come back in a result are turned into the values again before the
 * result reaches the host (restore-placeholders.ts).
 *
 * "The same value" is decided per type, after the detector's notion of the value (`tokenKey`):
 *  - `CREDIT_CARD`, `US_SSN`: the digits only (NFKC first, so full-width digits count as ASCII ones):
 *    `4111 1111 1111 1111`, `4111-1111-1111-1111` and `4111111111111111` are one card;
 *  - `PHONE`: a leading `+` and the digits: `+1 415-555-0100` and `+14155550100` are one number (a number written
 *    without its country code is another value);
 *  - `IBAN`: letters and digits, upper-cased (the printed form groups it by four);
 *  - `EMAIL`: the domain is compared without case (DNS ignores it), the local part exactly;
 *  - `IP_ADDRESS`: without case (IPv6 hex digits);
 *  - every other type, secrets included: the exact string.
 * A key never merges two different values into one placeholder (that would hand the host the wrong value back);
 * at worst one value written two ways gets two placeholders. A placeholder restores to the value as first seen.
 *
 * Values live in this process's memory only: not in errors, not in findings, not in audit records, never logged;
 * the vault object shows only its size (JSON.stringify, util.inspect). It is bounded: past `maxEntries` values
 * (default 10,000) or `maxCharacters` stored characters (default 10,000,000), a new value gets no placeholder and
 * the caller redacts it instead (`[REDACTED:EMAIL]`, recorded as `redact`); values already in the vault keep theirs.
 */
import type { EntityType } from './entities.js'

/** Default bound on the number of values a vault holds. */
export const DEFAULT_VAULT_MAX_ENTRIES = 10_000
/** Default bound on the characters a vault holds (values and their keys). */
export const DEFAULT_VAULT_MAX_CHARACTERS = 10_000_000

/** Options of `createTokenVault`. */
export interface TokenVaultOptions {
  /** At most this many values (a positive integer); default DEFAULT_VAULT_MAX_ENTRIES. */
  readonly maxEntries?: number | undefined
  /** At most this many stored characters (a positive integer); default DEFAULT_VAULT_MAX_CHARACTERS. */
  readonly maxCharacters?: number | undefined
}

/** The placeholders of one session. Create one per proxy process or SDK session with `createTokenVault`. */
export interface TokenVault {
  /**
   * The placeholder of `value` (a detected value of `type`): the one it already has, else a new one. Undefined when
   * the value is new and the vault is full: the caller must then redact the value.
   */
  placeholderFor(type: EntityType, value: string): string | undefined
  /** The value a placeholder stands for, as first seen; undefined for a string that is not one of this vault's. */
  originalOf(placeholder: string): string | undefined
  /** How many values the vault holds. */
  readonly size: number
}

const DIGITS_ONLY = /[^\p{Nd}]/gu
const NOT_ALPHANUMERIC = /[^\p{L}\p{Nd}]/gu

/**
 * The comparison key of a detected value: equal keys are the same value (see the top of this file). Falls back to
 * the exact text when the normalised form would be empty, so two different values never share an empty key.
 *
 * @example
 * tokenKey('CREDIT_CARD', '4111 1111 1111 1111') === tokenKey('CREDIT_CARD', '4111111111111111') // → true
 */
export function tokenKey(type: EntityType, value: string): string {
  let key: string
  switch (type) {
    case 'CREDIT_CARD':
    case 'US_SSN':
      key = value.normalize('NFKC').replace(DIGITS_ONLY, '')
      break
    case 'PHONE': {
      const normalized = value.normalize('NFKC').trim()
      key = (normalized.startsWith('+') ? '+' : '') + normalized.replace(DIGITS_ONLY, '')
      break
    }
    case 'IBAN':
      key = value.normalize('NFKC').replace(NOT_ALPHANUMERIC, '').toUpperCase()
      break
    case 'EMAIL': {
      const at = value.lastIndexOf('@')
      key = at < 0 ? value : value.slice(0, at) + value.slice(at).toLowerCase()
      break
    }
    case 'IP_ADDRESS':
      key = value.toLowerCase()
      break
    default:
      key = value
  }
  return key === '' || key === '+' ? value : key
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`"${name}" must be a positive integer`)
  return value
}

/**
 * Creates an empty vault. Throws TypeError for bad options.
 *
 * @example
 * const vault = createTokenVault()
 * vault.placeholderFor('EMAIL', 'ada@example.org') // → '[EMAIL_1]'
 * vault.placeholderFor('EMAIL', 'bob@example.org') // → '[EMAIL_2]'
 * vault.placeholderFor('EMAIL', 'ada@EXAMPLE.org') // → '[EMAIL_1]'
 * vault.originalOf('[EMAIL_1]') // → 'ada@example.org'
 */
export function createTokenVault(options: TokenVaultOptions = {}): TokenVault {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const maxEntries = positiveInteger(options.maxEntries, 'maxEntries', DEFAULT_VAULT_MAX_ENTRIES)
  const maxCharacters = positiveInteger(options.maxCharacters, 'maxCharacters', DEFAULT_VAULT_MAX_CHARACTERS)
  // Private to this closure: nothing outside can list the values, and the object below has no field that holds one.
  const byKey = new Map<string, string>()
  const byPlaceholder = new Map<string, string>()
  const counters = new Map<EntityType, number>()
  let characters = 0

  const vault: TokenVault = {
    placeholderFor(type, value) {
      const key = `${type}\u0000${tokenKey(type, value)}`
      const known = byKey.get(key)
      if (known !== undefined) return known
      const cost = key.length + value.length
      if (byKey.size >= maxEntries || characters + cost > maxCharacters) return undefined
      const number = (counters.get(type) ?? 0) + 1
      counters.set(type, number)
      const placeholder = `[${type}_${number}]`
      byKey.set(key, placeholder)
      byPlaceholder.set(placeholder, value)
      characters += cost
      return placeholder
    },
    originalOf(placeholder) {
      return byPlaceholder.get(placeholder)
    },
    get size() {
      return byKey.size
    },
  }
  const summary = (): { size: number } => ({ size: byKey.size })
  Object.defineProperties(vault, {
    toJSON: { value: summary },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `TokenVault { size: ${byKey.size} }` },
  })
  return vault
}

/** True when `value` has the shape of a TokenVault (for checking options). */
export function isTokenVault(value: unknown): value is TokenVault {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<TokenVault>
  return typeof candidate.placeholderFor === 'function' && typeof candidate.originalOf === 'function' && typeof candidate.size === 'number'
}
