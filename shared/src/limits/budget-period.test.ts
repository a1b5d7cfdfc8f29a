import { describe, expect, it } from 'vitest'
import { budgetPeriodEnd, budgetPeriodKey } from './budget-period.js'

describe('budgetPeriodKey', () => {
  it.each([
    ['hour', Date.UTC(2026, 10, 24, 9, 59, 59, 999), '2026-11-24T09'],
    ['day', Date.UTC(2026, 10, 24, 23, 59, 59, 999), '2026-11-24'],
    ['day', Date.UTC(2026, 10, 25), '2026-11-25'],
    ['month', Date.UTC(2026, 10, 30, 23), '2026-11'],
  ] as const)('cuts a %s period in UTC', (period, nowMs, key) => {
    expect(budgetPeriodKey(period, nowMs)).toBe(key)
  })

  it('sorts keys of one period type in time order', () => {
    const times = [Date.UTC(2026, 8, 30, 23), Date.UTC(2026, 9, 1), Date.UTC(2026, 9, 1, 1), Date.UTC(2027, 0, 1)]
    for (const period of ['hour', 'day', 'month'] as const) {
      const keys = times.map((time) => budgetPeriodKey(period, time))
      expect([...keys].sort()).toEqual(keys)
    }
  })

  it('rejects an unknown period instead of counting per millisecond', () => {
    expect(() => budgetPeriodKey('week' as 'day', 0)).toThrow(
      new RangeError('budgetPeriodKey: period must be hour, day or month'),
    )
  })

  it('rejects a time that is not a date', () => {
    expect(() => budgetPeriodKey('day', Number.NaN)).toThrow(RangeError)
  })
})

describe('budgetPeriodEnd', () => {
  it.each([
    ['2026-11-24T09', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T23', '2026-11-25T00:00:00.000Z'],
    ['2026-11-24', '2026-11-25T00:00:00.000Z'],
    ['2026-11-30', '2026-12-01T00:00:00.000Z'],
    ['2028-02-28', '2028-02-29T00:00:00.000Z'],
    ['2026-12-31T23', '2027-01-01T00:00:00.000Z'],
    ['2026-11', '2026-12-01T00:00:00.000Z'],
    ['2026-12', '2027-01-01T00:00:00.000Z'],
    ['0050-01', '0050-02-01T00:00:00.000Z'],
  ])('ends %s at %s', (key, end) => {
    expect(new Date(budgetPeriodEnd(key)).toISOString()).toBe(end)
  })

  it('rejects a string that is not a period key', () => {
    expect(() => budgetPeriodEnd('2026-11-24T09:30')).toThrow(new RangeError('budgetPeriodEnd: not a budget period key'))
  })
})
