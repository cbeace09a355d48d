/**
 * The Lua scripts of the limits that hold across web processes: the per-user WebSocket cap and the
 * upload rate. Each is one atomic step on the Redis server, so N processes enforce one limit, and
 * each reads the time from Redis (`TIME`) so the processes' clocks never have to agree.
 *
 * WebSocket slots: every web process keeps a hash of its open sockets per user
 * (`{prefix}:ws:slots:{processId}`) and a lease in `{prefix}:ws:leases` (process id → lease end),
 * renewed by its heartbeat. A process that dies without closing its sockets stops renewing: its lease
 * lapses and the count scripts skip it, and its hash expires with the lease, so nothing it held
 * counts for longer than one lease. The scripts build the other processes' hash names from the
 * prefix they are given (redis-keys.ts), so they run on a single Redis (Memorystore for Redis), not
 * on Redis Cluster.
 */

const NOW_MS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// Drops lapsed leases, then (re)writes this process' own: ZADD, and the set's expiry so the key
// itself goes away once no process renews it.
const RENEW = `${NOW_MS}
local function renew(leases, lease, process)
  local now = now_ms()
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  redis.call('ZADD', leases, now + lease, process)
  redis.call('PEXPIRE', leases, lease)
end
`;

/**
 * KEYS: leases, own slots. ARGV: leaseMs, processId, slotsPrefix, userId, max.
 * Returns 1 and takes a slot when the user holds fewer than `max` sockets in all live processes,
 * else 0.
 */
export const ACQUIRE_SLOT = `${RENEW}
local lease = tonumber(ARGV[1])
renew(KEYS[1], lease, ARGV[2])
local held = 0
for _, process in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  held = held + (tonumber(redis.call('HGET', ARGV[3] .. process, ARGV[4])) or 0)
end
if held >= tonumber(ARGV[5]) then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
redis.call('PEXPIRE', KEYS[2], lease)
return 1
`;

/**
 * KEYS: own slots. ARGV: userId. Gives one slot back; answers what the process still holds for the
 * user (below 0 only when Redis lost the hash, which the next heartbeat repairs).
 */
export const RELEASE_SLOT = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left
`;

/**
 * KEYS: leases, own slots. ARGV: leaseMs, processId. Renews the lease and the hash's expiry and
 * answers the sum of the hash (0 when it is gone), so the process can compare it with its own count.
 */
export const RENEW_SLOTS = `${RENEW}
local lease = tonumber(ARGV[1])
renew(KEYS[1], lease, ARGV[2])
redis.call('PEXPIRE', KEYS[2], lease)
local sum = 0
for _, count in ipairs(redis.call('HVALS', KEYS[2])) do sum = sum + tonumber(count) end
return sum
`;

/**
 * KEYS: leases, own slots. ARGV: leaseMs, processId, then user, count pairs. Replaces the hash with
 * the process' own count of its sockets (after Redis lost it, or a reply was lost in an outage).
 */
export const REWRITE_SLOTS = `${RENEW}
local lease = tonumber(ARGV[1])
renew(KEYS[1], lease, ARGV[2])
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
if #ARGV > 2 then redis.call('PEXPIRE', KEYS[2], lease) end
return #ARGV / 2 - 1
`;

/** KEYS: leases, own slots. ARGV: processId. A clean shutdown: nothing of this process counts any more. */
export const DROP_SLOTS = `
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS: the user's upload log. ARGV: limit, windowMs, a unique member suffix.
 * A sliding window: at most `limit` uploads in any `windowMs`. Returns `{1, 0}` and records the upload,
 * or `{0, ms}` with how long until the oldest upload in the window leaves it.
 */
export const TAKE_UPLOAD = `${NOW_MS}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`;
