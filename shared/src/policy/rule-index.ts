/**
 * shared/src/policy/rule-index.ts — rules indexed by exact server and target name.
 *
 * A rule is filed under every exact server name it lists (or under "any server" when one of its server patterns
 * has a wildcard), and within that under every exact target name, or, for a wildcard target pattern, under the
 * pattern's literal head (`get-` for `get-*`). A lookup visits the exact list for the name and the head lists for
 * the name's prefixes, in the exact server's bucket and in the "any server" bucket: a few short lists, each in
 * document order, instead of every rule. A rule may be met more than once; the matcher tolerates that.
 */
import type { CompiledRule, RuleEntry, RuleIndex, ServerBucket, TargetBucket, TargetKind } from './compiled-policy.js'
import type { Glob } from './glob.js'

const TARGET_KINDS: readonly TargetKind[] = ['tool', 'prompt', 'resource']

/**
 * Builds the index of rules given in document order.
 *
 * @example buildRuleIndex(rules).byServer.get('fs')?.tool.exact.get('read_file')
 */
export function buildRuleIndex(rules: readonly CompiledRule[]): RuleIndex {
  const byServer = new Map<string, ServerBucket>()
  const anyServer = emptyServerBucket()
  for (const rule of rules) {
    let wildcardServer = false
    for (const server of rule.servers) {
      if (server.literal === undefined) {
        wildcardServer = true
        continue
      }
      let bucket = byServer.get(server.literal)
      if (bucket === undefined) byServer.set(server.literal, (bucket = emptyServerBucket()))
      fileRule(bucket, rule, false)
    }
    // A `*` server pattern matches every server, so there is nothing left to check for it.
    if (wildcardServer) fileRule(anyServer, rule, !rule.servers.some((server) => server.source === '*'))
  }
  return { byServer, anyServer }
}

function emptyServerBucket(): ServerBucket {
  const target = (): TargetBucket => ({ exact: new Map(), byHead: new Map(), headLengths: [] })
  return { tool: target(), prompt: target(), resource: target() }
}

function fileRule(bucket: ServerBucket, rule: CompiledRule, checkServer: boolean): void {
  for (const kind of TARGET_KINDS) {
    const target = bucket[kind]
    for (const pattern of rule.targets[kind] ?? []) {
      if (pattern.literal !== undefined) {
        append(target.exact, pattern.head, { rule, pattern: undefined, checkServer })
      } else if (append(target.byHead, pattern.head, { rule, pattern, checkServer })) {
        addLength(target.headLengths, pattern.head.length)
      }
    }
  }
}

/** Appends an entry, skipping a repeat of the last one; true when the list is new. */
function append(lists: Map<string, RuleEntry[]>, key: string, entry: RuleEntry): boolean {
  const list = lists.get(key)
  if (list === undefined) {
    lists.set(key, [entry])
    return true
  }
  const last = list[list.length - 1]
  if (last?.rule !== entry.rule || !samePattern(last.pattern, entry.pattern)) list.push(entry)
  return false
}

function samePattern(a: Glob | undefined, b: Glob | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.source === b.source)
}

function addLength(lengths: number[], length: number): void {
  if (lengths.includes(length)) return
  lengths.push(length)
  lengths.sort((a, b) => a - b)
}
