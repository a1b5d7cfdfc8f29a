/**
 * test/helpers/audit-collector.ts — an organisation's audit collector, as docs/audit.md tells one to behave, on
 * HTTPS on 127.0.0.1 with a self-signed certificate made by `openssl` for the test (trusted by the CLI processes
 * through NODE_EXTRA_CA_CERTS). It accepts only an access token from the IdP whose audience is its URL, verifies
 * every checkpoint with the key it carries and pins the first key id per user, keeps records as received
 * (duplicates included) and reports checkpoints that received records contradict (a log rewritten after them).
 *
 * @example
 * const collector = await startAuditCollector({ dir, issuer: idp.issuer })
 * await collector.down() // connections refused
 * await collector.up('unavailable') // 503 for every batch
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { verifyCheckpoint, type CheckpointClaims, type SignedCheckpoint } from '../../shared/src/index.js'

/** A record or log event as shipped: the entry with its place in the chain. */
export type ShippedEntry = Record<string, unknown> & { readonly id?: string; readonly seq: number; readonly hash: string }

export interface AuditCollector {
  readonly url: string
  /** The PEM certificate to trust (NODE_EXTRA_CA_CERTS). */
  readonly caFile: string
  /** Every entry received in an accepted batch, in order of arrival, duplicates included. */
  readonly received: ShippedEntry[]
  /** Every checkpoint received, verified, with the subject of the token it came with. */
  readonly checkpoints: Array<{ readonly kid: string; readonly claims: CheckpointClaims; readonly subject: string }>
  /** Batches refused, and why (`unavailable`, `token: …`, `checkpoint: …`, `key: …`). */
  readonly refusals: string[]
  /** Checkpoints that a received entry contradicts: the same `seq` with another hash. */
  conflicts(): Array<{ readonly seq: number; readonly checkpointed: string; readonly received: string }>
  /** Stops listening and drops connections: the agent's requests are refused. */
  down(): Promise<void>
  /** Listens again on the same port; `unavailable` answers 503 to every batch until `up('ok')`. */
  up(state?: 'ok' | 'unavailable'): Promise<void>
  stop(): Promise<void>
}

function selfSignedCertificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'collector-key.pem')
  const cert = join(dir, 'collector-cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' })
  return { key, cert }
}

/** Starts the collector on a free port of 127.0.0.1; its certificate and key are written to `dir`. */
export async function startAuditCollector(options: { dir: string; issuer: string }): Promise<AuditCollector> {
  const files = selfSignedCertificate(options.dir)
  const discovery = (await (await fetch(new URL('.well-known/openid-configuration', `${options.issuer.replace(/\/?$/, '/')}`))).json()) as { jwks_uri: string }
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri))
  const received: ShippedEntry[] = []
  const checkpoints: AuditCollector['checkpoints'] = []
  const refusals: string[] = []
  const pinned = new Map<string, string>()
  let state: 'ok' | 'unavailable' = 'ok'
  let url = ''

  async function accept(authorization: string | undefined, text: string): Promise<number> {
    if (state === 'unavailable') {
      refusals.push('unavailable')
      return 503
    }
    let subject: string
    try {
      const { payload } = await jwtVerify((authorization ?? '').replace(/^Bearer /, ''), jwks, { issuer: options.issuer, audience: url })
      subject = payload.sub as string
    } catch (error) {
      refusals.push(`token: ${(error as Error).message}`)
      return 401
    }
    const body = JSON.parse(text) as { records: ShippedEntry[]; checkpoints: SignedCheckpoint[] }
    const verified: Array<{ kid: string; claims: CheckpointClaims }> = []
    for (const checkpoint of body.checkpoints) {
      try {
        verified.push(await verifyCheckpoint(checkpoint))
      } catch (error) {
        refusals.push(`checkpoint: ${(error as Error).message}`)
        return 400
      }
    }
    for (const { kid } of verified) {
      // Trust on first use: the first key a user's device signs with is the one expected from then on.
      if (!pinned.has(subject)) pinned.set(subject, kid)
      if (pinned.get(subject) !== kid) {
        refusals.push(`key: ${kid} is not the pinned key of ${subject}`)
        return 400
      }
    }
    received.push(...body.records)
    checkpoints.push(...verified.map((checkpoint) => ({ ...checkpoint, subject })))
    return 200
  }

  const server: Server = createServer({ key: readFileSync(files.key), cert: readFileSync(files.cert) }, (request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      void accept(request.headers.authorization, Buffer.concat(chunks).toString('utf8')).then((status) => response.writeHead(status).end())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  url = `https://127.0.0.1:${port}/audit`
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      server.closeAllConnections()
    })

  return {
    url,
    caFile: files.cert,
    received,
    checkpoints,
    refusals,
    conflicts() {
      return checkpoints.flatMap(({ claims }) =>
        received.filter((entry) => entry.seq === claims.seq && entry.hash !== claims.hash).map((entry) => ({ seq: claims.seq, checkpointed: claims.hash, received: entry.hash })),
      )
    },
    down: close,
    async up(next = 'ok') {
      state = next
      if (!server.listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    },
    stop: close,
  }
}
