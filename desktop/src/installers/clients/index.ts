/**
 * desktop/src/installers/clients/index.ts — every supported MCP host, by id.
 */
import type { ClientId } from '../client-config.js'
import { claudeCode } from './claude-code.js'
import { claudeDesktop } from './claude-desktop.js'
import type { ClientDefinition } from './client-definition.js'
import { cursor } from './cursor.js'
import { vscode } from './vscode.js'
import { windsurf } from './windsurf.js'

export const CLIENTS: Readonly<Record<ClientId, ClientDefinition>> = {
  'claude-desktop': claudeDesktop,
  cursor,
  vscode,
  windsurf,
  'claude-code': claudeCode,
}

export type { ClientDefinition, PathContext, ServerMap } from './client-definition.js'
