/**
 * desktop/src/agent/policy/policy-cache.ts — the last good policy bundle on disk, so that a restarted agent
 * enforces it before the network answers.
 *
 * One JSON file, 0600, replaced atomically (write a temporary file, then rename). Its integrity is the bundle's own
 * signature: the JWS is verified again on load, and a file that does not read or verify is reported and ignored,
 * never trusted. Only an accepted bundle is ever written, so its revision is the highest accepted: the floor for
 * rollback protection across restarts.
 */
import { chmod, readFile, rename, writeFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'

export interface PolicyCacheEntry {
  /** The compact JWS as received. */
  readonly bundle: string
  readonly etag: string | undefined
  /** Seconds since the epoch: the last successful check. */
  readonly checkedAt: number
}

const cacheSchema = z.strictObject({
  v: z.literal(1),
  bundle: z.string().min(1),
  etag: z.string().max(1024).optional(),
  checkedAt: z.number().finite().nonnegative(),
})

/** Reads the cache: `undefined` when there is none; throws (with a reason, no content) when it is unreadable. */
export async function readPolicyCache(path: string): Promise<PolicyCacheEntry | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read the policy cache ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new Error(`the policy cache ${path} is not JSON`)
  }
  const parsed = cacheSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`the policy cache ${path} is not a policy cache`)
  const { bundle, etag, checkedAt } = parsed.data
  return { bundle, etag, checkedAt }
}

/** Writes the cache atomically with mode 0600 (its directory is created 0700 if missing). */
export async function writePolicyCache(path: string, entry: PolicyCacheEntry): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify({ v: 1, ...entry })}\n`, { mode: 0o600 })
  await chmod(temporary, 0o600)
  await rename(temporary, path)
}
