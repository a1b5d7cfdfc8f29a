/**
 * shared/src/policy/path-under.ts — the `pathUnder` argument condition: a file path inside an allowed directory.
 *
 * The argument is checked as a POSIX path. Anything ambiguous is refused rather than interpreted: a non-string, a NUL
 * byte, a backslash, a relative path, a percent escape (`%2e`, `%2f`: some servers decode them, some do not) and any
 * character that Unicode compatibility normalisation (NFKC) would change (a fullwidth solidus or dot becomes `/` or
 * `.` in a server that normalises). The path is then NFC-normalised; the lexical check resolves its `.` and `..`
 * segments as text.
 *
 * For a stdio server (it runs on this machine, on this file system) the path is also resolved on disk: the longest
 * prefix that exists is passed through `realpath`, the rest appended. A dangling symlink, or any error other than
 * "does not exist" (EACCES, ELOOP, ENOTDIR), refuses the path. The allowed directory is resolved the same way, and
 * the result must be that directory or inside it, segment-wise (`/a/docs2` is not inside `/a/docs`). Remote servers
 * get the lexical check only: their file system is not ours to look at.
 */
import { lstatSync, realpathSync } from 'node:fs'
import { posix } from 'node:path'

/** Where the server runs: `stdio` servers share this machine's file system, others do not. */
export type PathCheckMode = 'resolved' | 'lexical'

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/

/**
 * The path as given, NFC-normalised, when it is acceptable at all (see the file comment); undefined when refused.
 *
 * @example acceptablePath('/srv/a/../b') === '/srv/a/../b'; acceptablePath('/srv/%2e%2e/etc') === undefined
 */
export function acceptablePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined
  if (value.includes('\0') || value.includes('\\') || PERCENT_ESCAPE.test(value)) return undefined
  const nfc = value.normalize('NFC')
  if (nfc.normalize('NFKC') !== nfc) return undefined
  return posix.isAbsolute(nfc) ? nfc : undefined
}

/**
 * Normalises a path lexically: NFC, `.` and `..` resolved, no trailing slash. Undefined when the path is refused.
 *
 * @example lexicalPath('/srv/a/../b/') === '/srv/b'; lexicalPath('/srv/%2e%2e/etc') === undefined
 */
export function lexicalPath(value: unknown): string | undefined {
  const path = acceptablePath(value)
  return path === undefined ? undefined : posix.resolve(path)
}

/**
 * The real path of `path` (absolute): the longest existing prefix through `realpath`, then the rest. `..` inside
 * the existing prefix is resolved physically, as the kernel does (`/a/link/..` is the parent of the link's target,
 * not `/a`); a `.` or `..` in the missing rest refuses the path. Undefined when it cannot be resolved safely.
 *
 * @example resolveExisting('/tmp/x/new-file.txt') === '/private/tmp/x/new-file.txt' // on macOS
 */
export function resolveExisting(path: string): string | undefined {
  const rest: string[] = []
  let current = path
  for (;;) {
    try {
      const real = realpathSync.native(current)
      return rest.length === 0 ? real : posix.join(real, ...rest.reverse())
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined
    }
    // ENOENT: either the entry is missing (go up) or it is a symlink whose target is missing (refuse: creating
    // the file would create it wherever the link points).
    if (entryExists(current)) return undefined
    const parent = posix.dirname(current)
    const name = posix.basename(current)
    // A dot segment after a missing entry has no kernel meaning to follow; refuse rather than guess.
    if (parent === current || name === '..' || name === '.') return undefined
    rest.push(name)
    current = parent
  }
}

function entryExists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

/**
 * A test for values inside `directory`, checked on disk (`resolved`) or lexically.
 *
 * @example pathUnderTest('/home/me/docs', 'lexical')('/home/me/docs/a.txt') === true
 */
export function pathUnderTest(directory: string, mode: PathCheckMode): (value: unknown) => boolean {
  const base = lexicalPath(directory)
  return (value) => {
    const path = acceptablePath(value)
    if (base === undefined || path === undefined) return false
    if (mode === 'lexical') return isInside(posix.resolve(path), base)
    // Servers differ: the kernel resolves `..` after following a link, many servers (path.resolve first) before it.
    // Both readings must stay inside.
    const realBase = resolveExisting(base)
    if (realBase === undefined) return false
    return [path, posix.resolve(path)].every((candidate) => {
      const real = resolveExisting(candidate)
      return real !== undefined && isInside(real, realBase)
    })
  }
}

function isInside(path: string, base: string): boolean {
  if (path === base) return true
  return path.startsWith(base.endsWith('/') ? base : `${base}/`)
}
