/**
 * shared/src/limits/index.ts — usage limits: rate limits and budgets per user (and per tool), over a LimitStore.
 */
export { budgetPeriodEnd, budgetPeriodKey } from './budget-period.js'
export type { BudgetResult, LimitStore, RateResult, RateWindow } from './limit-store.js'
export { limitsStage, type LimitsStageOptions } from './limits-stage.js'
export { createMemoryLimitStore, type MemoryLimitStoreOptions } from './memory-limit-store.js'
export { openFileLimitStore, type FileLimitStore, type FileLimitStoreOptions } from './file-limit-store.js'
export { assertBudgetArguments, assertRateArguments } from './token-bucket.js'
