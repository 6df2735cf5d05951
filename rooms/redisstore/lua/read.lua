-- read.lua: the point reads (Get, Counters, Has, Reply), the scans
-- (DocsWithPrefix, CountersWithPrefix) and ReadView, which is all three
-- at once. KEYS: every key of the room (see room.lua), so a missing room
-- is told apart from a missing value. ARGV[1] names the read.
local meta = redis.call('HMGET', KEYS[META], 'layout', 'epoch', 'ver', 'seq')
if meta[1] ~= LAYOUT then return {'notfound'} end

-- get reads the documents keys[from..to]: their values and versions.
local function get(keys, from, to)
  local vals, vers = {}, {}
  for i = from, to do
    local k = keys[i]
    local r = redis.call('HMGET', doc_hash(class_of(k)), 'd' .. k, 'v' .. k)
    vals[i - from + 1], vers[i - from + 1] = r[1], r[2]
  end
  return vals, vers
end

-- scan reads the documents whose keys start with any of prefixes, as a
-- list of class hash fields (see doc_fields). Only the classes whose
-- documents can start with a prefix are read, each once: whole when all
-- of its documents do.
local function scan(prefixes)
  local out = {}
  for _, cls in ipairs(classes()) do
    local some, whole = {}, false
    for _, p in ipairs(prefixes) do
      local rel = relation(cls, p)
      if rel == 'all' then
        whole = true
        break
      elseif rel == 'some' then
        some[#some + 1] = p
      end
    end
    if whole then
      out[#out + 1] = doc_fields(cls)
    elseif #some > 0 then
      out[#out + 1] = doc_fields(cls, some)
    end
  end
  return out
end

-- counters reads the counters whose names start with any of prefixes, as
-- HGETALL gives them ("" takes every counter, the filler too).
local function counters(prefixes)
  local all = redis.call('HGETALL', KEYS[CTR])
  for _, p in ipairs(prefixes) do
    if p == '' then return all end
  end
  local out = {}
  for i = 1, #all, 2 do
    if has_prefix(all[i], prefixes) then
      out[#out + 1] = all[i]
      out[#out + 1] = all[i + 1]
    end
  end
  return out
end

-- history reads the events after seq after in epoch (Store.History):
-- {'ok', events}, oldest first, or {'gone'} when they are no longer kept.
-- HIST holds the newest events, oldest first, ending at META's seq.
local function history(epoch, after)
  local seq = tonumber(meta[4])
  if meta[2] ~= epoch or after > seq then return {'gone'} end
  local oldest = seq - redis.call('LLEN', KEYS[HIST]) + 1
  if after + 1 < oldest then return {'gone'} end
  if after == seq then return {'ok', {}} end
  return {'ok', redis.call('LRANGE', KEYS[HIST], after + 1 - oldest, -1)}
end

local op = ARGV[1]
if op == 'get' then -- ARGV[2..]: document keys
  local vals, vers = get(ARGV, 2, #ARGV)
  return {'ok', vals, vers}
elseif op == 'scan' then -- ARGV[2]: a key prefix
  return {'ok', scan({ARGV[2]})}
elseif op == 'ctrscan' then -- ARGV[2]: a counter name prefix
  return {'ok', counters({ARGV[2]})}
elseif op == 'view' then
  -- ARGV[2]: the epoch of a position whose later events are wanted too
  -- ("": none), ARGV[3]: its seq; ARGV[4]: the index (from 1; 0: none)
  -- of a document key whose document names another to read too, in its
  -- field ARGV[5], with the prefix ARGV[6] (rooms.Follow); ARGV[7]: the
  -- number n of document keys, then the keys; then the number m of
  -- counter name prefixes, then those; then the number c of counter
  -- names, then those; then document key prefixes, to the end. Each part
  -- is read only when asked for. The reply has the room's epoch and
  -- version (see commit in common.lua), so that a node may keep what it
  -- read up to date from the room's notices, then the events (see
  -- history), and the followed document's key, value and version, each
  -- false when not asked for or not found.
  local b = 7
  local n = tonumber(ARGV[b])
  local vals, vers = get(ARGV, b + 1, b + n)
  local m = tonumber(ARGV[b + 1 + n])
  local ctr = {}
  if m > 0 then
    ctr = counters({unpack(ARGV, b + 2 + n, b + 1 + n + m)})
  end
  local c = tonumber(ARGV[b + 2 + n + m])
  local named = {}
  if c > 0 then
    named = redis.call('HMGET', KEYS[CTR], unpack(ARGV, b + 3 + n + m, b + 2 + n + m + c))
  end
  local docs = {}
  if #ARGV > b + 2 + n + m + c then
    docs = scan({unpack(ARGV, b + 3 + n + m + c)})
  end
  local events = false
  if ARGV[2] ~= '' then
    events = history(ARGV[2], tonumber(ARGV[3]))
  end
  local followed = false
  local from = tonumber(ARGV[4])
  if from > 0 and vals[from] then
    local ok, doc = pcall(cjson.decode, vals[from])
    local field = ok and type(doc) == 'table' and doc[ARGV[5]]
    if type(field) == 'string' and field ~= '' then
      local k = ARGV[6] .. field
      local fv, fr = get({k}, 1, 1)
      followed = {k, fv[1], fr[1]}
    end
  end
  return {'ok', vals, vers, ctr, docs, named, meta[2], meta[3] or '0', events, followed}
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
