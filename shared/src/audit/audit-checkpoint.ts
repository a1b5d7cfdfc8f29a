/**
 * shared/src/audit/audit-checkpoint.ts — signed checkpoints of the audit chain's head, so that a log rewritten
 * after a checkpoint is detected by whoever holds the checkpoint (the collector, and `mcp-warden audit verify`).
 *
 * A checkpoint is a compact JWS (RFC 7515), `alg: EdDSA` (Ed25519, RFC 8037), header `typ: mcp-warden-checkpoint`
 * and `kid`, payload `{ seq, file, hash, time }`: the `seq` and `hash` of the newest entry when it was made, the
 * file that entry is in, and the ISO time. It travels with the public key (`key`, a JWK whose `kid` is its
 * RFC 7638 thumbprint), so a collector can pin the key on first use; see docs/audit.md for what a collector checks.
 * The private key is per device (the agent keeps it in the OS keychain): anyone who can read that keychain can
 * sign, so a checkpoint proves the log to someone who received it earlier, not to the device's own user.
 */
import { generateKeyPairSync } from 'node:crypto'
import { calculateJwkThumbprint, CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose'

/** What a checkpoint states: the chain's head at `time`. */
export interface CheckpointClaims {
  /** `seq` of the newest entry. */
  readonly seq: number
  /** The file that holds it, `audit-YYYYMMDD-NNN.jsonl`. */
  readonly file: string
  /** Its `hash`. */
  readonly hash: string
  /** ISO 8601 UTC time of the checkpoint. */
  readonly time: string
}

/** A checkpoint as written to `checkpoints.jsonl` and shipped: the JWS and the public key that verifies it. */
export interface SignedCheckpoint {
  readonly jws: string
  /** Public Ed25519 JWK (`kty: OKP`, `crv: Ed25519`, `x`) with `kid` = its RFC 7638 thumbprint. */
  readonly key: JWK
}

/** The device's signing key: the private key and its public JWK (with `kid`). */
export interface CheckpointSigningKey {
  readonly kid: string
  readonly publicJwk: JWK
  sign(claims: CheckpointClaims): Promise<SignedCheckpoint>
}

export const CHECKPOINT_TYPE = 'mcp-warden-checkpoint'

/**
 * A new Ed25519 private key as a JWK (`kty`, `crv`, `x`, `d`), to keep in the keychain.
 *
 * @example
 * await secrets.set('audit-signing-key', JSON.stringify(generateCheckpointJwk()))
 */
export function generateCheckpointJwk(): JWK {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK
}

/** The public part of an Ed25519 JWK, with `kid` = its RFC 7638 thumbprint. */
async function publicPart(jwk: JWK): Promise<JWK> {
  const key: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string }
  return { ...key, kid: await calculateJwkThumbprint(key, 'sha256') }
}

/**
 * The signing key of a private Ed25519 JWK. Throws TypeError when the JWK is not one.
 *
 * @example
 * const key = await checkpointSigningKey(JSON.parse(await secrets.get('audit-signing-key')))
 * const checkpoint = await key.sign({ seq: 12, file: 'audit-20261204-001.jsonl', hash: 'ab…', time: new Date().toISOString() })
 */
export async function checkpointSigningKey(jwk: JWK): Promise<CheckpointSigningKey> {
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new TypeError('checkpointSigningKey: the key must be a private Ed25519 JWK (kty OKP, crv Ed25519, x, d)')
  }
  const privateKey = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, 'EdDSA')
  const publicJwk = await publicPart(jwk)
  const kid = publicJwk.kid as string
  return {
    kid,
    publicJwk,
    async sign(claims) {
      const payload = new TextEncoder().encode(JSON.stringify({ seq: claims.seq, file: claims.file, hash: claims.hash, time: claims.time }))
      const jws = await new CompactSign(payload).setProtectedHeader({ alg: 'EdDSA', typ: CHECKPOINT_TYPE, kid }).sign(privateKey)
      return { jws, key: publicJwk }
    },
  }
}

function isClaims(value: unknown): value is CheckpointClaims {
  const claims = value as Partial<CheckpointClaims> | null
  return (
    typeof claims === 'object' && claims !== null && Number.isSafeInteger(claims.seq) && typeof claims.file === 'string' &&
    typeof claims.hash === 'string' && typeof claims.time === 'string'
  )
}

/** The claims of a checkpoint read back without checking its signature (to sort and match; never to trust). */
export function peekCheckpoint(checkpoint: SignedCheckpoint): CheckpointClaims | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(checkpoint.jws.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return isClaims(claims) ? claims : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks a checkpoint as a collector must: `key` is a public Ed25519 JWK whose `kid` is its thumbprint, the
 * header names that `kid`, `alg: EdDSA` and `typ: mcp-warden-checkpoint`, the signature verifies with `key`, and
 * the payload is a checkpoint. Resolves with the claims and the `kid`; rejects with an Error saying what failed.
 * Whether the `kid` is the device's pinned key is the caller's decision.
 *
 * @example
 * const { kid, claims } = await verifyCheckpoint(body.checkpoints[0])
 */
export async function verifyCheckpoint(checkpoint: SignedCheckpoint): Promise<{ kid: string; claims: CheckpointClaims }> {
  const key = checkpoint?.key
  if (typeof checkpoint?.jws !== 'string' || key?.kty !== 'OKP' || key.crv !== 'Ed25519' || typeof key.x !== 'string' || 'd' in key) {
    throw new Error('not a checkpoint: it needs a jws and a public Ed25519 key')
  }
  const expected = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: key.x }, 'sha256')
  if (key.kid !== expected) throw new Error('the key id is not the thumbprint of the key')
  const header = decodeProtectedHeader(checkpoint.jws)
  if (header.kid !== expected || header.alg !== 'EdDSA' || header.typ !== CHECKPOINT_TYPE) throw new Error('the checkpoint header does not name this key, EdDSA and the checkpoint type')
  const { payload } = await compactVerify(checkpoint.jws, await importJWK({ kty: 'OKP', crv: 'Ed25519', x: key.x }, 'EdDSA'), { algorithms: ['EdDSA'] })
  const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
  if (!isClaims(claims)) throw new Error('the checkpoint payload is not seq, file, hash and time')
  return { kid: expected, claims }
}
