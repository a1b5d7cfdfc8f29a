import { describe, expect, it } from 'vitest'
import { claimsToIdentity } from './claims-to-identity.js'

const NAMES = { groupsClaim: 'groups', emailClaim: 'email' }
const BASE = { iss: 'https://id.example.com', sub: 'alice', exp: 2_000_000_000 }

describe('claimsToIdentity', () => {
  it.each([
    { groups: ['eng', 'ops'], expected: ['eng', 'ops'] },
    { groups: 'eng', expected: ['eng'] },
    { groups: undefined, expected: [] },
    { groups: ['eng', 7], expected: [] },
    { groups: { eng: true }, expected: [] },
    { groups: 42, expected: [] },
  ])('maps groups $groups to $expected', ({ groups, expected }) => {
    expect(claimsToIdentity({ ...BASE, groups }, NAMES)?.groups).toEqual(expected)
  })

  it('reads groups and email from the configured claims', () => {
    const identity = claimsToIdentity({ ...BASE, roles: ['admin'], upn: 'alice@corp.example', email: 'other@example.com' }, { groupsClaim: 'roles', emailClaim: 'upn' })
    expect(identity).toMatchObject({ groups: ['admin'], email: 'alice@corp.example' })
  })

  it('keeps only well-typed profile claims', () => {
    const identity = claimsToIdentity({ ...BASE, email: 42, email_verified: 'yes', name: ['A'] }, NAMES)
    expect(identity).toMatchObject({ email: undefined, emailVerified: undefined, name: undefined })
  })

  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
  ])('reads email_verified %j as %s (some providers send strings)', (claim, expected) => {
    expect(claimsToIdentity({ ...BASE, email: 'a@example.com', email_verified: claim }, NAMES)?.emailVerified).toBe(expected)
  })

  it('drops claims that describe the token, keeps the ones about the person', () => {
    const payload = { ...BASE, aud: 'x', iat: 1, nbf: 1, jti: 'j', nonce: 'n', at_hash: 'h', c_hash: 'c', sid: 's', auth_time: 1, tid: 'tenant', hd: 'example.com' }
    expect(claimsToIdentity(payload, NAMES)?.claims).toEqual({ iss: BASE.iss, sub: 'alice', tid: 'tenant', hd: 'example.com' })
  })

  it.each([{ sub: undefined }, { sub: '' }, { sub: 5 }])('returns undefined without a usable subject (%j)', (claims) => {
    expect(claimsToIdentity({ ...BASE, ...claims }, NAMES)).toBeUndefined()
  })
})
