/**
 * shared/src/policy/parse-policy.ts — loads a policy document from JSON or YAML text.
 *
 * Every problem is reported at once with its location (`rules[2].subjects: …`), as an `ERR_CONFIG_INVALID`
 * WardenError whose `details.problems` lists them. Duplicate keys are errors in both formats: a reader of the
 * document must see exactly what is enforced.
 */
import { parseDocument } from 'yaml'
import { WardenError } from '../errors.js'
import { compilePolicy } from './compile-policy.js'
import type { CompiledPolicy } from './compiled-policy.js'
import { formatPath } from './format-path.js'
import { duplicateJsonKeys } from './json-duplicate-keys.js'
import { PolicySchema } from './policy-schema.js'

/** The text formats of policy documents. */
export type PolicyFormat = 'json' | 'yaml'

type Read = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: string[] }

const MAX_DEPTH = 32

/**
 * Parses, validates and compiles a policy document. Without `format`, text starting with `{` is read as JSON and
 * anything else as YAML 1.2.
 *
 * @example
 * const policy = parsePolicy(readFileSync('policy.yaml', 'utf8'), 'yaml')
 * @throws WardenError `ERR_CONFIG_INVALID` listing every problem; TypeError on misuse.
 */
export function parsePolicy(text: string, format?: PolicyFormat): CompiledPolicy {
  if (typeof text !== 'string') throw new TypeError('parsePolicy: text must be a string')
  if (format !== undefined && format !== 'json' && format !== 'yaml') {
    throw new TypeError('parsePolicy: format must be "json" or "yaml"')
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  const read = (format ?? detectFormat(body)) === 'json' ? readJson(body) : readYaml(body)
  if (!read.ok) throw invalid(read.problems)
  const reserved: string[] = []
  findReservedKeys(read.value, [], reserved)
  if (reserved.length > 0) throw invalid(reserved)
  const result = PolicySchema.safeParse(read.value)
  if (!result.success) throw invalid(result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`))
  return compilePolicy(result.data)
}

function detectFormat(text: string): PolicyFormat {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml'
}

function readJson(text: string): Read {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, problems: [`(document): not valid JSON: ${messageOf(error)}`] }
  }
  const duplicates = duplicateJsonKeys(text)
  return duplicates.length > 0 ? { ok: false, problems: duplicates } : { ok: true, value }
}

function readYaml(text: string): Read {
  // YAML 1.2 core schema: no implicit dates, "yes"/"no" stay strings, no merge keys; duplicate keys are errors.
  const document = parseDocument(text, { version: '1.2', uniqueKeys: true, strict: true, prettyErrors: true })
  const problems = [...document.errors, ...document.warnings].map((problem) => `(document): ${firstLine(problem.message)}`)
  if (problems.length > 0) return { ok: false, problems }
  try {
    // The alias limit stops "billion laughs" documents from expanding without bound.
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) }
  } catch (error) {
    return { ok: false, problems: [`(document): ${messageOf(error)}`] }
  }
}

/**
 * `__proto__` cannot be a key: zod drops it from records without a word (it would otherwise set the prototype),
 * so a condition or claim under that name would silently vanish and widen a rule.
 */
function findReservedKeys(value: unknown, path: readonly (string | number)[], problems: string[]): void {
  if (typeof value !== 'object' || value === null) return
  if (path.length > MAX_DEPTH) {
    problems.push(`${formatPath(path)}: nested too deeply`)
    return
  }
  if (Object.hasOwn(value, '__proto__')) problems.push(`${formatPath(path)}: "__proto__" is not allowed as a key`)
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value)
  for (const [key, child] of entries) findReservedKeys(child, [...path, key], problems)
}

function invalid(problems: readonly string[]): WardenError {
  return new WardenError(
    'ERR_CONFIG_INVALID',
    `The policy document is invalid; fix these problems and load it again:\n- ${problems.join('\n- ')}`,
    { details: { problems: [...problems] } },
  )
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '')
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
