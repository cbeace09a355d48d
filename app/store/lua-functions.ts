/**
 * Lua functions the store's scripts share, spliced into each script's text (Redis scripts cannot
 * import). Each constant defines local functions only; a script calls them.
 */

/** Shared Lua: Redis's clock in ms (expiry times must be on the clock that expires keys). */
export const NOW_MS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Shared Lua: builds the message text in the contract's field order, writes the state and publishes
 * it; `open_record` reads a record that may still change.
 */
export const WRITE_STATE = `
local function message(id, status, processed, total, percent, seq, err, at)
  return '{"type":"progress","jobId":"' .. id .. '","status":"' .. status .. '","processed":' .. processed ..
    ',"total":' .. total .. ',"percent":' .. percent .. ',"seq":' .. seq .. ',"error":' .. err .. ',"at":"' .. at .. '"}'
end
local function write_state(job, id, seq, status, processed, total, percent, err_text, at, channel)
  local err = 'null'
  if err_text ~= '' then err = cjson.encode(err_text) end
  local msg = message(id, status, processed, total, percent, seq, err, at)
  redis.call('HSET', job, 'status', status, 'processed', processed, 'total', total, 'percent', percent,
    'seq', seq, 'error', err_text, 'updatedAt', at, 'progress', msg)
  redis.call('PUBLISH', channel, msg)
  return msg
end
-- The open record's status, seq and id, or nil when it is missing, terminal, or owned by another attempt.
local function open_record(job, attempt)
  local current = redis.call('HMGET', job, 'status', 'seq', 'id', 'attempt')
  if not current[1] or current[1] == 'succeeded' or current[1] == 'failed' then return nil end
  if attempt ~= '' and current[4] ~= attempt then return nil end
  return current
end
`;

/**
 * Lua: `capacity_refusal(openKey, uploadsKey, retainedKey, jobPrefix, need, maxOpen, fraction, now)`
 * answers nil when `need` more bytes fit, else the refusal:
 * `{'backlog', openJobs, maxOpenJobs}` or
 * `{'memory', used, limit, reserved, need, openJobs, uploadsInFlight, msUntilNextExpiry (-1: none)}`.
 * Reservations of uploads past their deadline (a web process that died mid-upload) are dropped.
 * With `maxmemory` 0 (no limit) only the backlog is checked.
 */
export const CAPACITY_CHECK = `
local function capacity_refusal(open_key, uploads_key, retained_key, job_prefix, need, max_open, fraction, now)
  local inflight, reserved = 0, 0
  local entries = redis.call('HGETALL', uploads_key)
  for i = 1, #entries, 2 do
    local bytes, deadline = string.match(entries[i + 1], '^(%d+) (%d+)$')
    if bytes and tonumber(deadline) > now then
      inflight = inflight + 1
      reserved = reserved + tonumber(bytes)
    else
      redis.call('HDEL', uploads_key, entries[i])
    end
  end
  local open = redis.call('ZRANGE', open_key, 0, -1)
  if #open >= max_open then return {'backlog', #open, max_open} end
  for _, id in ipairs(open) do
    reserved = reserved + (tonumber(redis.call('HGET', job_prefix .. id, 'reserved')) or 0)
  end
  local info = redis.call('INFO', 'memory')
  local used = tonumber(string.match(info, 'used_memory:(%d+)'))
  local max = tonumber(string.match(info, 'maxmemory:(%d+)'))
  if max == 0 then return nil end
  local limit = math.floor(max * fraction)
  if used + reserved + need <= limit then return nil end
  redis.call('ZREMRANGEBYSCORE', retained_key, '-inf', now)
  local first = redis.call('ZRANGE', retained_key, 0, 0, 'WITHSCORES')
  local next_expiry = -1
  if first[2] then next_expiry = tonumber(first[2]) - now end
  return {'memory', used, limit, reserved, need, #open, inflight, next_expiry}
end
`;
