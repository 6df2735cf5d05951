-- apply.lua: Store.Apply, one atomic change to a live room.
local meta = read_meta()
if meta.layout ~= LAYOUT then return {'notfound'} end
local c = decode(8)
local failed = check(c, meta.epoch, meta.seq)
if failed then return failed end
return commit(c, meta)
