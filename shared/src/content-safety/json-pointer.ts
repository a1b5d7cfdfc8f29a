/**
 * shared/src/content-safety/json-pointer.ts — JSON Pointers (RFC 6901), the way findings name where they were.
 */

/**
 * Escapes one reference token (RFC 6901 §3): `~` → `~0` first, then `/` → `~1`, so `a/b~c` → `a~1b~0c`.
 *
 * @example
 * escapePointerToken('a/b~c') // → 'a~1b~0c'
 */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * Builds a pointer from reference tokens; no tokens is the whole document (`''`).
 *
 * @example
 * formatJsonPointer(['users', '0', 'e/mail']) // → '/users/0/e~1mail'
 */
export function formatJsonPointer(tokens: readonly string[]): string {
  let pointer = ''
  for (const token of tokens) pointer += `/${escapePointerToken(token)}`
  return pointer
}

/**
 * Splits a pointer into unescaped reference tokens (RFC 6901 §4: `~1` → `/` first, then `~0` → `~`). Throws
 * TypeError for a string that is not a pointer (non-empty without a leading `/`, or a `~` not followed by 0 or 1);
 * the message leaves the pointer out, since member names can hold the very data being protected.
 *
 * @example
 * parseJsonPointer('/users/0/e~1mail') // → ['users', '0', 'e/mail']
 */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/') || /~(?![01])/.test(pointer)) throw new TypeError('a path is not a JSON pointer (RFC 6901)')
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}
