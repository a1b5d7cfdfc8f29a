/**
 * desktop/src/installers/clients/claude-desktop.ts — Claude Desktop: `claude_desktop_config.json`, `mcpServers` of
 * stdio entries `{command, args?, env?}`. Remote servers are added in the app's Connectors settings, not this file.
 */
import { appData, joinFor, topLevelMap, xdgConfig, type ClientDefinition } from './client-definition.js'

export const claudeDesktop: ClientDefinition = {
  id: 'claude-desktop',
  label: 'Claude Desktop',
  configPath(context) {
    const file = 'claude_desktop_config.json'
    if (context.platform === 'darwin') return joinFor('darwin', context.homeDir, 'Library', 'Application Support', 'Claude', file)
    if (context.platform === 'win32') return joinFor('win32', appData(context), 'Claude', file)
    // Community Linux builds (Electron's userData under $XDG_CONFIG_HOME).
    return joinFor(context.platform, xdgConfig(context), 'Claude', file)
  },
  serverMaps: topLevelMap('mcpServers'),
  urlKey: 'url',
  type: 'none',
  remoteUnsupported: 'Claude Desktop does not launch remote servers from this file (add them under Settings → Connectors); left unchanged',
  restart: 'Quit and reopen Claude Desktop',
}
