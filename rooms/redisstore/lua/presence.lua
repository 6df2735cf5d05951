-- presence.lua: Store.UpdatePresence. KEYS: the room's keys.
-- ARGV: 1 node, 2 ttl ms, 3 channel, 4 number of members to add, then
-- those members, then the number to remove and those members.
--
-- PRES holds "node NUL member" → 1; PRESN holds node → the unix ms at which
-- its entries expire unless it refreshes them. A member connected through
-- two nodes has two entries; Online counts it once. Every call also drops
-- the entries of the nodes whose own expired (unless every node's did,
-- below), and publishes the change.
local meta = redis.call('HMGET', KEYS[META], 'layout', 'epoch', 'ver')
if meta[1] ~= LAYOUT then return 'notfound' end
local now = now_ms()
local node = ARGV[1]
local expiry = int(now + tonumber(ARGV[2]))
-- A node whose own entries lapsed and that finds every other node's
-- lapsed too was cut off with them (Redis stalled, or the network to
-- it): no node refreshed meanwhile, so none of them was seen to die. The
-- others get the time to write again that this node has, rather than
-- being dropped below as dead nodes (their phones then counted offline
-- until their nodes wrote again: 3 of 6, then 6). One that did die goes
-- a ttl later. A node new to the room gives nobody that time.
local nodes = redis.call('HGETALL', KEYS[PRESN])
local mine, alive = 0, false
for i = 1, #nodes, 2 do
  if nodes[i] == node then mine = i end
  if tonumber(nodes[i + 1]) > now then alive = true end
end
if mine > 0 and not alive then
  for i = 2, #nodes, 2 do nodes[i] = expiry end
  redis.call('HSET', KEYS[PRESN], unpack(nodes))
else
  redis.call('HSET', KEYS[PRESN], node, expiry)
  if mine > 0 then
    nodes[mine + 1] = expiry
  else
    nodes[#nodes + 1] = node
    nodes[#nodes + 1] = expiry
  end
end
-- One HSET and one HDEL for all of them (in chunks, see call_write): a
-- call per member made a reconnect storm's batch of thousands a script
-- of 10 ms and more, every other command of Redis waiting meanwhile.
local changed = 0
local i = 4
local nadd = tonumber(ARGV[i])
if nadd > 0 then
  local pairs_ = {}
  for j = 1, nadd do
    pairs_[2 * j - 1] = node .. '\0' .. ARGV[i + j]
    pairs_[2 * j] = '1'
  end
  for k = 1, #pairs_, CHUNK do
    changed = changed + redis.call('HSET', KEYS[PRES], unpack(pairs_, k, math.min(k + CHUNK - 1, #pairs_)))
  end
end
i = i + nadd + 1
local nrem = tonumber(ARGV[i])
if nrem > 0 then
  local fields = {}
  for j = 1, nrem do fields[j] = node .. '\0' .. ARGV[i + j] end
  for k = 1, #fields, CHUNK do
    changed = changed + redis.call('HDEL', KEYS[PRES], unpack(fields, k, math.min(k + CHUNK - 1, #fields)))
  end
end
-- The entries of nodes that died go now, from the refresh of a node
-- that lives (every 5 s), with a notice: no node needs to read who is
-- online on a timer to see them go.
local dead, any = dead_nodes(now, nodes)
if any then
  for n in pairs(dead) do redis.call('HDEL', KEYS[PRESN], n) end
  local gone = {}
  for _, f in ipairs(redis.call('HKEYS', KEYS[PRES])) do
    if dead[entry_node(f)] then gone[#gone + 1] = f end
  end
  if #gone > 0 then
    call_write('HDEL', KEYS[PRES], gone)
    changed = changed + #gone
  end
end
-- Presence expires with the room, like everything of it.
local pttl = redis.call('PTTL', KEYS[META])
if pttl > 0 then
  redis.call('PEXPIRE', KEYS[PRES], pttl)
  redis.call('PEXPIRE', KEYS[PRESN], pttl)
end
if changed > 0 then
  -- With the room's version, as every notice has (see commit).
  redis.call('PUBLISH', ARGV[3], '{"at":' .. int(now) .. ',"epoch":"' .. meta[2] .. '","ver":' .. (meta[3] or '0') .. ',"touched":["presence"]}')
end
return 'ok'
