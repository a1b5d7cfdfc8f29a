/**
 * desktop/src/installers/jsonc-text.ts — reading and editing a host config as text: JSON with comments and
 * trailing commas, parsed with positions, changed by targeted edits (jsonc-parser's `modify`) so comments,
 * formatting, key order and everything Warden does not touch stay as they were.
 */
import { isDeepStrictEqual } from 'node:util'
import { applyEdits, findNodeAtLocation, modify, parseTree, printParseErrorCode, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser'
import { WardenError } from '@mcp-warden/core'
import { isObject } from './clients/client-definition.js'

export interface ParsedConfig {
  readonly root: Readonly<Record<string, unknown>>
  readonly tree: Node | undefined
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 }
}

/**
 * Parses a config. An empty file counts as `{}`.
 *
 * @throws WardenError ERR_CLIENT_CONFIG (`details.reason: 'malformed'`) naming the file, line and column.
 */
export function parseConfig(text: string, path: string): ParsedConfig {
  if (text.trim() === '') return { root: {}, tree: undefined }
  const errors: ParseError[] = []
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false })
  const first = errors[0]
  if (first !== undefined) {
    const { line, column } = lineAndColumn(text, first.offset)
    throw new WardenError(
      'ERR_CLIENT_CONFIG',
      `${path} is not valid JSON at line ${line}, column ${column} (${printParseErrorCode(first.error)}). MCP Warden left it unchanged: fix it in a text editor, then try again.`,
      { details: { reason: 'malformed', line, column } },
    )
  }
  const root: unknown = tree === undefined ? {} : nodeValue(tree)
  if (!isObject(root)) {
    throw new WardenError('ERR_CLIENT_CONFIG', `${path} does not hold a JSON object at the top level. MCP Warden left it unchanged.`, {
      details: { reason: 'malformed', line: 1, column: 1 },
    })
  }
  return { root, tree }
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries((node.children ?? []).map((property) => [property.children?.[0]?.value as string, property.children?.[1] === undefined ? undefined : nodeValue(property.children[1])]))
    case 'array':
      return (node.children ?? []).map(nodeValue)
    default:
      return node.value
  }
}

/** The indentation and line ending the file already uses, for the lines Warden writes. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const indents = text.split(/\r?\n/).map((line) => /^[ \t]+/.exec(line)?.[0]).filter((indent): indent is string => indent !== undefined)
  if (indents.some((indent) => indent.startsWith('\t'))) return { insertSpaces: false, tabSize: 1, eol }
  const size = Math.min(...indents.map((indent) => indent.length))
  return { insertSpaces: true, tabSize: Number.isFinite(size) && size > 0 && size <= 8 ? size : 2, eol }
}

/** `text` with the entry at `path` turned from `current` into `desired`, one property at a time. */
export function rewriteEntry(text: string, path: JSONPath, current: Readonly<Record<string, unknown>>, desired: Readonly<Record<string, unknown>>): string {
  const formattingOptions = formattingOf(text)
  let next = text
  for (const key of Object.keys(current)) {
    if (!(key in desired)) next = applyEdits(next, modify(next, [...path, key], undefined, { formattingOptions }))
  }
  for (const [key, value] of Object.entries(desired)) {
    if (!isDeepStrictEqual(current[key], value)) next = applyEdits(next, modify(next, [...path, key], value, { formattingOptions }))
  }
  return next
}

/** The source text of the value at `path` (an entry exactly as written, comments inside included). */
export function sourceAt(text: string, tree: Node | undefined, path: JSONPath): string | undefined {
  const node = tree === undefined ? undefined : findNodeAtLocation(tree, path)
  return node === undefined ? undefined : text.slice(node.offset, node.offset + node.length)
}

/** `text` with the value at `path` replaced by `source` verbatim (restoring an entry exactly as it was written). */
export function replaceSource(text: string, path: JSONPath, source: string): string | undefined {
  const node = findNodeAtLocation(parseTree(text, [], { allowTrailingComma: true }) as Node, path)
  if (node === undefined) return undefined
  return text.slice(0, node.offset) + source + text.slice(node.offset + node.length)
}
