-- online.lua: Store.Online. KEYS: the room's keys. Returns the entries
-- ("node NUL member") of every node whose entries are alive, as they are
-- (Go takes the members from them, once each), leaving out the entries
-- of nodes that stopped refreshing (they died). It deletes nothing: the
-- refresh of a node that lives does (presence.lua), and tells every node,
-- which a quiet deletion here would keep from happening.
--
-- When every node is alive, which is nearly always, the entries go back
-- as HKEYS gives them: splitting and deduplicating 10,000 of them in Lua
-- took 20 ms of Redis's one thread on every presence flush of every node,
-- every other command waiting; Go does it in a fraction of that.
if not live() then return {'notfound'} end
local dead, any = dead_nodes(now_ms())
local entries = redis.call('HKEYS', KEYS[PRES])
if not any then
  table.insert(entries, 1, 'ok')
  return entries
end
local out = {'ok'}
for _, f in ipairs(entries) do
  if not dead[entry_node(f)] then out[#out + 1] = f end
end
return out
