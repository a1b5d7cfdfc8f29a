/**
 * desktop/src/installers/clients/claude-code.ts — Claude Code: `~/.claude.json`, the user's top-level `mcpServers`
 * and each project's `projects[<absolute path>].mcpServers`; stdio `{type?: "stdio", command, args, env}`, remote
 * `{type: "http" | "sse", url, headers}`. A repository's shared `.mcp.json` is not handled.
 */
import { isObject, joinFor, type ClientDefinition, type ServerMap } from './client-definition.js'

export const claudeCode: ClientDefinition = {
  id: 'claude-code',
  label: 'Claude Code',
  configPath: (context) => joinFor(context.platform, context.homeDir, '.claude.json'),
  serverMaps(root) {
    const maps: ServerMap[] = isObject(root['mcpServers']) ? [{ path: ['mcpServers'] }] : []
    const projects = root['projects']
    if (!isObject(projects)) return maps
    for (const [project, settings] of Object.entries(projects)) {
      if (isObject(settings) && isObject(settings['mcpServers'])) maps.push({ path: ['projects', project, 'mcpServers'], scope: project })
    }
    return maps
  },
  urlKey: 'url',
  type: 'optional',
  restart: 'Start new Claude Code sessions (or run /mcp to reconnect)',
}
