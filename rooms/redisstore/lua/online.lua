-- online.lua: Store.Online. KEYS: the room's keys. Returns every member
-- connected through a node whose entries are alive, once each, and drops
-- the entries of nodes that stopped refreshing (they died).
if not live() then return {'notfound'} end
local now = now_ms()
local live = {}
local nodes = redis.call('HGETALL', KEYS[PRESN])
for i = 1, #nodes, 2 do
  if tonumber(nodes[i + 1]) > now then
    live[nodes[i]] = true
  else
    redis.call('HDEL', KEYS[PRESN], nodes[i])
  end
end
local out, seen = {'ok'}, {}
local entries = redis.call('HKEYS', KEYS[PRES])
for _, f in ipairs(entries) do
  local sep = string.find(f, '\0', 1, true)
  local node, member = string.sub(f, 1, sep - 1), string.sub(f, sep + 1)
  if live[node] then
    if not seen[member] then
      seen[member] = true
      out[#out + 1] = member
    end
  else
    redis.call('HDEL', KEYS[PRES], f)
  end
end
return out
