/**
 * shared/src/policy/format-path.ts — where in a policy document a problem is, as people write it.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * Formats a path into a document: `rules[2].subjects`, `costs["fs/write_file"]`; the root is `(document)`.
 *
 * @example formatPath(['rules', 2, 'subjects']) === 'rules[2].subjects'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(String(segment))}]`
  }
  return text === '' ? '(document)' : text
}
