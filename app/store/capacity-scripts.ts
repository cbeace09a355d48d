/**
 * Admission in Lua, so that checking for room and holding it are one atomic step: two uploads can
 * never both take the last room. Room is `maxmemory × fraction` (app/domain/capacity.ts) minus what
 * Redis uses now, minus what admitted work may still write: the reservations of uploads streaming in
 * and of open (queued or running) jobs. A job's reservation lives in its record (`reserved`) and is
 * released by the script that ends it, so the ledger cannot drift from the jobs.
 *
 * The check visits every open job's record by `job key prefix .. id` (keys not passed as KEYS): fine
 * for the single Redis the service runs on, not for Redis Cluster.
 */
import { CAPACITY_CHECK, NOW_MS } from './lua-functions.js';

/**
 * Holds room for an upload about to stream in, if there is room.
 * KEYS: openJobs, upload reservations, retained.
 * ARGV: uploadId, needBytes, deadlineMs (from now), maxOpenJobs, admission fraction, job key prefix.
 * Returns {'ok'} or a refusal (see `CAPACITY_CHECK` in lua-functions.ts).
 */
export const ADMIT_UPLOAD = `#!lua
${NOW_MS}${CAPACITY_CHECK}
local now = now_ms()
local refusal = capacity_refusal(KEYS[1], KEYS[2], KEYS[3], ARGV[6], tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5]), now)
if refusal then return refusal end
local deadline = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ' ' .. deadline)
-- Every later admission's deadline is later, so the ledger outlives each entry and no more.
redis.call('PEXPIREAT', KEYS[2], deadline)
return {'ok'}
`;

/**
 * Appends a piece to an upload's staged file and shrinks the room the upload holds to what its
 * remaining bytes may still need (the stored pieces now count in used_memory).
 * KEYS: staged upload, upload reservations. ARGV: uploadId, piece, reserveBytes, lapseMs.
 */
export const STAGE_PIECE = `#!lua
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if entry then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. ' ' .. string.match(entry, ' (%d+)$'))
end
return 1
`;
