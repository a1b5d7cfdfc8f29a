/**
 * sdk/src/limits/index.ts — limit stores for apps that run the SDK on several instances.
 */
export { createRedisLimitStore } from './redis-limit-store.js'
export type { RedisCommandClient, RedisLimitStore, RedisLimitStoreOptions } from './redis-limit-store.js'
