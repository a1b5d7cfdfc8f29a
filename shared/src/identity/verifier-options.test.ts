import { describe, expect, it } from 'vitest'
import { createTokenVerifier } from './token-verifier.js'
import type { TokenVerifierOptions } from './verifier-options.js'

const BASE = { issuer: 'https://id.example.com', audience: 'mcp-warden' }

describe('createTokenVerifier options', () => {
  const misuse: { name: string; options: Record<string, unknown>; message: string }[] = [
    { name: 'alg none', options: { algorithms: ['RS256', 'none'] }, message: '"algorithms" must not include "none": unsigned and HMAC-signed tokens are never accepted' },
    { name: 'HS256', options: { algorithms: ['HS256'] }, message: '"algorithms" must not include "HS256": unsigned and HMAC-signed tokens are never accepted' },
    { name: 'HS512', options: { algorithms: ['ES256', 'HS512'] }, message: '"algorithms" must not include "HS512": unsigned and HMAC-signed tokens are never accepted' },
    { name: 'an unknown algorithm', options: { algorithms: ['XS256'] }, message: '"algorithms" may only include RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519' },
    { name: 'no algorithms', options: { algorithms: [] }, message: '"algorithms" must be a non-empty array' },
    { name: 'an http issuer that is not loopback', options: { issuer: 'http://id.example.com' }, message: '"issuer" must be an https URL (http is allowed only for a loopback address)' },
    { name: 'an issuer that is not a URL', options: { issuer: 'id.example.com' }, message: '"issuer" must be an absolute URL' },
    { name: 'an issuer with a query', options: { issuer: 'https://id.example.com/?tenant=a' }, message: '"issuer" must not have a query or fragment' },
    { name: 'an empty audience', options: { audience: '' }, message: '"audience" must be a non-empty string or a non-empty array of non-empty strings' },
    { name: 'an empty audience list', options: { audience: [] }, message: '"audience" must be a non-empty string or a non-empty array of non-empty strings' },
    { name: 'an http jwksUri for an https issuer', options: { jwksUri: 'http://id.example.com/jwks' }, message: '"jwksUri" must be an https URL (http is allowed only when the issuer is a loopback address)' },
    { name: 'a negative clock tolerance', options: { clockToleranceSeconds: -1 }, message: '"clockToleranceSeconds" must be a non-negative number' },
    { name: 'a fractional cache size', options: { cacheSize: 1.5 }, message: '"cacheSize" must be a non-negative integer' },
    { name: 'an empty groups claim name', options: { claimsMapping: { groups: '' } }, message: '"claimsMapping.groups" must be a non-empty string' },
    { name: 'a fetch that is not a function', options: { fetch: 'fetch' }, message: '"fetch" must be a function' },
  ]
  it.each(misuse)('throws TypeError for $name', ({ options, message }) => {
    expect(() => createTokenVerifier({ ...BASE, ...options } as unknown as TokenVerifierOptions)).toThrow(new TypeError(message))
  })

  it.each([
    { issuer: 'http://127.0.0.1:4000', jwksUri: 'http://127.0.0.1:4000/jwks' },
    { issuer: 'http://localhost:4000/realms/dev' },
    { issuer: 'https://id.example.com', audience: ['a', 'b'], algorithms: ['ES384'], clockToleranceSeconds: 0, cacheSize: 0 },
  ])('accepts %j', (options) => {
    expect(typeof createTokenVerifier({ ...BASE, ...options }).verify).toBe('function')
  })
})
