-- common.lua is prepended (after room.lua) to create.lua, apply.lua,
-- touch.lua, presence.lua and online.lua (see scripts.go), so they agree
-- on how a change is read, checked and applied, and on how a room's
-- expiry is refreshed.
--
-- KEYS: every key of the room (see room.lua).
-- ARGV (create.lua and apply.lua):
--   1 room id as a JSON string   2 pub/sub channel
--   3 history limit              4 reply window
--   5 epoch, 6 ttl ms, 7 code    (create.lua only; empty for apply.lua)
--   8.. the change, as written by changeArgs in scripts.go

-- Lua numbers are doubles: format integers ourselves so that large ones
-- never turn into "1e+15" on their way to Redis.
local function int(n)
  return string.format('%d', n)
end

-- now_ms is Redis's clock, so every node agrees on expiries and on the
-- publish time of notices.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- decode reads the change that starts at ARGV[i].
local function decode(i)
  local c = {rfield = ARGV[i], nfield = ARGV[i + 1], qprefix = ARGV[i + 2],
             store = ARGV[i + 3] == '1', reply = ARGV[i + 4]}
  i = i + 5
  local function list(width)
    local n = tonumber(ARGV[i])
    i = i + 1
    local out = {}
    for j = 1, n do
      local item = {}
      for k = 1, width do item[k] = ARGV[i + k - 1] end
      out[j] = item
      i = i + width
    end
    return out
  end
  c.expect = list(2)  -- key, version ("0": absent)
  c.once = list(2)    -- set name, member token
  c.puts = list(3)    -- key, version ("0": delete), value
  c.incrs = list(3)   -- key, by, max ("0": no limit)
  c.events = list(1)  -- event JSON without its opening '{' and first fields
  c.touched = ARGV[i] -- JSON array of names, or ""
  return c
end

-- check runs every precondition in the documented order and returns the
-- failure as a reply, or nil when the change may be applied. It writes
-- nothing, so a failed change leaves no trace.
local function check(c, epoch, seq)
  if c.rfield ~= '' then
    local rep = redis.call('HGET', KEYS[REP], c.rfield)
    if rep then return {'dup', epoch, seq, rep} end
  end
  for _, e in ipairs(c.expect) do
    if (redis.call('HGET', doc_hash(class_of(e[1])), 'v' .. e[1]) or '0') ~= e[2] then
      return {'conflict', epoch, seq}
    end
  end
  local seen = {}
  for _, o in ipairs(c.once) do
    if seen[o[2]] or redis.call('SISMEMBER', KEYS[ONCE], o[2]) == 1 then
      return {'once', epoch, seq, o[1]}
    end
    seen[o[2]] = true
  end
  local sums = {}
  for _, in_ in ipairs(c.incrs) do
    local key, max = in_[1], tonumber(in_[3])
    sums[key] = (sums[key] or 0) + tonumber(in_[2])
    local after = tonumber(redis.call('HGET', KEYS[CTR], key) or '0') + sums[key]
    -- Past int64, HINCRBY would fail halfway through commit, and Redis
    -- does not undo a script's earlier writes: refuse it here instead.
    -- (In doubles: exact to 2^53; a sum within 2^11 of 2^63 is refused.)
    if (max > 0 and after > max) or math.abs(after) >= 2 ^ 63 then
      return {'limit', epoch, seq, key}
    end
  end
  return nil
end

-- refresh pushes the expiry of every key of the room, its class hashes
-- too, to now + ttl. The join code key and the room index live in other
-- slots, so Go refreshes them; to spare it a round trip on every change,
-- they are kept valid until "ext" (up to two ttls ahead) and refresh is 1
-- only when that horizon had to move.
local function refresh(now)
  local m = redis.call('HMGET', KEYS[META], 'ttl', 'ext', 'code')
  local ttl = tonumber(m[1])
  local exp = now + ttl
  local ext = tonumber(m[2] or '0')
  local moved = 0
  if exp > ext then
    ext = exp + ttl
    redis.call('HSET', KEYS[META], 'ext', int(ext))
    moved = 1
  end
  for i = 1, #KEYS do
    redis.call('PEXPIREAT', KEYS[i], int(exp))
  end
  for _, cls in ipairs(classes()) do
    redis.call('PEXPIREAT', doc_hash(cls), int(exp))
  end
  return moved, m[3], int(ext)
