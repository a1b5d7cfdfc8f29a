/**
 * desktop/src/installers/clients/vscode.ts — VS Code: the user `mcp.json` (JSON with comments and trailing
 * commas), `servers` of entries with a required `type` (`stdio` with command/args/env, `http`/`sse` with url/headers),
 * next to `inputs`. Workspace `.vscode/mcp.json` and the older `settings.json` key are not handled.
 */
import { appData, joinFor, topLevelMap, xdgConfig, type ClientDefinition } from './client-definition.js'

export const vscode: ClientDefinition = {
  id: 'vscode',
  label: 'VS Code',
  configPath(context) {
    if (context.platform === 'darwin') return joinFor('darwin', context.homeDir, 'Library', 'Application Support', 'Code', 'User', 'mcp.json')
    if (context.platform === 'win32') return joinFor('win32', appData(context), 'Code', 'User', 'mcp.json')
    return joinFor(context.platform, xdgConfig(context), 'Code', 'User', 'mcp.json')
  },
  serverMaps: topLevelMap('servers'),
  urlKey: 'url',
  type: 'required',
  restart: 'Restart the MCP servers in VS Code (Command Palette → "MCP: List Servers" → Restart)',
}
