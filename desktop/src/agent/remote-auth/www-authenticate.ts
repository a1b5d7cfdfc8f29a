/**
 * desktop/src/agent/remote-auth/www-authenticate.ts — reads the `Bearer` challenge of a 401 answer (RFC 9110
 * §11.6.1, RFC 6750 §3, RFC 9728 §5.1): where the server's protected-resource metadata is, and the scope it wants.
 *
 * A header may carry several challenges (`DPoP algs="ES256", Bearer resource_metadata="…"`), parameters in any
 * order and case, quoted or not, with backslash escapes; a simple regular expression gets those wrong.
 */

/** What a `Bearer` challenge says; every member is absent when the server did not send it. */
export interface BearerChallenge {
  /** RFC 9728 `resource_metadata`: the URL of the protected-resource metadata. */
  readonly resourceMetadata?: string | undefined
  readonly scope?: string | undefined
  readonly error?: string | undefined
}

interface Challenge {
  readonly scheme: string
  readonly params: Map<string, string>
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y
const SPACES = /[ \t]*/y
/** An unquoted value: a token by the grammar, but servers send bare URLs too; read up to the next comma or space. */
const BARE_VALUE = /[^\s,"]+/y

function challenges(header: string): Challenge[] {
  const found: Challenge[] = []
  let at = 0
  const skip = (pattern: RegExp): string => {
    pattern.lastIndex = at
    const match = pattern.exec(header)
    at = pattern.lastIndex
    return match?.[0] ?? ''
  }
  const quoted = (): string | undefined => {
    let value = ''
    for (at += 1; at < header.length; at += 1) {
      const c = header[at]
      if (c === '"') {
        at += 1
        return value
      }
      if (c === '\\') at += 1
      value += header[at] ?? ''
    }
    return undefined
  }
  while (at < header.length) {
    while (at < header.length && /[ \t,]/.test(header[at] ?? '')) at += 1
    const name = skip(TOKEN)
    if (name === '') return found
    skip(SPACES)
    const current = found.at(-1)
    if (header[at] === '=' && current !== undefined) {
      at += 1
      skip(SPACES)
      // token68 (`Basic abc==`): nothing we read; skip to the next comma.
      if (header[at] === '=' || header[at] === ',' || at >= header.length) {
        while (at < header.length && header[at] !== ',') at += 1
        continue
      }
      const value = header[at] === '"' ? quoted() : skip(BARE_VALUE)
      if (value === undefined) return found
      const key = name.toLowerCase()
      if (!current.params.has(key)) current.params.set(key, value)
    } else {
      found.push({ scheme: name.toLowerCase(), params: new Map() })
    }
  }
  return found
}

/**
 * The first `Bearer` challenge of a `WWW-Authenticate` header, or `undefined` when there is none.
 *
 * @example
 * parseBearerChallenge('Bearer error="invalid_token", resource_metadata="https://crm.example.com/.well-known/oauth-protected-resource/mcp"')
 * // { resourceMetadata: 'https://crm.example.com/.well-known/oauth-protected-resource/mcp', error: 'invalid_token', scope: undefined }
 */
export function parseBearerChallenge(header: string | null | undefined): BearerChallenge | undefined {
  if (header === null || header === undefined) return undefined
  const bearer = challenges(header).find((challenge) => challenge.scheme === 'bearer')
  if (bearer === undefined) return undefined
  return { resourceMetadata: bearer.params.get('resource_metadata'), scope: bearer.params.get('scope'), error: bearer.params.get('error') }
}