end

-- writable makes sure class cls has its hash, made a hash table by the
-- filler before any document is written to it (see room.lua), and is
-- listed in KEYS[CLASSES]; once per class and script. Both calls are
-- no-ops when the class exists; making both anyway keeps a class hash
-- that somehow lost its entry (an eviction) listed.
-- creating.fresh is set by create.lua: a new room's class hashes start
-- empty whatever an eviction left under their names.
local ready = {}
local creating = {fresh = false}
local function writable(cls)
  if ready[cls] then return end
  if creating.fresh then redis.call('DEL', doc_hash(cls)) end
  redis.call('HSETNX', doc_hash(cls), ORDER, FILLER)
  redis.call('HSET', KEYS[CLASSES], cls, '1')
  ready[cls] = true
end

-- drop_class removes class cls: its hash and its entry.
local function drop_class(cls)
  redis.call('DEL', doc_hash(cls))
  redis.call('HDEL', KEYS[CLASSES], cls)
  ready[cls] = nil
end

-- commit applies a checked change: documents, counters, once-only sets,
-- the reply, then events (numbered, kept, published) and Touch notices,
-- and finally the expiry of all the room's keys.
local function commit(c, epoch)
  local now = now_ms()
  for _, p in ipairs(c.puts) do
    local key = p[1]
    local cls = class_of(key)
    local h = doc_hash(cls)
    if p[2] ~= '0' then
      writable(cls)
      redis.call('HSET', h, 'd' .. key, p[3], 'v' .. key, p[2])
    elseif redis.call('HDEL', h, 'd' .. key, 'v' .. key) > 0 and redis.call('HLEN', h) <= 1 then
      -- The class's last document: only the filler is left. Drop the
      -- class, so Load and the expiry refresh no longer visit it.
      drop_class(cls)
    end
  end
  for _, in_ in ipairs(c.incrs) do
    redis.call('HINCRBY', KEYS[CTR], in_[1], in_[2])
  end
  for _, o in ipairs(c.once) do
    redis.call('SADD', KEYS[ONCE], o[2])
    redis.call('HINCRBY', KEYS[SETS], o[1], 1)
  end
  if c.rfield ~= '' and c.store then
    -- Each actor's answers sit in a ring of ReplyWindow slots: writing
    -- answer n evicts the one that held slot n mod window before it.
    local n = redis.call('HINCRBY', KEYS[REP], c.nfield, 1)
    local slot = c.qprefix .. int(n % tonumber(ARGV[4]))
    local old = redis.call('HGET', KEYS[REP], slot)
    if old then redis.call('HDEL', KEYS[REP], old) end
    redis.call('HSET', KEYS[REP], slot, c.rfield, c.rfield, c.reply)
  end

  local seq = tonumber(redis.call('HGET', KEYS[META], 'seq'))
  local at = int(now)
  if #c.events > 0 then
    local head = '{"room":' .. ARGV[1] .. ',"epoch":"' .. epoch .. '","seq":'
    for _, e in ipairs(c.events) do
      seq = seq + 1
      local ev = head .. int(seq) .. ',' .. e[1]
      redis.call('RPUSH', KEYS[HIST], ev)
      -- Published inside the script, so the order on the channel is the
      -- order of seq, whichever node applied the change.
      redis.call('PUBLISH', ARGV[2], '{"at":' .. at .. ',"event":' .. ev .. '}')
    end
    redis.call('HSET', KEYS[META], 'seq', int(seq))
    redis.call('LTRIM', KEYS[HIST], -tonumber(ARGV[3]), -1)
  end
  if c.touched ~= '' then
    redis.call('PUBLISH', ARGV[2], '{"at":' .. at .. ',"touched":' .. c.touched .. '}')
  end
  local moved, code, ext = refresh(now)
  return {'ok', epoch, seq, moved, code, ext}
end
