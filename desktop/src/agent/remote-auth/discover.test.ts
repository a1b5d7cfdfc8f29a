import { describe, expect, it } from 'vitest'
import { discoverServerAuthorization } from './discover.js'

const RESOURCE = 'https://wiki.example.com/mcp'
const AS = 'https://auth.example.com'
const AS_METADATA = {
  issuer: AS,
  authorization_endpoint: `${AS}/authorize`,
  token_endpoint: `${AS}/token`,
  registration_endpoint: `${AS}/register`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
}

type Routes = Record<string, { status?: number; headers?: Record<string, string>; body?: unknown }>

/** A fake fetch answering from `routes` by URL (method ignored) and recording what was asked for. */
function fakeFetch(routes: Routes): { fetch: (url: string | URL) => Promise<Response>; asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    fetch: async (url) => {
      const href = String(url)
      asked.push(href)
      const route = routes[href]
      if (route === undefined) return new Response('not found', { status: 404 })
      return new Response(route.body === undefined ? null : JSON.stringify(route.body), { status: route.status ?? 200, headers: { 'content-type': 'application/json', ...route.headers } })
    },
  }
}

const metadataFor = (resource: string, extra: object = {}): object => ({ resource, authorization_servers: [AS], ...extra })

describe('discoverServerAuthorization', () => {
  it('follows the resource_metadata of the 401 and takes the scope of the challenge', async () => {
    const prm = 'https://wiki.example.com/meta/wiki'
    const { fetch, asked } = fakeFetch({
      [RESOURCE]: { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", resource_metadata="${prm}", scope="wiki:read"` } },
      [prm]: { body: metadataFor(RESOURCE, { scopes_supported: ['wiki:read', 'wiki:write'] }) },
      [`${AS}/.well-known/oauth-authorization-server`]: { body: AS_METADATA },
    })
    const found = await discoverServerAuthorization(RESOURCE, { fetch })
    expect(found).toMatchObject({ resource: RESOURCE, issuer: AS, scope: 'wiki:read', metadata: { token_endpoint: `${AS}/token` } })
    expect(asked).toEqual([RESOURCE, prm, `${AS}/.well-known/oauth-authorization-server`])
  })

  it('without a challenge, tries the path-suffixed well-known, then the root one; scopes_supported gives the scope', async () => {
    const suffixed = 'https://wiki.example.com/.well-known/oauth-protected-resource/mcp'
    const root = 'https://wiki.example.com/.well-known/oauth-protected-resource'
    const first = fakeFetch({ [suffixed]: { body: metadataFor(RESOURCE, { scopes_supported: ['a', 'b'] }) }, [`${AS}/.well-known/oauth-authorization-server`]: { body: AS_METADATA } })
    expect(await discoverServerAuthorization(RESOURCE, { fetch: first.fetch })).toMatchObject({ issuer: AS, scope: 'a b' })
    expect(first.asked.slice(0, 2)).toEqual([RESOURCE, suffixed])

    const second = fakeFetch({ [root]: { body: metadataFor(RESOURCE) }, [`${AS}/.well-known/openid-configuration`]: { body: { ...AS_METADATA, jwks_uri: `${AS}/jwks`, subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] } } })
    expect(await discoverServerAuthorization(RESOURCE, { fetch: second.fetch })).toMatchObject({ issuer: AS, scope: undefined })
    expect(second.asked.slice(0, 3)).toEqual([RESOURCE, suffixed, root])
  })

  it.each([
    ['no protected-resource metadata', {}, 'publishes no usable protected-resource metadata'],
    ['metadata for another resource', { meta: metadataFor('https://evil.example.com/mcp') }, 'is for another resource (https://evil.example.com/mcp)'],
    ['no authorization server', { meta: { resource: RESOURCE } }, 'names no authorization server'],
    ['no authorization server metadata', { meta: metadataFor(RESOURCE), as: null }, 'publishes no metadata'],
    ['another issuer in the metadata', { meta: metadataFor(RESOURCE), as: { ...AS_METADATA, issuer: 'https://evil.example.com' } }, 'names another issuer'],
    ['a token endpoint without https', { meta: metadataFor(RESOURCE), as: { ...AS_METADATA, token_endpoint: 'http://auth.example.com/token' } }, 'endpoints that do not use https'],
    ['no S256', { meta: metadataFor(RESOURCE), as: { ...AS_METADATA, code_challenge_methods_supported: ['plain'] } }, 'does not offer PKCE with S256'],
    ['no PKCE advertised at all', { meta: metadataFor(RESOURCE), as: { ...AS_METADATA, code_challenge_methods_supported: undefined } }, 'does not offer PKCE with S256'],
  ])('refuses %s', async (_name, setup: { meta?: object; as?: object | null }, message) => {
    const routes: Routes = {}
    if (setup.meta !== undefined) routes['https://wiki.example.com/.well-known/oauth-protected-resource/mcp'] = { body: setup.meta }
    if (setup.as !== undefined && setup.as !== null) routes[`${AS}/.well-known/oauth-authorization-server`] = { body: setup.as }
    await expect(discoverServerAuthorization(RESOURCE, { fetch: fakeFetch(routes).fetch })).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      details: { reason: 'authorization-discovery' },
      message: expect.stringContaining(message),
    })
  })

  it('says the server did not answer when it cannot be reached', async () => {
    const fetch = async (): Promise<Response> => {
      throw new TypeError('fetch failed')
    }
    await expect(discoverServerAuthorization(RESOURCE, { fetch })).rejects.toMatchObject({ code: 'ERR_UPSTREAM_UNAVAILABLE', message: expect.stringContaining('the server did not answer') })
  })
})
