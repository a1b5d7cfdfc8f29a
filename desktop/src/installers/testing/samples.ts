/**
 * desktop/src/installers/testing/samples.ts — realistic host configs as people have them (shapes from each host's
 * documentation), and an installer context over a temporary home. Test-only: excluded from the build.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { ClientId, InstallerContext } from '../client-config.js'
import { CLIENTS } from '../clients/index.js'
import { shimLauncher } from '../launcher-shim.js'

export const CLAUDE_DESKTOP = `{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/Users/alice/Desktop",
        "/Users/alice/Downloads"
      ]
    },
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_exampleexampleexample"
      }
    }
  },
  "globalShortcut": "Ctrl+Space"
}
`

export const CURSOR = `{
  "mcpServers": {
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://localhost/mydb"]
    },
    "linear": {
      "url": "https://mcp.linear.app/mcp"
    },
    "internal-tools": {
      "url": "https://tools.internal.example.com/mcp",
      "headers": { "Authorization": "Bearer \${env:TOOLS_TOKEN}" }
    }
  }
}
`

/** VS Code's user mcp.json: comments, trailing commas, tabs, \`inputs\`, and \`type\` on every server. */
export const VSCODE = `{
\t// Servers for Copilot agent mode. See https://code.visualstudio.com/docs/copilot/chat/mcp-servers
\t"inputs": [
\t\t{
\t\t\t"type": "promptString",
\t\t\t"id": "perplexity-key",
\t\t\t"description": "Perplexity API Key",
\t\t\t"password": true,
\t\t},
\t],
\t"servers": {
\t\t"perplexity": {
\t\t\t"type": "stdio",
\t\t\t"command": "npx",
\t\t\t"args": ["-y", "server-perplexity-ask"], // the published server
\t\t\t"env": {
\t\t\t\t"PERPLEXITY_API_KEY": "\${input:perplexity-key}",
\t\t\t},
\t\t},
\t\t/* remote, no auth headers */
\t\t"fetch": {
\t\t\t"type": "http",
\t\t\t"url": "https://remote.mcpservers.org/fetch/mcp",
\t\t},
\t},
}
`

export const WINDSURF = `{
  "mcpServers": {
    "git": {
      "command": "uvx",
      "args": ["mcp-server-git", "--repository", "/home/alice/src/app"]
    },
    "context7": {
      "serverUrl": "https://mcp.context7.com/mcp"
    }
  }
}
`

export const CLAUDE_CODE = `{
  "numStartups": 42,
  "installMethod": "npm-global",
  "autoUpdates": true,
  "mcpServers": {
    "sequential-thinking": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-sequential-thinking"],
      "env": {}
    }
  },
  "projects": {
    "/home/alice/src/app": {
      "allowedTools": [],
      "mcpServers": {
        "sentry": {
          "type": "http",
          "url": "https://mcp.sentry.dev/mcp"
        },
        "db": {
          "type": "stdio",
          "command": "node",
          "args": ["/home/alice/src/app/tools/db-mcp.js"],
          "env": { "DATABASE_URL": "postgres://localhost/app" }
        }
      },
      "hasTrustDialogAccepted": true
    },
    "/home/alice/src/other": {
      "allowedTools": []
    }
  },
  "userID": "5f1c0ffee"
}
`

export const SAMPLES: Readonly<Record<ClientId, string>> = {
  'claude-desktop': CLAUDE_DESKTOP,
  cursor: CURSOR,
  vscode: VSCODE,
  windsurf: WINDSURF,
  'claude-code': CLAUDE_CODE,
}

/** A context over a fresh temporary home (Linux paths, as this machine), launching through that home's shim. */
export async function temporaryHome(): Promise<InstallerContext> {
  const homeDir = await mkdtemp(join(tmpdir(), 'warden-installers-'))
  const paths = { platform: 'linux' as const, homeDir, env: {} }
  return { ...paths, stateDir: join(homeDir, '.local', 'state', 'mcp-warden'), launcher: shimLauncher(paths) }
}

/** Writes `text` as the client's config in that home; resolves with its path. */
export async function writeConfig(context: InstallerContext, client: ClientId, text: string): Promise<string> {
  const path = CLIENTS[client].configPath(context)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
  return path
}
