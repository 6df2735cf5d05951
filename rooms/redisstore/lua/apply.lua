-- apply.lua: Store.Apply, one atomic change to a live room.
local m = redis.call('HMGET', KEYS[META], 'epoch', 'seq', 'layout')
if m[3] ~= LAYOUT then return {'notfound'} end
local c = decode(8)
local failed = check(c, m[1], tonumber(m[2]))
if failed then return failed end
return commit(c, m[1])
