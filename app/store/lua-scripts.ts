/**
 * The store's atomic state changes. Each one writes the job record, bumps `seq`, builds the exact
 * Progress message text and PUBLISHes it in a single script, so a reader of the record and a
 * subscriber can never disagree about order, and the same `seq` has the same text everywhere.
 * Job ids are UUIDs validated before they get here, so they are safe to splice into JSON.
 *
 * Scripts that only replace a record's fields or free memory carry `allow-oom`: Redis at its
 * `maxmemory` must still let a job start, report and end (ending deletes its input), or it would
 * stay open for ever. Scripts that grow the store (creating a job, appending a result piece) do not,
 * so a full Redis refuses them.
 */
import { CAPACITY_CHECK, NOW_MS, WRITE_STATE } from './lua-functions.js';

/**
 * Creates a job from an upload whose file is staged, if the store has room for its result.
 * KEYS: job, userJobs, userExpiry, openJobs, counter, staged upload, input, upload reservations, retained.
 * ARGV: id, userId, filename, total, atIso, nowMs, channel, uploadId, reserveBytes, maxOpenJobs,
 *       admission fraction, job key prefix.
 * Returns {'ok', message}, {'lost'} when the staged file is gone, or a capacity refusal (see
 * capacity-scripts.ts).
 */
export const CREATE_JOB = `#!lua
${NOW_MS}${WRITE_STATE}${CAPACITY_CHECK}
-- The upload's own reservation ends here: its file is stored now, and counted in used_memory.
redis.call('HDEL', KEYS[8], ARGV[8])
if redis.call('EXISTS', KEYS[6]) == 0 then return {'lost'} end
local refusal = capacity_refusal(KEYS[4], KEYS[8], KEYS[9], ARGV[12], tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), now_ms())
if refusal then
  redis.call('DEL', KEYS[6])
  return refusal
end
local order = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'userId', ARGV[2], 'filename', ARGV[3], 'createdAt', ARGV[5],
  'order', order, 'reserved', ARGV[9])
local msg = write_state(KEYS[1], ARGV[1], 1, 'queued', 0, ARGV[4], 0, '', ARGV[5], ARGV[7])
redis.call('RENAME', KEYS[6], KEYS[7])
redis.call('PERSIST', KEYS[7])
redis.call('ZADD', KEYS[2], order, ARGV[1])
-- An open job never expires, nor do the lists it is in.
redis.call('ZADD', KEYS[3], '+inf', ARGV[1])
redis.call('PERSIST', KEYS[2])
redis.call('PERSIST', KEYS[3])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
return {'ok', msg}
`;

/**
 * Starts an attempt: the job is `running`, owned by `attemptId`; an earlier attempt's partial result
 * is dropped (every attempt writes the result from the first row).
 * KEYS: job, openJobs, partial. ARGV: attemptId, processed, total, percent, atIso, nowMs, channel.
 * Returns the message text, or false when the job is missing or terminal.
 */
export const START_ATTEMPT = `#!lua flags=allow-oom
${WRITE_STATE}
local current = open_record(KEYS[1], '')
if not current then return false end
redis.call('HSET', KEYS[1], 'attempt', ARGV[1])
redis.call('DEL', KEYS[3])
redis.call('ZADD', KEYS[2], ARGV[6], current[3])
return write_state(KEYS[1], current[3], tonumber(current[2]) + 1, 'running', ARGV[2], ARGV[3], ARGV[4], '', ARGV[5], ARGV[7])
`;

/**
 * Reports progress of a running job.
 * KEYS: job, openJobs. ARGV: processed, total, percent, atIso, nowMs, channel, attemptId ('' for any).
 * Returns the message text, or false when the job is missing, terminal or another attempt's.
 */
