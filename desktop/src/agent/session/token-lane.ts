/**
 * desktop/src/agent/session/token-lane.ts — one lane for everything that uses or replaces the refresh token.
 *
 * IdPs rotate refresh tokens (oidc-provider for public clients, Okta and Auth0 when configured) and treat a
 * second use of a rotated token as theft: the whole grant is revoked. So two refreshes must never run at the
 * same time with the same token. The lane runs jobs one after another, and `shared(key, job)` lets concurrent
 * callers with the same key wait for one job instead of queueing their own (single flight).
 */

export interface TokenLane {
  /** Runs `job` after every job queued before it; resolves or rejects with its result. */
  run<T>(job: () => Promise<T>): Promise<T>
  /** Like `run`, but callers with the same `key` while a job is queued or running share that one job. */
  shared<T>(key: string, job: () => Promise<T>): Promise<T>
}

/**
 * @example
 * const lane = createTokenLane()
 * const [a, b] = await Promise.all([lane.shared('id', refresh), lane.shared('id', refresh)]) // one refresh
 */
export function createTokenLane(): TokenLane {
  let tail: Promise<unknown> = Promise.resolve()
  const flights = new Map<string, Promise<unknown>>()

  const run = <T>(job: () => Promise<T>): Promise<T> => {
    const result = tail.then(job, job)
    tail = result.catch(() => undefined)
    return result
  }

  const shared = <T>(key: string, job: () => Promise<T>): Promise<T> => {
    const pending = flights.get(key)
    if (pending !== undefined) return pending as Promise<T>
    const flight = run(job).finally(() => flights.delete(key))
    flights.set(key, flight)
    return flight
  }

  return { run, shared }
}
