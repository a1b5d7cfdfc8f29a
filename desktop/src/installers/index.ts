/**
 * desktop/src/installers/index.ts — "Protect my clients": detect MCP hosts' configs, plan and apply rewriting their
 * server entries through `mcp-warden proxy` (and back), and the stable launcher shim those entries run.
 * Used by `mcp-warden install`/`uninstall`/`clients` and by the desktop app (docs/installers.md).
 */
import type { ClientInstallers } from './client-config.js'
import { detectClients } from './detect-clients.js'
import { planChange } from './plan-change.js'

/**
 * The installers as the CLI and the app call them.
 *
 * @example
 * const reports = await clientInstallers.detectClients(context)
 * const prepared = await clientInstallers.planChange(context, 'claude-desktop', 'install')
 */
export const clientInstallers: ClientInstallers = { detectClients, planChange }

export { detectClients } from './detect-clients.js'
export { planChange } from './plan-change.js'
export { defaultInstallerContext } from './installer-context.js'
export { launcherShimPath, launcherShimState, shimLauncher, writeLauncherShim, type LauncherTarget } from './launcher-shim.js'
export { CLIENTS } from './clients/index.js'
export type { ClientDefinition, PathContext } from './clients/index.js'
