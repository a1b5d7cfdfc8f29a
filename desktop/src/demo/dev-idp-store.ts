/**
 * desktop/src/demo/dev-idp-store.ts — the development IdP's storage: plain memory, gone when it stops.
 *
 * oidc-provider's built-in memory adapter prints a "you MUST change it" warning on every start, which is
 * noise in `mcp-warden demo` and in test output; this one does the same job for one provider instance.
 * It implements the adapter contract of oidc-provider 9 (upsert/find/findByUid/findByUserCode/consume/
 * destroy/revokeByGrantId), including revocation of every token of a grant (refresh token reuse detection).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider'

interface Entry {
  readonly payload: AdapterPayload
  readonly expiresAt: number
}

/**
 * Returns an adapter factory whose instances share one store; give each provider its own factory.
 *
 * @example
 * new Provider(issuer, { adapter: createMemoryStore(() => Date.now()) })
 */
export function createMemoryStore(now: () => number = () => Date.now()): (model: string) => Adapter {
  const entries = new Map<string, Entry>()
  const index = new Map<string, string>()
  const grants = new Map<string, Set<string>>()

  const read = (key: string | undefined): AdapterPayload | undefined => {
    if (key === undefined) return undefined
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry.payload
  }

  return (model) => {
    const keyOf = (id: string): string => `${model}:${id}`
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id)
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : now() + expiresIn * 1000
        entries.set(key, { payload, expiresAt })
        if (typeof payload.grantId === 'string') {
          const members = grants.get(payload.grantId) ?? new Set<string>()
          grants.set(payload.grantId, members.add(key))
        }
        if (typeof payload.userCode === 'string') index.set(`userCode:${payload.userCode}`, key)
        if (model === 'Session' && typeof payload.uid === 'string') index.set(`uid:${payload.uid}`, key)
      },
      async find(id) {
        return read(keyOf(id))
      },
      async findByUserCode(userCode) {
        return read(index.get(`userCode:${userCode}`))
      },
      async findByUid(uid) {
        return read(index.get(`uid:${uid}`))
      },
      async consume(id) {
        const payload = read(keyOf(id))
        if (payload !== undefined) payload.consumed = Math.floor(now() / 1000)
      },
      async destroy(id) {
        entries.delete(keyOf(id))
      },
      async revokeByGrantId(grantId) {
        for (const key of grants.get(grantId) ?? []) entries.delete(key)
        grants.delete(grantId)
      },
    }
  }
}
