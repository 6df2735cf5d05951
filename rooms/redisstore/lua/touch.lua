-- touch.lua: Store.Touch. Always reports the code and horizon, so that a
-- periodic Touch repairs a join code key whose refresh once failed.
local meta = read_meta()
if meta.layout ~= LAYOUT then return {'notfound'} end
local set = {}
local _, ext = expire(now_ms(), meta, set)
if #set > 0 then
  redis.call('HSET', KEYS[META], unpack(set))
end
return {'ok', meta.code, meta.epoch, int(ext)}
