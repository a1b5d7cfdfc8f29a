/**
 * desktop/src/installers/clients/windsurf.ts — Windsurf: `~/.codeium/windsurf/mcp_config.json`, `mcpServers` of
 * `{command, args, env}` or remote `{serverUrl, headers}` entries.
 */
import { joinFor, topLevelMap, type ClientDefinition } from './client-definition.js'

export const windsurf: ClientDefinition = {
  id: 'windsurf',
  label: 'Windsurf',
  configPath: (context) => joinFor(context.platform, context.homeDir, '.codeium', 'windsurf', 'mcp_config.json'),
  serverMaps: topLevelMap('mcpServers'),
  urlKey: 'serverUrl',
  type: 'none',
  restart: 'Refresh the MCP servers in Windsurf (Cascade → MCP servers → Refresh)',
}
