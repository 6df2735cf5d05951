-- create.lua: Store.CreateRoom's room half (the join code is claimed from
-- Go afterwards, in its own slot). ARGV[5..7]: epoch, ttl ms, code.
if redis.call('EXISTS', KEYS[META]) == 1 then return {'exists'} end
-- A room is live while its meta key is. Keys of an earlier room under this
-- id expire with its meta, but an eviction policy could drop meta alone:
-- never let a new room inherit anything.
redis.call('DEL', unpack(KEYS))
local c = decode(8)
local failed = check(c, ARGV[5], 0)
if failed then return failed end
redis.call('HSET', KEYS[META], 'epoch', ARGV[5], 'seq', '0',
  'ttl', ARGV[6], 'code', ARGV[7])
-- A small hash is kept as a listpack, in insertion order; one value over
-- hash-max-listpack-value (64 bytes) makes it a hash table for good, whose
-- order says nothing of when fields were written. Without this the
-- versions hash would list a member's document and an anonymous ballot in
-- the order they were written.
local filler = string.rep('.', 80)
for _, k in ipairs({DOCS, VERS, CTR, SETS, REP}) do
  redis.call('HSET', KEYS[k], '\0order', filler)
end
return commit(c, ARGV[5])
