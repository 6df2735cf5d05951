#!lua flags=no-writes
-- load.lua: Store.Load, everything of a room read in one atomic step.
-- KEYS: meta, docs, vers, ctr, sets. Sets report sizes only: the once key
-- holds tokens, never names.
local m = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not m[1] then return {'notfound'} end
return {'ok', m[1], tonumber(m[2]),
  redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
  redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5])}
