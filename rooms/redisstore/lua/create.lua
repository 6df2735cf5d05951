-- create.lua: Store.CreateRoom's room half (the join code is claimed from
-- Go afterwards, in its own slot). ARGV[5..7]: epoch, ttl ms, code.
local now = now_ms()
if late(now) then return {'late'} end
if redis.call('EXISTS', KEYS[META]) == 1 then return {'exists'} end
-- A room is live while its meta key is. Keys of an earlier room under this
-- id expire with its meta, but an eviction policy could drop meta alone:
-- never let a new room inherit anything (the class hashes it can find).
-- The classes list may have been evicted on its own too: the classes this
-- room writes are emptied as they are first written (creating.fresh,
-- common.lua).
for _, cls in ipairs(classes()) do
  redis.call('DEL', doc_hash(cls))
end
redis.call('DEL', unpack(KEYS))
creating.fresh = true
local c = decode(9)
local failed = check(c, ARGV[5], 0)
if failed then return failed end
redis.call('HSET', KEYS[META], 'epoch', ARGV[5], 'seq', '0',
  'ttl', ARGV[6], 'code', ARGV[7], 'layout', LAYOUT)
-- The filler first, so these are hash tables from the start (see
-- room.lua); class hashes get theirs when their first document comes.
for _, k in ipairs({CLASSES, CTR, SETS, REP}) do
  redis.call('HSET', KEYS[k], ORDER, FILLER)
end
-- No exp and no ext yet: commit sets every key's expiry and both.
return commit(c, {epoch = ARGV[5], seq = 0, ttl = tonumber(ARGV[6]), code = ARGV[7], ext = 0, exp = 0, ver = 0}, now)
