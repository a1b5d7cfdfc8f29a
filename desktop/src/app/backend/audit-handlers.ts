/**
 * desktop/src/app/backend/audit-handlers.ts — `audit:query` (the live viewer: filters, a cursor, newest first),
 * `servers:list` (each protected server with today's calls, blocks and last decision) and the "today" totals of
 * the status screen, all from the agent's audit log.
 */
import { WardenError } from '@mcp-warden/core'
import type { AppBackendOptions, IpcAnswer, IpcRequest } from '../contract/ipc-contract.js'
import type { ClientId } from '../../installers/client-config.js'
import type { AuditIndex, IndexedEntry } from './audit-index.js'
import { installerContext } from './clients.js'

type Filter = IpcRequest<'audit:query'>['filter']

/** A governed call's decision (a tool, prompt or resource was asked for): what "calls" and "blocked" count. */
function isCallDecision(indexed: IndexedEntry): boolean {
  return indexed.entry.kind === 'decision' && indexed.entry.target !== undefined
}

function bound(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const at = Date.parse(value)
  if (Number.isNaN(at)) throw new WardenError('ERR_USAGE', `The ${name} time "${value}" is not a date: give an ISO 8601 time such as 2026-12-04T09:00:00Z.`)
  return at
}

function cursor(after: string | undefined): number {
  if (after === undefined) return 0
  if (!/^\d{1,15}$/.test(after)) throw new WardenError('ERR_USAGE', `The cursor "${after}" is not an audit entry id: pass the id of an entry this view returned.`)
  return Number(after)
}

function matcher(filter: Filter): (indexed: IndexedEntry) => boolean {
  const since = bound(filter.since, 'since')
  const until = bound(filter.until, 'until')
  return ({ entry, at }) =>
    (filter.server === undefined || entry.server === filter.server) &&
    (filter.tool === undefined || entry.target === filter.tool) &&
    (filter.decision === undefined || entry.decision === filter.decision) &&
    (since === undefined || at >= since) &&
    (until === undefined || at <= until)
}

/** Milliseconds since the epoch of the last local midnight. */
export function startOfToday(now: Date = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime()
}

/**
 * @example
 * const { entries } = await queryAudit(index, { filter: { decision: 'deny' }, limit: 50 })
 */
export async function queryAudit(index: AuditIndex, request: IpcRequest<'audit:query'>): Promise<IpcAnswer<'audit:query'>> {
  const after = cursor(request.after)
  const matches = matcher(request.filter)
  const all = await index.entries()
  const entries = []
  for (let i = all.length - 1; i >= 0 && entries.length < request.limit; i -= 1) {
    const indexed = all[i] as IndexedEntry
    if (indexed.seq <= after) break
    if (matches(indexed)) entries.push(indexed.entry)
  }
  return { entries }
}

/** Calls and blocked calls since local midnight. */
export async function todayTotals(index: AuditIndex): Promise<{ calls: number; blocked: number }> {
  const midnight = startOfToday()
  let calls = 0
  let blocked = 0
  for (const indexed of await index.entries()) {
    if (indexed.at < midnight || !isCallDecision(indexed)) continue
    calls += 1
    if (indexed.entry.decision === 'deny') blocked += 1
  }
  return { calls, blocked }
}

/** Which clients launch each server through Warden, by server name; a client that cannot be read adds nothing. */
async function protectedBy(options: AppBackendOptions): Promise<Map<string, ClientId[]>> {
  const reports = await options.installers.detectClients(installerContext(options))
  const byServer = new Map<string, ClientId[]>()
  for (const report of reports) {
    for (const server of report.servers) {
      if (!server.protected) continue
      byServer.set(server.name, [...(byServer.get(server.name) ?? []), report.client])
    }
  }
  return byServer
}

/**
 * Every server some client launches through Warden, and every server the log shows calls to today.
 *
 * @example
 * const { servers } = await listServers(index, options)
 */
export async function listServers(index: AuditIndex, options: AppBackendOptions): Promise<IpcAnswer<'servers:list'>> {
  const clients = await protectedBy(options)
  const midnight = startOfToday()
  type Row = IpcAnswer<'servers:list'>['servers'][number]
  const rows = new Map<string, Row>()
  const row = (server: string): Row => {
    const found = rows.get(server) ?? { server, clients: clients.get(server) ?? [], calls: 0, blocked: 0, last: null }
    rows.set(server, found)
    return found
  }
  for (const server of clients.keys()) row(server)
  for (const indexed of await index.entries()) {
    if (indexed.at < midnight || !isCallDecision(indexed)) continue
    const { entry } = indexed
    const found = row(entry.server)
    rows.set(entry.server, {
      ...found,
      calls: found.calls + 1,
      blocked: found.blocked + (entry.decision === 'deny' ? 1 : 0),
      last: { time: entry.time, decision: entry.decision, ...(entry.target === undefined ? {} : { target: entry.target }) },
    })
  }
  return { servers: [...rows.values()].sort((a, b) => a.server.localeCompare(b.server)) }
}
