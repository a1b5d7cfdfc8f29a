// The benchmark's baseline: our own bridge with zero stages, over the same stdio transports as the proxy.
// Usage: node bare-relay.mjs COMMAND [ARGS...]
import { createBridge, filterServerEnvironment, NdjsonStreamTransport, StdioChildTransport } from '@mcp-warden/sdk'

const [command, ...args] = process.argv.slice(2)
const bridge = createBridge({
  client: new NdjsonStreamTransport({ input: process.stdin, output: process.stdout }),
  server: new StdioChildTransport({ command, args, env: filterServerEnvironment(process.env), stderr: 'inherit' }),
})
await bridge.start()
const closedBy = await bridge.closed
process.exit(closedBy === 'client' ? 0 : 1)
