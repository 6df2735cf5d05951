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
redis.call('HSET', KEYS[META], 'epoch', ARGV[5], 'seq', '0', 'rev', '0',
  'ttl', ARGV[6], 'code', ARGV[7])
return commit(c, ARGV[5])
