-- read.lua: the point reads (Get, Counters, Has, Reply) and the scans
-- (DocsWithPrefix, CountersWithPrefix). KEYS: every key of the room (see room.lua), so a
-- missing room is told apart from a missing value. ARGV[1] names the read.
if not live() then return {'notfound'} end
local op = ARGV[1]
if op == 'get' then -- ARGV[2..]: document keys
  local vals, vers = {}, {}
  for i = 2, #ARGV do
    local k = ARGV[i]
    local r = redis.call('HMGET', doc_hash(class_of(k)), 'd' .. k, 'v' .. k)
    vals[i - 1], vers[i - 1] = r[1], r[2]
  end
  return {'ok', vals, vers}
elseif op == 'scan' then -- ARGV[2]: a key prefix
  -- Only the classes whose documents can start with the prefix are read.
  local p = ARGV[2]
  local out = {}
  for _, cls in ipairs(classes()) do
    local rel = relation(cls, p)
    if rel == 'all' then
      out[#out + 1] = doc_fields(cls)
    elseif rel == 'some' then
      out[#out + 1] = doc_fields(cls, {p})
    end
  end
  return {'ok', out}
elseif op == 'ctrscan' then -- ARGV[2]: a counter name prefix
  local p = ARGV[2]
  local all = redis.call('HGETALL', KEYS[CTR])
  if p == '' then return {'ok', all} end
  local out = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, #p) == p then
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
  return {'ok', out}
elseif op == 'counters' then -- ARGV[2..]: counter keys
  local out = {}
  for i = 2, #ARGV do out[i - 1] = redis.call('HGET', KEYS[CTR], ARGV[i]) end
  return {'ok', out}
elseif op == 'has' then -- ARGV[2]: a once token
  return {'ok', redis.call('SISMEMBER', KEYS[ONCE], ARGV[2])}
elseif op == 'reply' then -- ARGV[2]: a rep field
  return {'ok', redis.call('HGET', KEYS[REP], ARGV[2])}
end
return redis.error_reply('read.lua: unknown op ' .. tostring(op))
