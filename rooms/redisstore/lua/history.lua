-- history.lua: Store.History. KEYS: meta, hist. ARGV: epoch, after seq.
-- hist holds the newest events, oldest first, ending at meta's seq.
local m = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'layout')
if m[3] ~= LAYOUT then return {'notfound'} end
local seq, after = tonumber(m[2]), tonumber(ARGV[2])
if m[1] ~= ARGV[1] or after > seq then return {'gone'} end
local oldest = seq - redis.call('LLEN', KEYS[2]) + 1
if after + 1 < oldest then return {'gone'} end
if after == seq then return {'ok', {}} end
return {'ok', redis.call('LRANGE', KEYS[2], after + 1 - oldest, -1)}
