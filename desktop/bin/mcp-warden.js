#!/usr/bin/env node
// The `mcp-warden` launcher: plain Node (or Electron's Node with ELECTRON_RUN_AS_NODE=1). Never imports Electron.
import { runCli } from '../dist/cli/cli.js'

process.exitCode = await runCli()
