-- touch.lua: Store.Touch. Always reports the code and horizon, so that a
-- periodic Touch repairs a join code key whose refresh once failed.
if not live() then return {'notfound'} end
local _, code, ext = refresh(now_ms())
return {'ok', code, redis.call('HGET', KEYS[META], 'epoch'), ext}
