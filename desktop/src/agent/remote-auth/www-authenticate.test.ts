import { describe, expect, it } from 'vitest'
import { parseBearerChallenge } from './www-authenticate.js'

const PRM = 'https://crm.example.com/.well-known/oauth-protected-resource/mcp'

describe('parseBearerChallenge', () => {
  it.each([
    [`Bearer resource_metadata="${PRM}"`, { resourceMetadata: PRM }],
    [`Bearer error="invalid_token", resource_metadata="${PRM}", scope="files:read files:write"`, { resourceMetadata: PRM, error: 'invalid_token', scope: 'files:read files:write' }],
    [`bearer RESOURCE_METADATA="${PRM}"`, { resourceMetadata: PRM }],
    [`Bearer resource_metadata=${PRM},error=invalid_token`, { resourceMetadata: PRM, error: 'invalid_token' }],
    [`DPoP algs="ES256 PS256", Bearer realm="crm", resource_metadata="${PRM}"`, { resourceMetadata: PRM }],
    [`Basic abc==, Bearer resource_metadata="${PRM}"`, { resourceMetadata: PRM }],
    [`Newauth title="say \\"resource_metadata=x\\"", Bearer scope="a\\\\b"`, { scope: 'a\\b' }],
    ['Bearer', {}],
  ])('reads %s', (header, expected) => {
    expect(parseBearerChallenge(header)).toEqual({ resourceMetadata: undefined, scope: undefined, error: undefined, ...expected })
  })

  it('finds no Bearer challenge in other schemes, in parameters of other schemes, or in no header', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined()
    expect(parseBearerChallenge(`DPoP resource_metadata="${PRM}"`)).toBeUndefined()
    expect(parseBearerChallenge('Basic realm="Bearer resource_metadata=x"')).toBeUndefined()
    expect(parseBearerChallenge(null)).toBeUndefined()
    expect(parseBearerChallenge('')).toBeUndefined()
  })

  it('keeps the first of a repeated parameter and stops at an unterminated quote', () => {
    expect(parseBearerChallenge('Bearer scope="a", scope="b"')?.scope).toBe('a')
    expect(parseBearerChallenge('Bearer error="x", scope="a, b')).toEqual({ resourceMetadata: undefined, scope: undefined, error: 'x' })
  })
})
