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

/** Where a value sits in the text. */
export interface TextRange {
  readonly offset: number
  readonly length: number
}

/** The range of the value at `path` in the parsed text. */
export function rangeAt(tree: Node | undefined, path: JSONPath): TextRange | undefined {
  const node = tree === undefined ? undefined : findNodeAtLocation(tree, path)
  return node === undefined ? undefined : { offset: node.offset, length: node.length }
}

/**
 * The new source of the entry at `range`, turned from `current` into `desired` one property at a time. The entry is
 * edited on its own (one small parse per property, not one of the whole file), preceded by its line's indentation so
 * that new lines are indented as they would be in place.
 */
export function rewriteEntrySource(text: string, range: TextRange, change: { current: Readonly<Record<string, unknown>>; desired: Readonly<Record<string, unknown>> }, formattingOptions: FormattingOptions): string {
  const lineStart = text.lastIndexOf('\n', range.offset - 1) + 1
  const indent = /^[ \t]*/.exec(text.slice(lineStart, range.offset))?.[0] ?? ''
  let source = indent + text.slice(range.offset, range.offset + range.length)
  const { current, desired } = change
  for (const key of Object.keys(current)) {
    if (!(key in desired)) source = applyEdits(source, modify(source, [key], undefined, { formattingOptions }))
  }
  for (const [key, value] of Object.entries(desired)) {
    if (!isDeepStrictEqual(current[key], value)) source = applyEdits(source, modify(source, [key], value, { formattingOptions }))
  }
  return source.slice(indent.length)
}

/** `text` with each range replaced by its new source (ranges do not overlap). */
export function replaceRanges(text: string, replacements: readonly (TextRange & { readonly source: string })[]): string {
  let next = text
  for (const { offset, length, source } of [...replacements].sort((a, b) => b.offset - a.offset)) {
    next = next.slice(0, offset) + source + next.slice(offset + length)
  }
  return next
}
