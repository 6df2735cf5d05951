#!lua flags=no-writes
-- load.lua: Store.Load, everything of a room read in one atomic step.
-- KEYS: meta, docs, vers, ctr, sets. Sets report sizes only: the once key
-- holds tokens, never names. ARGV: key prefixes of documents to leave
-- out (their values never leave Redis).
local m = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
if not m[1] then return {'notfound'} end
local function skipped(k)
  for _, p in ipairs(ARGV) do
    if string.sub(k, 1, #p) == p then return true end
  end
  return false
end
local function pick(key)
  local all = redis.call('HGETALL', key)
  if #ARGV == 0 then return all end
  local out = {}
  for i = 1, #all, 2 do
    if not skipped(all[i]) then
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
  return out
end
return {'ok', m[1], tonumber(m[2]),
  pick(KEYS[2]), pick(KEYS[3]),
  redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5])}
