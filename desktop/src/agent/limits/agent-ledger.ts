/**
 * desktop/src/agent/limits/agent-ledger.ts — the agent's limit ledger file, opened only once the agent holds its
 * lock: opening compacts the file (a rename), which must never happen under another running agent's feet.
 */
import { openFileLimitStore, WardenError, type Clock, type FileLimitStore, type LimitStore } from '@mcp-warden/core'

/** The ledger as the agent server sees it (`store`), and its opening and closing. */
export interface AgentLedger {
  /** Calls wait until `open` has finished; if it failed they reject with ERR_INTERNAL (fail closed). */
  readonly store: LimitStore
  /** Opens the file; call it once the agent's lock is held. Never rejects: a failure is the calls' answer. */
  open(): Promise<void>
  /** Closes the file if it was opened. */
  close(): Promise<void>
}

function cannotOpen(file: string, cause: unknown): WardenError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'I/O error'
  return new WardenError(
    'ERR_INTERNAL',
    `The usage-limit ledger ${file} could not be opened (${code}), so MCP Warden allows no tool call. Check that the folder exists and is yours, then restart the MCP Warden agent.`,
    { stage: 'limits', cause },
  )
}

/**
 * @example
 * const ledger = createAgentLedger('/home/alice/.local/state/mcp-warden/limits.jsonl', clock)
 * const server = await startAgentServer({ limitStore: ledger.store, … }) // takes the lock
 * await ledger.open()
 */
export function createAgentLedger(file: string, clock?: Clock): AgentLedger {
  let settle: (store: FileLimitStore | WardenError) => void = () => {}
  const ready = new Promise<FileLimitStore | WardenError>((resolve) => (settle = resolve))
  let opening: Promise<void> | undefined
  const opened = async (): Promise<FileLimitStore> => {
    const store = await ready
    if (store instanceof WardenError) throw store
    return store
  }
  return {
    store: {
      consumeRate: async (...args) => (await opened()).consumeRate(...args),
      refundRate: async (...args) => (await opened()).refundRate(...args),
      chargeBudget: async (...args) => (await opened()).chargeBudget(...args),
      refundBudget: async (...args) => (await opened()).refundBudget(...args),
    },
    open() {
      opening ??= openFileLimitStore({ file, clock }).then(settle, (cause: unknown) => settle(cannotOpen(file, cause)))
      return opening
    },
    async close() {
      if (opening === undefined) return
      await opening
      const store = await ready
      if (!(store instanceof WardenError)) await store.close()
    },
  }
}
