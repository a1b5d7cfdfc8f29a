/**
 * desktop/src/agent/policy/central-policy-source.ts — the organisation's signed policy, as the agent keeps it:
 * fetched from the settings' URL with the user's access token, verified against the settings' keys, cached on
 * disk, polled with ETag / If-None-Match, retried with exponential backoff and jitter, and reported stale once the
 * source has not confirmed it for longer than the administrator's maximum staleness.
 *
 * Rules: a bundle with a bad signature, an unknown key, an older revision than the highest accepted (rollback) or
 * past its expiry is refused and the last good one stays in force. Only a 200 with a valid bundle or a 304 for the
 * bundle in force counts as a successful check.
 */
import { createPolicyBundleVerifier, isWardenError, type PolicyBundleVerifier, type VerifiedPolicyBundle } from '@mcp-warden/core'
import type { JWK } from 'jose'
import type { PolicySnapshot } from '../protocol/schemas.js'
import { readPolicyCache, writePolicyCache } from './policy-cache.js'

/** What happened, for the agent's log. Never carries a token or the policy text. */
export type PolicySourceEvent =
  | { readonly kind: 'loaded-cache'; readonly revision: number }
  | { readonly kind: 'cache-ignored'; readonly message: string }
  | { readonly kind: 'accepted'; readonly revision: number; readonly previous: number | undefined }
  | { readonly kind: 'rejected'; readonly reason: string; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string; readonly retryInMs: number }
  | { readonly kind: 'cache-write-failed'; readonly message: string }

/** The result of one check. */
export type PolicyCheck = 'accepted' | 'unchanged' | 'rejected' | 'unreachable'

export interface CentralPolicySourceOptions {
  /** Where the bundle is published (any static HTTPS host). */
  readonly url: string
  /** The organisation's public keys (settings `policy.signingKeys`). */
  readonly signingKeys: readonly JWK[]
  /** After this long without a successful check, the snapshot is stale and proxies refuse calls. */
  readonly maxStalenessSeconds: number
  /** The user's access token for the policy URL (an audience-bound token from the session). */
  readonly accessToken: () => Promise<string>
  /** The last good bundle on disk (0600). */
  readonly cacheFile: string
  /** Between successful checks, ±10 % jitter. Default 300 000 (5 min). */
  readonly pollIntervalMs?: number | undefined
  /** First retry after a failure; doubles up to `retryMaxMs`, with jitter. Defaults 2 000 and the poll interval. */
  readonly retryMinMs?: number | undefined
  readonly retryMaxMs?: number | undefined
  /** One request, token included. Default 10 000. */
  readonly requestTimeoutMs?: number | undefined
  /** How long a first `snapshot()` waits for the first check when nothing is cached. Default 3 000. */
  readonly firstCheckWaitMs?: number | undefined
  readonly fetch?: typeof fetch | undefined
  /** Wall clock, milliseconds since the epoch (bundle expiry and staleness are wall-clock facts). */
  readonly now?: (() => number) | undefined
  /** In [0, 1); jitter. */
  readonly random?: (() => number) | undefined
  readonly onEvent?: ((event: PolicySourceEvent) => void) | undefined
}

export interface CentralPolicySource {
  /** Loads the cache and starts polling (the first check at once). Idempotent; resolves once the cache is loaded. */
  start(): Promise<void>
  /**
   * The policy in force and whether it may still be used (starts the source if needed). Waits for the cache, and
   * briefly for a first check when nothing is cached.
   */
  snapshot(): Promise<PolicySnapshot>
  /** Checks the source now (shares a check already running). */
  checkNow(): Promise<PolicyCheck>
  /** Stops polling. */
  close(): void
}

const MAX_BODY_CHARS = 4 * 1024 * 1024

interface InForce {
  readonly verified: VerifiedPolicyBundle
  readonly bundle: string
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback
  if (!Number.isFinite(result) || result <= 0) throw new TypeError(`createCentralPolicySource: options.${name} must be a positive number`)
  return result
}

