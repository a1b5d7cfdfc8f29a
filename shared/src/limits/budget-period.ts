/**
 * shared/src/limits/budget-period.ts — the calendar periods budgets are counted in, in UTC.
 *
 * A period key is the start of the ISO 8601 time (RFC 3339 §5.6) cut to the period: `2026-11-24T09` (hour),
 * `2026-11-24` (day), `2026-11` (month). Keys of one period type sort lexicographically in time order, which the
 * stores rely on to never move a budget back to an earlier period.
 */
import type { BudgetSpec } from '../pipeline/types.js'

/** The length of an ISO 8601 time cut to each period: `YYYY-MM-DDTHH`, `YYYY-MM-DD`, `YYYY-MM`. */
const KEY_LENGTH = { hour: 13, day: 10, month: 7 } as const satisfies Record<BudgetSpec['period'], number>
const KEY_PATTERN = /^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}))?)?$/

/**
 * The key of the UTC period that `nowMs` (wall-clock milliseconds since the epoch) falls in.
 * Throws a RangeError for an unknown period or a time outside the years 0000–9999.
 *
 * @example
 * budgetPeriodKey('day', Date.UTC(2026, 10, 24, 23, 59)) // → '2026-11-24'
 */
export function budgetPeriodKey(period: BudgetSpec['period'], nowMs: number): string {
  // An unknown period must not fall through to a slice of the whole time stamp: a new "period" every millisecond.
  if (!Object.hasOwn(KEY_LENGTH, period)) throw new RangeError('budgetPeriodKey: period must be hour, day or month')
  const iso = new Date(nowMs).toISOString()
  if (!/^\d{4}-/.test(iso)) throw new RangeError('budgetPeriodKey: the time is outside the years 0000-9999')
  return iso.slice(0, KEY_LENGTH[period])
}

/**
 * When the period named by `periodKey` ends, i.e. the next one starts: wall-clock milliseconds since the epoch.
 * Throws a RangeError for a string that is not a period key.
 *
 * @example
 * new Date(budgetPeriodEnd('2026-11')).toISOString() // → '2026-12-01T00:00:00.000Z'
 */
export function budgetPeriodEnd(periodKey: string): number {
  const match = KEY_PATTERN.exec(periodKey)
  if (match === null) throw new RangeError('budgetPeriodEnd: not a budget period key')
  const [, year, month, day, hour] = match
  // setUTC* carry an overflowing hour, day or month into the next day, month or year (and, unlike Date.UTC,
  // do not read years 0-99 as 1900-1999).
  const end = new Date(0)
  if (day === undefined) end.setUTCFullYear(Number(year), Number(month), 1)
  else if (hour === undefined) end.setUTCFullYear(Number(year), Number(month) - 1, Number(day) + 1)
  else {
    end.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
    end.setUTCHours(Number(hour) + 1)
  }
  return end.getTime()
}
