/**
 * sdk/src/limits/limit-scripts.ts — the Lua scripts the Redis limit store runs. Each touches one key and runs
 * atomically on the server (EVAL), which is what makes a limit exact across every instance that shares the server.
 *
 * Time is the server's `TIME`: the clocks of the app's machines do not compare, one server clock does. A bucket
 * keeps the latest time it was refilled to, so the server clock going back refills nothing. Numbers are stored
 * with 17 significant digits (`%.17g`: a double round-trips) and fractions are returned as strings, because Redis
 * truncates a Lua number reply to an integer.
 */

/**
 * KEYS[1] the bucket; ARGV capacity, windowSeconds, cost, "1" to refund.
 * Returns { allowed 0|1, remaining whole tokens, retryAfterMs as text or "inf" }.
 */
export const RATE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2]) * 1000
local cost = tonumber(ARGV[3])
local refund = ARGV[4] == '1'
local eps = 1e-9
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'capacity', 'window')
local tokens, updated, old_capacity, old_window = capacity, now, capacity, window_ms
if state[1] and state[2] and state[3] and state[4] then
  tokens, updated = tonumber(state[1]), tonumber(state[2])
  old_capacity, old_window = tonumber(state[3]), tonumber(state[4])
end
if now > updated then
  tokens = math.min(old_capacity, tokens + (now - updated) * old_capacity / old_window)
  updated = now
end
tokens = math.min(tokens, capacity)
local rate = capacity / window_ms
local allowed, retry = 1, '0'
if refund then
  tokens = math.min(capacity, tokens + cost)
elseif tokens + eps < cost then
  allowed = 0
  if cost > capacity then retry = 'inf' else retry = tostring(math.max(1, math.ceil((cost - tokens) / rate))) end
else
  tokens = math.max(0, tokens - cost)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated', string.format('%.17g', updated),
  'capacity', string.format('%.17g', capacity), 'window', string.format('%.17g', window_ms))
-- Once full again the key can go: a new bucket starts full.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
return { allowed, math.floor(tokens + eps), retry }
`

/**
 * KEYS[1] the counter; ARGV limit, periodKey, cost, "charge" or "refund", ttlMs.
 * Returns { allowed 0|1, used as text, the period charged }. A period key sorts in time order; an earlier one than
 * the counter's is charged to the counter's (the latest) period. Compared byte by byte: Lua's `<` follows the locale.
 */
export const BUDGET_SCRIPT = `
local function later(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local limit = tonumber(ARGV[1])
local asked = ARGV[2]
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'period', 'used')
local period, used = state[1], tonumber(state[2] or '0')
if ARGV[4] == 'refund' then
  if period ~= asked then return { 1, string.format('%.17g', used), period or asked } end
  used = math.max(0, used - cost)
  redis.call('HSET', KEYS[1], 'used', string.format('%.17g', used))
  return { 1, string.format('%.17g', used), period }
end
if not period or later(asked, period) then
  period, used = asked, 0
end
local allowed = 0
if used + cost <= limit + 1e-9 then
  used = used + cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'period', period, 'used', string.format('%.17g', used))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return { allowed, string.format('%.17g', used), period }
`