export const REPORT_PROGRESS = `#!lua flags=allow-oom
${WRITE_STATE}
local current = open_record(KEYS[1], ARGV[7])
if not current then return false end
redis.call('ZADD', KEYS[2], ARGV[5], current[3])
return write_state(KEYS[1], current[3], tonumber(current[2]) + 1, 'running', ARGV[1], ARGV[2], ARGV[3], '', ARGV[4], ARGV[6])
`;

/**
 * Ends a job (`succeeded` or `failed`), for good: the input is deleted, the partial result becomes the
 * result (or is deleted), the room the job held is released, and the record, the result and the
 * job's index entries all expire `retentionMs` from now, on Redis's clock.
 * KEYS: job, openJobs, partial, result, input, userJobs, userExpiry, retained.
 * ARGV: status, processed, total, percent, error, atIso, channel, attemptId ('' for any), retentionMs.
 * Returns the message text, or false when the job is missing, already terminal or another attempt's.
 */
export const FINISH_JOB = `#!lua flags=allow-oom
${NOW_MS}${WRITE_STATE}
local current = open_record(KEYS[1], ARGV[8])
if not current then return false end
local id = current[3]
local now = now_ms()
local expire_at = now + tonumber(ARGV[9])
local msg = write_state(KEYS[1], id, tonumber(current[2]) + 1, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
redis.call('HDEL', KEYS[1], 'reserved', 'attempt')
redis.call('ZREM', KEYS[2], id)
redis.call('DEL', KEYS[5])
if ARGV[1] == 'succeeded' and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('RENAME', KEYS[3], KEYS[4])
  redis.call('PEXPIREAT', KEYS[4], expire_at)
else
  redis.call('DEL', KEYS[3])
end
redis.call('PEXPIREAT', KEYS[1], expire_at)
-- The user's lists live as long as their last job: for ever while one is open (+inf sorts last).
redis.call('ZADD', KEYS[7], expire_at, id)
local last = redis.call('ZRANGE', KEYS[7], -1, -1, 'WITHSCORES')
if last[2] == 'inf' then
  redis.call('PERSIST', KEYS[6])
  redis.call('PERSIST', KEYS[7])
else
  redis.call('PEXPIREAT', KEYS[6], tonumber(last[2]))
  redis.call('PEXPIREAT', KEYS[7], tonumber(last[2]))
end
redis.call('ZADD', KEYS[8], expire_at, id)
redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now)
redis.call('PEXPIREAT', KEYS[8], expire_at)
return msg
`;

/**
 * Appends one gzipped piece to the current attempt's partial result.
 * KEYS: job, partial. ARGV: attemptId, piece. Returns 1, or 0 when another attempt owns the job now.
 */
export const APPEND_RESULT = `#!lua
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
`;

/**
 * One page of a user's jobs, newest first, and their number, after dropping jobs that expired.
 * KEYS: userJobs, userExpiry. ARGV: offset, limit, job key prefix.
 * Returns {total, record hash (flat field/value list), ...}.
 */
export const LIST_JOBS = `#!lua flags=allow-oom
${NOW_MS}
local function drop(ids)
  for i = 1, #ids, 500 do
    local batch = {unpack(ids, i, math.min(i + 499, #ids))}
    redis.call('ZREM', KEYS[1], unpack(batch))
    redis.call('ZREM', KEYS[2], unpack(batch))
  end
end
drop(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now_ms()))
local offset, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
-- A record gone for another reason is dropped too, and the page read again, so that the total
-- always counts exactly what can be listed.
for _ = 1, 3 do
  local ids = redis.call('ZREVRANGE', KEYS[1], offset, offset + limit - 1)
  local reply, missing = {redis.call('ZCARD', KEYS[1])}, {}
  for _, id in ipairs(ids) do
    local hash = redis.call('HGETALL', ARGV[3] .. id)
    if #hash == 0 then missing[#missing + 1] = id else reply[#reply + 1] = hash end
  end
  if #missing == 0 then return reply end
  drop(missing)
end
return {redis.call('ZCARD', KEYS[1])}
`;
