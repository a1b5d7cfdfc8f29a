/**
 * shared/src/limits/limits-file-format.ts — the on-disk form of the file limit store: a JSON Lines journal.
 *
 * Line 1 is a header, `{"format":"mcp-warden-limits","version":1}`. Every further line is the whole state of one
 * key after a change (not a delta), so replaying the file and keeping the last line of each key rebuilds the
 * ledger, and writing a key again repairs a line that was lost:
 *   {"key":"rate:…","rate":{"tokens":2.5,"capacity":10,"windowSeconds":60,"wallMs":1764840000000}}
 *   {"key":"budget:…","budget":{"periodKey":"2026-12-04","used":12}}
 * `wallMs` is the wall-clock time the bucket held `tokens`: monotonic time does not survive a restart.
 */
import { z } from 'zod'

export const LIMITS_FILE_HEADER = { format: 'mcp-warden-limits', version: 1 } as const

const headerSchema = z.strictObject({ format: z.literal('mcp-warden-limits'), version: z.literal(1) })
const amount = z.number().finite().nonnegative()

const rateSchema = z.strictObject({
  tokens: amount,
  capacity: z.number().finite().min(1),
  windowSeconds: z.number().finite().positive(),
  wallMs: z.number().finite(),
})
const budgetSchema = z.strictObject({ periodKey: z.string().min(1), used: amount })

const lineSchema = z.union([
  z.strictObject({ key: z.string().min(1), rate: rateSchema }),
  z.strictObject({ key: z.string().min(1), budget: budgetSchema }),
])

/** A bucket as persisted: its level at a wall-clock time. */
export type PersistedRate = z.infer<typeof rateSchema>
/** A budget counter as persisted. */
export type PersistedBudget = z.infer<typeof budgetSchema>
export type LimitsFileLine = z.infer<typeof lineSchema>

/** The state a journal holds, last line of each key winning. */
export interface LimitsFileState {
  readonly rates: Map<string, PersistedRate>
  readonly budgets: Map<string, PersistedBudget>
}

/** Why a journal could not be read: the 1-based line and what is wrong with it (never its content). */
export class LimitsFileCorrupt extends Error {
  constructor(readonly line: number, readonly problem: string) {
    super(`line ${line}: ${problem}`)
    this.name = 'LimitsFileCorrupt'
  }
}

function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new LimitsFileCorrupt(line, 'not JSON')
  }
}

/**
 * Reads a journal. An empty text is an empty ledger. A last line without its newline that does not parse is a
 * write torn by a crash and is dropped (it loses that one change); any other bad line throws LimitsFileCorrupt.
 *
 * @example
 * const state = parseLimitsFile(await readFile(file, 'utf8'))
 */
export function parseLimitsFile(text: string): LimitsFileState {
  const state: LimitsFileState = { rates: new Map(), budgets: new Map() }
  if (text === '') return state
  const lines = text.split('\n')
  const torn = lines.pop() ?? '' // '' when the file ends with a newline
  if (lines.length === 0) throw new LimitsFileCorrupt(1, 'no header line')
  if (!headerSchema.safeParse(parseLine(lines[0] ?? '', 1)).success) {
    throw new LimitsFileCorrupt(1, 'not an MCP Warden limits file (version 1) header')
  }
  const apply = (text: string, line: number): void => {
    const parsed = lineSchema.safeParse(parseLine(text, line))
    if (!parsed.success) throw new LimitsFileCorrupt(line, 'not a rate or budget state')
    const entry = parsed.data
    if ('rate' in entry) {
      state.budgets.delete(entry.key)
      state.rates.set(entry.key, entry.rate)
    } else {
      state.rates.delete(entry.key)
      state.budgets.set(entry.key, entry.budget)
    }
  }
  lines.slice(1).forEach((text, index) => apply(text, index + 2))
  if (torn !== '') {
    try {
      apply(torn, lines.length + 1)
    } catch {
      // A crash in the middle of an append: the line never finished, so no later line depends on it.
    }
  }
  return state
}

/** One journal line, with its newline. */
export function formatLimitsLine(line: LimitsFileLine): string {
  return `${JSON.stringify(line)}\n`
}

/** A whole compacted journal: the header, then one line per key. */
export function formatLimitsFile(state: LimitsFileState): string {
  let text = `${JSON.stringify(LIMITS_FILE_HEADER)}\n`
  for (const [key, rate] of state.rates) text += formatLimitsLine({ key, rate })
  for (const [key, budget] of state.budgets) text += formatLimitsLine({ key, budget })
  return text
}
