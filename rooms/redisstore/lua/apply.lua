-- apply.lua: Store.Apply, one atomic change to a live room.
local meta = read_meta()
if meta.layout ~= LAYOUT then return {'notfound'} end
local now = now_ms()
if late(now) then return {'late'} end
local c = decode(9)
local failed = check(c, meta.epoch, meta.seq)
if failed then return failed end
return commit(c, meta, now)