/**
 * @example
 * const source = createCentralPolicySource({ url, signingKeys, maxStalenessSeconds: 3600, cacheFile,
 *   accessToken: async () => (await session.upstreamToken(url)).token })
 * source.start()
 * const { revision, policyText, stale } = await source.snapshot()
 * @throws TypeError on bad options.
 */
export function createCentralPolicySource(options: CentralPolicySourceOptions): CentralPolicySource {
  if (typeof options?.url !== 'string' || !URL.canParse(options.url)) throw new TypeError('createCentralPolicySource: options.url must be an absolute URL')
  if (typeof options.accessToken !== 'function') throw new TypeError('createCentralPolicySource: options.accessToken must be a function')
  if (typeof options.cacheFile !== 'string' || options.cacheFile === '') throw new TypeError('createCentralPolicySource: options.cacheFile must be a path')
  if (!Number.isFinite(options.maxStalenessSeconds) || options.maxStalenessSeconds < 0) throw new TypeError('createCentralPolicySource: options.maxStalenessSeconds must be a number ≥ 0')
  const pollIntervalMs = positive(options.pollIntervalMs, 300_000, 'pollIntervalMs')
  const retryMinMs = positive(options.retryMinMs, 2_000, 'retryMinMs')
  const retryMaxMs = positive(options.retryMaxMs, pollIntervalMs, 'retryMaxMs')
  const requestTimeoutMs = positive(options.requestTimeoutMs, 10_000, 'requestTimeoutMs')
  const firstCheckWaitMs = positive(options.firstCheckWaitMs, 3_000, 'firstCheckWaitMs')
  const fetchImpl = options.fetch ?? fetch
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const emit = options.onEvent ?? (() => undefined)
  const nowSeconds = (): number => Math.floor(now() / 1000)

  let verifier: Promise<PolicyBundleVerifier> | undefined
  let inForce: InForce | undefined
  let etag: string | undefined
  let checkedAt: number | undefined
  /** The highest revision ever accepted (or seen in an expired cache): older ones are a rollback. */
  let floor: number | undefined
  let failures = 0
  let ready: Promise<void> | undefined
  let firstCheck: Promise<unknown> | undefined
  let checking: Promise<PolicyCheck> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const getVerifier = (): Promise<PolicyBundleVerifier> => (verifier ??= createPolicyBundleVerifier(options.signingKeys))

  async function loadCache(): Promise<void> {
    let entry
    try {
      entry = await readPolicyCache(options.cacheFile)
    } catch (error) {
      emit({ kind: 'cache-ignored', message: (error as Error).message })
      return
    }
    if (entry === undefined) return
    try {
      const verified = await (await getVerifier()).verify(entry.bundle, { now: nowSeconds() })
      inForce = { verified, bundle: entry.bundle }
      etag = entry.etag
      checkedAt = entry.checkedAt
      floor = verified.revision
      emit({ kind: 'loaded-cache', revision: verified.revision })
    } catch (error) {
      if (!isWardenError(error)) throw error
      // An expired bundle was once accepted: its revision stays the floor. Anything else is not trusted at all.
      if (error.details?.['reason'] === 'expired') floor = error.details['revision'] as number
      emit({ kind: 'cache-ignored', message: `the cached policy bundle was not used: ${error.message}` })
    }
  }

  async function check(): Promise<PolicyCheck> {
    let response: Response
    try {
      const token = await options.accessToken()
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/jose, text/plain;q=0.5' }
      if (inForce !== undefined && etag !== undefined) headers['if-none-match'] = etag
      response = await fetchImpl(options.url, { headers, redirect: 'error', signal: AbortSignal.timeout(requestTimeoutMs) })
    } catch (error) {
      return unreachable(isWardenError(error) ? `${error.code}: ${error.message}` : `the request failed (${(error as Error).name})`)
    }
    if (response.status === 304 && inForce !== undefined) {
      checkedAt = nowSeconds()
      await save()
      return 'unchanged'
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      return unreachable(`the policy URL answered HTTP ${response.status}`)
    }
    const body = await response.text().catch(() => undefined)
    if (body === undefined) return unreachable('the response body could not be read')
    if (body.length > MAX_BODY_CHARS) return rejected('too-large', 'the response is larger than a policy bundle may be')
    let verified: VerifiedPolicyBundle
    try {
      verified = await (await getVerifier()).verify(body, { minRevision: floor, now: nowSeconds() })
    } catch (error) {
      if (!isWardenError(error)) throw error
      return rejected(String(error.details?.['reason']), error.message)
    }
    const previous = inForce?.verified.revision
    inForce = { verified, bundle: body.trim() }
    etag = response.headers.get('etag') ?? undefined
    checkedAt = nowSeconds()
    floor = Math.max(floor ?? 0, verified.revision)
    failures = 0
    await save()
    if (previous === verified.revision) return 'unchanged'
    emit({ kind: 'accepted', revision: verified.revision, previous })
    return 'accepted'
  }

  function unreachable(message: string): PolicyCheck {
    failures += 1
    emit({ kind: 'unreachable', message, retryInMs: nextDelay() })
    return 'unreachable'
  }

  function rejected(reason: string, message: string): PolicyCheck {
    failures += 1
    emit({ kind: 'rejected', reason, message })
    return 'rejected'
  }

  async function save(): Promise<void> {
    failures = 0
    if (inForce === undefined || checkedAt === undefined) return
    try {
      await writePolicyCache(options.cacheFile, { bundle: inForce.bundle, etag, checkedAt })
    } catch (error) {
      emit({ kind: 'cache-write-failed', message: (error as Error).message })
    }
  }

  /** After a success: the poll interval ±10 %. After n failures: retryMin·2^(n-1), capped, with half of it jittered. */
  function nextDelay(): number {
    if (failures === 0) return Math.round(pollIntervalMs * (0.9 + 0.2 * random()))
    const base = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(failures - 1, 30))
    return Math.round(base / 2 + (base / 2) * random())
  }

  /** Loads the cache once and starts polling; resolves once the cache is loaded. */
  function start(): Promise<void> {
    if (ready !== undefined) return ready
    ready = loadCache()
    // Without a cached policy, the first answers wait (briefly) for this first check.
    firstCheck = ready.then(() => checkNow()).catch(() => 'unreachable' as const)
    void firstCheck.then(() => schedule(nextDelay()))
    return ready
  }

  function checkNow(): Promise<PolicyCheck> {
    checking ??= start()
      .then(check)
      .finally(() => (checking = undefined))
    return checking
  }

  function schedule(delay: number): void {
    if (closed) return
    timer = setTimeout(() => {
      void checkNow()
        .catch(() => 'unreachable' as const)
        .then(() => schedule(nextDelay()))
    }, delay)
    timer.unref()
  }

  return {
    start,
    async snapshot() {
      await start()
      if (inForce === undefined && firstCheck !== undefined) {
        let waited: NodeJS.Timeout | undefined
        await Promise.race([firstCheck, new Promise((resolve) => (waited = setTimeout(resolve, firstCheckWaitMs)))])
        clearTimeout(waited)
      }
      return snapshotNow()
    },
    checkNow,
    close() {
      closed = true
      clearTimeout(timer)
    },
  }

  function snapshotNow(): PolicySnapshot {
    if (inForce === undefined) return { revision: null, policyText: null, checkedAt: checkedAt ?? null, expiresAt: null, stale: true, reason: 'never-fetched' }
    const { verified } = inForce
    const base = { revision: verified.revision, policyText: verified.policyText, checkedAt: checkedAt ?? null, expiresAt: verified.expiresAt }
    const at = nowSeconds()
    if (at >= verified.expiresAt) return { ...base, stale: true, reason: 'expired' }
    if (checkedAt === undefined || at - checkedAt > options.maxStalenessSeconds) return { ...base, stale: true, reason: 'unreachable' }
    return { ...base, stale: false }
  }
}
