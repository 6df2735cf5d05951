-- presence.lua: Store.UpdatePresence. KEYS: the room's keys.
-- ARGV: 1 node, 2 ttl ms, 3 channel, 4 number of members to add, then
-- those members, then the number to remove and those members.
--
-- PRES holds "node NUL member" → 1; PRESN holds node → the unix ms at which
-- its entries expire unless it refreshes them. A member connected through
-- two nodes has two entries; Online counts it once.
if not live() then return 'notfound' end
local now = now_ms()
local node = ARGV[1]
redis.call('HSET', KEYS[PRESN], node, int(now + tonumber(ARGV[2])))
local changed = 0
local i = 4
local nadd = tonumber(ARGV[i])
for j = 1, nadd do
  changed = changed + redis.call('HSET', KEYS[PRES], node .. '\0' .. ARGV[i + j], '1')
end
i = i + nadd + 1
local nrem = tonumber(ARGV[i])
for j = 1, nrem do
  changed = changed + redis.call('HDEL', KEYS[PRES], node .. '\0' .. ARGV[i + j])
end
-- Presence expires with the room, like everything of it.
local pttl = redis.call('PTTL', KEYS[META])
if pttl > 0 then
  redis.call('PEXPIRE', KEYS[PRES], pttl)
  redis.call('PEXPIRE', KEYS[PRESN], pttl)
end
if changed > 0 then
  redis.call('PUBLISH', ARGV[3], '{"at":' .. int(now) .. ',"touched":["presence"]}')
end
return 'ok'
