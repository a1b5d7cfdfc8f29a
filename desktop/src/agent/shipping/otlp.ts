/**
 * desktop/src/agent/shipping/otlp.ts — audit entries as an OTLP/HTTP JSON logs request (ExportLogsServiceRequest),
 * for collectors and SIEM pipelines that take OpenTelemetry logs; signed checkpoints follow as log records of their own.
 */
import { peekCheckpoint, type SignedCheckpoint } from '@mcp-warden/core'

/** One chained entry of the audit log, as parsed from its line. */
export type ChainedEntry = Readonly<Record<string, unknown>> & { readonly seq: number; readonly hash: string }

interface OtlpAttribute {
  readonly key: string
  readonly value: { readonly stringValue: string } | { readonly intValue: string }
}

function attribute(key: string, value: unknown): OtlpAttribute[] {
  if (typeof value === 'string') return [{ key, value: { stringValue: value } }]
  if (typeof value === 'number' && Number.isInteger(value)) return [{ key, value: { intValue: String(value) } }]
  return []
}

/**
 * Maps entries to an OTLP logs request: one LogRecord each, `body` the line as written, the record id, seq, hash,
 * decision, outcome, server, tool and user as attributes, severity WARN for a denial and INFO otherwise.
 *
 * @example
 * await fetch(url, { method: 'POST', body: JSON.stringify(toOtlpLogs(entries, { 'service.instance.id': agentId })) })
 */
export function toOtlpLogs(entries: readonly ChainedEntry[], resource: Readonly<Record<string, string>>, checkpoints: readonly SignedCheckpoint[] = []): unknown {
  const logRecords = entries.map((entry) => {
    const time = typeof entry.time === 'string' ? Date.parse(entry.time) : Number.NaN
    const identity = entry.identity as { subject?: unknown; email?: unknown } | null | undefined
    const deny = entry.decision === 'deny'
    return {
      timeUnixNano: Number.isNaN(time) ? '0' : `${BigInt(time) * 1_000_000n}`,
      severityNumber: deny ? 13 : 9,
      severityText: deny ? 'WARN' : 'INFO',
      body: { stringValue: JSON.stringify(entry) },
      attributes: [
        ...attribute('mcp_warden.record.id', entry.id),
        ...attribute('mcp_warden.seq', entry.seq),
        ...attribute('mcp_warden.hash', entry.hash),
        ...attribute('mcp_warden.kind', entry.kind),
        ...attribute('mcp_warden.decision', entry.decision),
        ...attribute('mcp_warden.outcome', entry.outcome),
        ...attribute('mcp_warden.code', entry.code),
        ...attribute('mcp_warden.server', entry.server),
        ...attribute('mcp_warden.tool', entry.target),
        ...attribute('mcp_warden.method', entry.method),
        ...attribute('enduser.id', identity?.subject),
        ...attribute('mcp_warden.event', entry.event),
      ],
    }
  })
  // A checkpoint: body the `{ jws, key }` object as JSON, its claims (unverified: the collector verifies) as attributes.
  for (const checkpoint of checkpoints) {
    const claims = peekCheckpoint(checkpoint)
    logRecords.push({
      timeUnixNano: claims === undefined ? '0' : `${BigInt(Date.parse(claims.time)) * 1_000_000n}`,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: JSON.stringify(checkpoint) },
      attributes: [
        ...attribute('mcp_warden.event', 'checkpoint'),
        ...attribute('mcp_warden.seq', claims?.seq),
        ...attribute('mcp_warden.hash', claims?.hash),
        ...attribute('mcp_warden.checkpoint.kid', checkpoint.key.kid),
      ],
    })
  }
  return {
    resourceLogs: [
      {
        resource: { attributes: Object.entries(resource).map(([key, value]) => ({ key, value: { stringValue: value } })) },
        scopeLogs: [{ scope: { name: 'mcp-warden.audit' }, logRecords }],
      },
    ],
  }
}
