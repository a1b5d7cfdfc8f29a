/**
 * desktop/src/installers/clients/cursor.ts — Cursor: `~/.cursor/mcp.json`, `mcpServers` of `{command, args, env}` or
 * `{url, headers}` entries (the project file `.cursor/mcp.json` is not handled).
 */
import { joinFor, topLevelMap, type ClientDefinition } from './client-definition.js'

export const cursor: ClientDefinition = {
  id: 'cursor',
  label: 'Cursor',
  configPath: (context) => joinFor(context.platform, context.homeDir, '.cursor', 'mcp.json'),
  serverMaps: topLevelMap('mcpServers'),
  urlKey: 'url',
  type: 'optional',
  restart: 'Restart Cursor (or reload its MCP servers in Settings → MCP)',
}
