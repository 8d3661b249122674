/**
 * The Lua scripts the cluster runs in Redis, each atomic there: a lease renewed or released only
 * by its owner, and a token bucket counted on Redis's clock (so processes on machines whose
 * clocks differ count alike).
 */

/**
 * Renews the lease KEYS[1] for owner ARGV[1] by ARGV[2] ms. Takes it again when it is gone (Redis
 * restarted without its data, and nobody else took it first). 1 when held, 0 when another owns it.
 */
export const RENEW_LEASE = `
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Deletes the lease KEYS[1] if owner ARGV[1] holds it; 1 when deleted. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Takes a token from the bucket KEYS[1] (capacity ARGV[1], refilled at ARGV[2] tokens per ms).
 * Returns 0 when allowed, or the milliseconds to wait.
 */
export const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / per_ms) + 1000)
return wait`;
