/**
 * shared/src/policy/diff-policies.ts — which (subject, tool) pairs a new policy revision grants or removes.
 *
 * Method. Subjects are either the people given (`options.people`, e.g. from a directory export) or, by default,
 * one representative per subject selector found in either revision's rules: `anyone` (a signed-in person with no
 * listed attribute), `user:<v>`, `email:<v>`, `domain:<d>` (someone@d), `group:<g>`, `claim:<name>=<v>`; each
 * representative has only that one attribute. Tools are the `<server>/<tool>` pairs named in either revision (rule
 * server × tool patterns, `approvedTools` entries); a pattern such as `read_*` stands for itself, so it answers for
 * tools it names literally and for the pattern as a whole.
 *
 * A pair is granted when the person could use the tool at all: an allow rule applies (its `when` conditions
 * aside), no unconditional deny rule does (as `mayList` decides), the server passes `serverAllowList` by name, and
 * on a server pinned in `approvedTools` the tool is approved. A change of an approved hash is reported separately.
 */
import type { Identity } from '../pipeline/types.js'
import type { CompiledPolicy } from './compiled-policy.js'
import { mayList } from './may-list.js'
import type { PolicyDocument, PolicySubjects } from './policy-schema.js'

/** Someone the diff is about: a label for the report and the identity evaluated. */
export interface DiffSubject {
  readonly label: string
  readonly identity: Identity
}

/** One (subject, server, tool) pair. */
export interface GrantPair {
  readonly subject: string
  readonly server: string
  readonly tool: string
}

/** An approval whose hash was added, removed or changed. */
export interface ApprovalChange {
  readonly server: string
  readonly tool: string
  readonly before: string | undefined
  readonly after: string | undefined
}

/** What `diffPolicies` reports: pairs in subject order, then by server and tool. */
export interface PolicyDiff {
  readonly granted: readonly GrantPair[]
  readonly removed: readonly GrantPair[]
  readonly approvals: readonly ApprovalChange[]
}

/**
 * Compares two revisions.
 *
 * @example const { granted, removed } = diffPolicies(parsePolicy(oldText), parsePolicy(newText))
 */
export function diffPolicies(before: CompiledPolicy, after: CompiledPolicy, options: { readonly people?: readonly DiffSubject[] } = {}): PolicyDiff {
  const subjects = options.people ?? representatives([before.document, after.document])
  const targets = namedTools([before.document, after.document])
  const granted: GrantPair[] = []
  const removed: GrantPair[] = []
  for (const subject of subjects) {
    for (const [server, tool] of targets) {
      const was = grants(before, subject.identity, server, tool)
      const is = grants(after, subject.identity, server, tool)
      if (was !== is) (is ? granted : removed).push({ subject: subject.label, server, tool })
    }
  }
  return { granted, removed, approvals: approvalChanges(before.document, after.document) }
}

function grants(policy: CompiledPolicy, identity: Identity, server: string, tool: string): boolean {
  const document = policy.document
  if (document.serverAllowList !== undefined && !document.serverAllowList.some((entry) => entry.name === server)) return false
  const pins = document.approvedTools?.filter((entry) => entry.server === server) ?? []
  if (pins.length > 0 && !pins.some((entry) => entry.tool === tool)) return false
  return mayList(policy, identity, server, 'tool', tool)
}

function person(fields: Partial<Identity>): Identity {
  return { issuer: '(diff)', subject: '(someone)', groups: [], claims: {}, ...fields }
}

function representatives(documents: readonly PolicyDocument[]): DiffSubject[] {
  const found = new Map<string, Identity>([['anyone', person({})]])
  const add = (subjects: PolicySubjects): void => {
    for (const user of subjects.users ?? []) found.set(`user:${user}`, person(user.includes('@') ? { subject: user, email: user, emailVerified: true } : { subject: user }))
    for (const email of subjects.emails ?? []) found.set(`email:${email}`, person({ email, emailVerified: true }))
    for (const domain of subjects.emailDomains ?? []) found.set(`domain:${domain}`, person({ email: `someone@${domain}`, emailVerified: true }))
    for (const group of subjects.groups ?? []) found.set(`group:${group}`, person({ groups: [group] }))
    for (const [claim, values] of Object.entries(subjects.claims ?? {})) {
      for (const value of values) found.set(`claim:${claim}=${value}`, person({ claims: { [claim]: value } }))
    }
  }
  for (const document of documents) for (const rule of document.rules) add(rule.subjects)
  return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, identity]) => ({ label, identity }))
}

function namedTools(documents: readonly PolicyDocument[]): [string, string][] {
  const pairs = new Map<string, [string, string]>()
  for (const document of documents) {
    for (const rule of document.rules) for (const server of rule.servers) for (const tool of rule.tools ?? []) pairs.set(JSON.stringify([server, tool]), [server, tool])
    for (const entry of document.approvedTools ?? []) pairs.set(JSON.stringify([entry.server, entry.tool]), [entry.server, entry.tool])
  }
  return [...pairs.keys()].sort().map((key) => pairs.get(key) as [string, string])
}

function approvalChanges(before: PolicyDocument, after: PolicyDocument): ApprovalChange[] {
  const index = (document: PolicyDocument): Map<string, string> =>
    new Map((document.approvedTools ?? []).map((entry) => [JSON.stringify([entry.server, entry.tool]), entry.sha256]))
  const was = index(before)
  const is = index(after)
  const changes: ApprovalChange[] = []
  for (const key of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    if (was.get(key) === is.get(key)) continue
    const [server, tool] = JSON.parse(key) as [string, string]
    changes.push({ server, tool, before: was.get(key), after: is.get(key) })
  }
  return changes
}
