/**
 * desktop/src/installers/detect-clients.ts — what each supported MCP host's config holds on this machine: found,
 * absent or broken, each server entry protected or not, entries edited since Warden wrote the file, and whether the
 * launcher protected entries run is still there.
 */
import { existsSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { isWardenError } from '@mcp-warden/core'
import { CLIENT_IDS, type ClientReport, type InstallerContext } from './client-config.js'
import { CLIENTS, type ClientDefinition } from './clients/index.js'
import { launcherShimState, shimLauncher } from './launcher-shim.js'
import { describeEntry, scanConfig, type ScannedConfig } from './scan-config.js'
import { parseProtected } from './server-entry.js'

async function launcherMissing(context: InstallerContext, scan: ScannedConfig): Promise<boolean> {
  const shim = shimLauncher(context)
  let shimUsed = false
  for (const item of scan.entries) {
    const current = item.entry === undefined ? undefined : parseProtected(item.entry)
    if (current === undefined) continue
    if (current.launcher.command === shim.command && isDeepStrictEqual(current.launcher.args, shim.args)) shimUsed = true
    else if (isAbsolute(current.launcher.command) && !existsSync(current.launcher.command)) return true
  }
  return shimUsed && (await launcherShimState(context)) !== 'ok'
}

async function detectClient(context: InstallerContext, client: ClientDefinition): Promise<ClientReport> {
  const base = { client: client.id, label: client.label, configPath: client.configPath(context) }
  let scan: ScannedConfig
  try {
    scan = await scanConfig(context, client)
  } catch (error) {
    if (!isWardenError(error)) throw error
    return { ...base, state: 'error', error: error.message, servers: [], launcherMissing: false }
  }
  if (scan.file === undefined) return { ...base, state: 'absent', servers: [], launcherMissing: false }
  return {
    ...base,
    state: 'found',
    servers: scan.entries.map((item) => describeEntry(item, client, scan.record)),
    launcherMissing: await launcherMissing(context, scan),
  }
}

/**
 * Reports every supported client; reading only.
 *
 * @example
 * for (const report of await detectClients(context)) console.log(report.label, report.state)
 */
export async function detectClients(context: InstallerContext): Promise<ClientReport[]> {
  return Promise.all(CLIENT_IDS.map((id) => detectClient(context, CLIENTS[id])))
}
