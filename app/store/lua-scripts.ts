/**
 * The store's atomic state changes. Each one writes the job record, bumps `seq`, builds the exact
 * Progress message text and PUBLISHes it in a single script, so a reader of the record and a
 * subscriber can never disagree about order, and the same `seq` has the same text everywhere.
 * Job ids are UUIDs validated before they get here, so they are safe to splice into JSON.
 */

// Builds the message text in the contract's field order. `err` is already JSON (`null` or a string).
const MESSAGE = `
local function message(id, status, processed, total, percent, seq, err, at)
  return '{"type":"progress","jobId":"' .. id .. '","status":"' .. status .. '","processed":' .. processed ..
    ',"total":' .. total .. ',"percent":' .. percent .. ',"seq":' .. seq .. ',"error":' .. err .. ',"at":"' .. at .. '"}'
end
`;

/**
 * KEYS: job, userJobs, input, openJobs, counter.
 * ARGV: id, userId, filename, total, atIso, nowMs, inputCsv, channel. Returns the message text.
 */
export const CREATE_JOB = `${MESSAGE}
local order = redis.call('INCR', KEYS[5])
local msg = message(ARGV[1], 'queued', 0, ARGV[4], 0, 1, 'null', ARGV[5])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'userId', ARGV[2], 'filename', ARGV[3], 'status', 'queued',
  'processed', 0, 'total', ARGV[4], 'percent', 0, 'seq', 1, 'error', '', 'createdAt', ARGV[5],
  'updatedAt', ARGV[5], 'order', order, 'progress', msg)
redis.call('SET', KEYS[3], ARGV[7])
redis.call('ZADD', KEYS[2], order, ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
redis.call('PUBLISH', ARGV[8], msg)
return msg
`;

/**
 * KEYS: job, openJobs, result.
 * ARGV: status, processed, total, percent, error ('' for none), atIso, nowMs, channel, resultCsv ('' for none).
 * Returns the message text, or false when the job is missing or already terminal (terminal is final).
 */
export const TRANSITION_JOB = `${MESSAGE}
local current = redis.call('HMGET', KEYS[1], 'status', 'seq', 'id')
if not current[1] then return false end
if current[1] == 'succeeded' or current[1] == 'failed' then return false end
local seq = tonumber(current[2]) + 1
local err = 'null'
if ARGV[5] ~= '' then err = cjson.encode(ARGV[5]) end
local msg = message(current[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], seq, err, ARGV[6])
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'processed', ARGV[2], 'total', ARGV[3], 'percent', ARGV[4],
  'seq', seq, 'error', ARGV[5], 'updatedAt', ARGV[6], 'progress', msg)
if ARGV[1] == 'succeeded' or ARGV[1] == 'failed' then
  redis.call('ZREM', KEYS[2], current[3])
else
  redis.call('ZADD', KEYS[2], ARGV[7], current[3])
end
if ARGV[9] ~= '' then redis.call('SET', KEYS[3], ARGV[9]) end
redis.call('PUBLISH', ARGV[8], msg)
return msg
`;
