/**
 * shared/src/policy/subject-matcher.ts — who a rule applies to.
 *
 * Email addresses decide access only when the IdP has not said they are unverified (`emailVerified !== false`,
 * from OIDC Core 1.0 §5.1 `email_verified`): some IdPs let users set an arbitrary address, and matching on it would
 * let anyone claim a colleague's address or the company domain. `users` compares the subject or the (verified) email
 * exactly; `emails` and `emailDomains` compare case-insensitively; `groups` and `claims` compare exactly. A missing
 * identity matches no rule, not even `anyone: true`.
 */
import type { Identity } from '../pipeline/types.js'
import type { PolicySubjects } from './policy-schema.js'

/** Decides whether a rule's subjects include an identity. */
export type SubjectMatcher = (identity: Identity) => boolean

interface EmailFacts {
  /** The email as given, when it may be trusted. */
  readonly email: string | undefined
  readonly lowerEmail: string | undefined
  /** Lower-cased part after the last "@". */
  readonly domain: string | undefined
}

// Identities are built once per session and reused for every message; lower-casing once per identity keeps the
// hot path free of string allocations.
const emailFactsCache = new WeakMap<Identity, EmailFacts>()

/**
 * Compiles the `subjects` of a rule.
 *
 * @example compileSubjects({ emailDomains: ['example.com'] })({ ...identity, email: 'a@Example.com' }) === true
 */
export function compileSubjects(spec: PolicySubjects): SubjectMatcher {
  if (spec.anyone === true) return () => true
  const users = new Set(spec.users ?? [])
  const emails = new Set((spec.emails ?? []).map((email) => email.toLowerCase()))
  const domains = new Set((spec.emailDomains ?? []).map((domain) => domain.toLowerCase()))
  const groups = new Set(spec.groups ?? [])
  const claims = Object.entries(spec.claims ?? {}).map(([name, values]) => [name, new Set(values)] as const)
  return (identity) => {
    if (users.has(identity.subject)) return true
    if (users.size + emails.size + domains.size > 0) {
      const facts = emailFactsOf(identity)
      if (facts.email !== undefined && users.has(facts.email)) return true
      if (facts.lowerEmail !== undefined && emails.has(facts.lowerEmail)) return true
      if (facts.domain !== undefined && domains.has(facts.domain)) return true
    }
    // Plain loops: this runs for every candidate rule, and callbacks would allocate a closure each time.
    if (groups.size > 0) for (const group of identity.groups) if (groups.has(group)) return true
    for (const [name, accepted] of claims) if (claimMatches(identity, name, accepted)) return true
    return false
  }
}

function emailFactsOf(identity: Identity): EmailFacts {
  let facts = emailFactsCache.get(identity)
  if (facts === undefined) {
    facts = computeEmailFacts(identity)
    emailFactsCache.set(identity, facts)
  }
  return facts
}

function computeEmailFacts(identity: Identity): EmailFacts {
  const email = identity.email
  if (typeof email !== 'string' || email === '' || identity.emailVerified === false) {
    return { email: undefined, lowerEmail: undefined, domain: undefined }
  }
  const lowerEmail = email.toLowerCase()
  const at = lowerEmail.lastIndexOf('@')
  return { email, lowerEmail, domain: at === -1 ? undefined : lowerEmail.slice(at + 1) }
}

function claimMatches(identity: Identity, name: string, accepted: ReadonlySet<string>): boolean {
  const claims = identity.claims
  if (!Object.hasOwn(claims, name)) return false
  const value = claims[name]
  if (typeof value === 'string') return accepted.has(value)
  return Array.isArray(value) && value.some((element) => typeof element === 'string' && accepted.has(element))
}
