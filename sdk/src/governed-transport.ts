/**
 * sdk/src/governed-transport.ts — the governance pipeline for a custom app's `@modelcontextprotocol/sdk` Client.
 *
 * The app keeps its own transport (stdio, Streamable HTTP, …); we put the same bridge the proxy uses between
 * the Client and that transport, over an in-memory pair. So the app gets exactly the proxy's behaviour: denied
 * calls come back as tool results with `isError`, redaction happens before the server sees a value, and the
 * audit record is written for every decision.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js'
import { createBridge, type Bridge, type Governance, type Side } from './bridge.js'

export interface GovernTransportOptions extends Governance {
  readonly onError?: (error: unknown, side: Side) => void
}

/**
 * A Transport to hand to `Client.connect` in place of `inner`: every message passes the pipeline.
 *
 * @example
 * const transport = new GovernedTransport(new StdioClientTransport({ command: 'my-server' }), { pipeline, session })
 * await client.connect(transport)
 */
export class GovernedTransport implements Transport {
  readonly #local: Transport
  readonly #bridge: Bridge
  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined

  constructor(inner: Transport, options: GovernTransportOptions) {
    const [local, remote] = InMemoryTransport.createLinkedPair()
    this.#local = local
    this.#bridge = createBridge({ client: remote, server: inner, governance: options, onError: options.onError })
    local.onmessage = (message, extra) => this.onmessage?.(message, extra)
    local.onerror = (error) => this.onerror?.(error)
    local.onclose = () => this.onclose?.()
  }

  async start(): Promise<void> {
    await this.#bridge.start()
    await this.#local.start()
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#local.send(message, options)
  }

  async close(): Promise<void> {
    await this.#local.close()
    await this.#bridge.closed
  }
}

/**
 * Connects `client` to `transport` through the governance pipeline.
 *
 * @example
 * await governClient(client, new StdioClientTransport({ command: 'npx', args: ['my-server'] }), { pipeline, session })
 * const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } })
 */
export async function governClient(client: Client, transport: Transport, options: GovernTransportOptions): Promise<GovernedTransport> {
  const governed = new GovernedTransport(transport, options)
  await client.connect(governed)
  return governed
}
