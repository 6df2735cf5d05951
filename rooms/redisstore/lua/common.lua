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
--   8 deadline: Redis time (unix ms) after which the change is refused
--     as late, its node having given up on it (late.go); 0: none
--   9.. the change, as written by changeArgs in scripts.go
--
-- Each redis.call costs a script a fixed overhead, more than most of the
-- commands themselves, so a change makes as few as it can: META is read
-- once, reads that can share a call do (HMGET, SMISMEMBER), counters are
-- written with one HSET when their sums are exact in Lua's doubles, and
-- the expiry of the room's keys is set on all of them only once per slack
-- (see expire).

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

-- late reports whether a change Redis reached at now (now_ms) came after
-- its deadline (ARGV[8]): its node has answered it unavailable, so it
-- must not be applied. A script checks it before its first write.
local function late(now)
  local deadline = tonumber(ARGV[8])
  return deadline > 0 and now > deadline
end

-- read_meta reads, in one call, what a writing script needs of META:
-- layout (the room is live in this layout when it is LAYOUT), epoch, seq,
-- ttl (ms), code, ext (until when the code key and index entry are known
-- to be kept), exp (the expiry last set on every key of the room,
-- unix ms; 0 when unknown: a room written by an earlier version) and ver
-- (see commit: how many changes wrote documents or counters).
local function read_meta()
  local m = redis.call('HMGET', KEYS[META], 'layout', 'epoch', 'seq', 'ttl', 'code', 'ext', 'exp', 'ver')
  return {layout = m[1], epoch = m[2], seq = tonumber(m[3]), ttl = tonumber(m[4]),
          code = m[5], ext = tonumber(m[6] or '0'), exp = tonumber(m[7] or '0'),
          ver = tonumber(m[8] or '0')}
end

-- CHUNK bounds the arguments one redis.call gets from a list: unpack
-- fails past Lua's C stack (about 8,000), and a script that fails after
-- its first write leaves the change half applied. Even, so that HSET
-- field-value pairs are never split.
local CHUNK = 1000

-- call_list runs cmd on key with the arguments args, in chunks, and
-- returns the replies' elements in order (HMGET, SMISMEMBER).
local function call_list(cmd, key, args)
  if #args <= CHUNK then return redis.call(cmd, key, unpack(args)) end
  local out = {}
  for i = 1, #args, CHUNK do
    local r = redis.call(cmd, key, unpack(args, i, math.min(i + CHUNK - 1, #args)))
    for j = 1, #r do out[#out + 1] = r[j] end
  end
  return out
end

-- call_write runs cmd on key with the arguments args, in chunks, and
-- returns the last reply (SADD, HSET; RPUSH: the list's length).
local function call_write(cmd, key, args)
  local r
  for i = 1, #args, CHUNK do
    r = redis.call(cmd, key, unpack(args, i, math.min(i + CHUNK - 1, #args)))
  end
  return r
end

-- dead_nodes returns the set of nodes whose presence entries expired
-- (they stopped refreshing them: they died), and whether there is any.
-- nodes is PRESN as HGETALL gives it, when the caller has read it.
local function dead_nodes(now, nodes)
  local dead = {}
  local any = false
  nodes = nodes or redis.call('HGETALL', KEYS[PRESN])
  for i = 1, #nodes, 2 do
    if tonumber(nodes[i + 1]) <= now then
      dead[nodes[i]] = true
      any = true
    end
  end
  return dead, any
end

-- entry_node is the node of a PRES field ("node NUL member").
local function entry_node(f)
  return string.sub(f, 1, string.find(f, '\0', 1, true) - 1)
end

-- decode reads the change that starts at ARGV[i].
local function decode(i)
  local c = {rfield = ARGV[i], nfield = ARGV[i + 1], qprefix = ARGV[i + 2],
             store = ARGV[i + 3] == '1', reply = ARGV[i + 4]}
  i = i + 5
  -- Each item is made by a constructor, sized at once: filled one field
  -- at a time, a table grows (and is rehashed) at its first, second and
  -- third, which cost a vote 3 % of Redis's instructions (callgrind.sh).
  local function list(width)
    local n = tonumber(ARGV[i])
    i = i + 1
    local out = {}
    for j = 1, n do
      if width == 1 then
        out[j] = {ARGV[i]}
      elseif width == 2 then
        out[j] = {ARGV[i], ARGV[i + 1]}
      else
        out[j] = {ARGV[i], ARGV[i + 1], ARGV[i + 2]}
      end
      i = i + width
    end
    return out
  end
  c.expect = list(2)  -- key, version ("0": absent)
  c.once = list(2)    -- set name, member token
  c.puts = list(3)    -- key, version ("0": delete), value
  c.drops = list(1)   -- tagged prefix: see below
  c.incrs = list(3)   -- key, by, max ("0": no limit)
  c.events = list(1)  -- event JSON without its opening '{' and first fields
  c.touched = ARGV[i] -- JSON array of names, or ""
  -- A drop is tagged (changeArgs): 'd' and a document key prefix, every
  -- document under it deleted (rooms.Change.Drops), or 'c' and a counter
  -- name prefix, every counter under it deleted (CounterDrops). One list
  -- for both, so that a change with neither (a vote) costs as before:
  -- c.cdrops, the counter prefixes, is nil unless there are some.
  if #c.drops > 0 then
    local docs, ctrs = {}, {}
    for _, d in ipairs(c.drops) do
      local p = string.sub(d[1], 2)
      if string.sub(d[1], 1, 1) == 'c' then ctrs[#ctrs + 1] = p else docs[#docs + 1] = {p} end
    end
    c.drops = docs  -- {{prefix}, …}
    if #ctrs > 0 then c.cdrops = ctrs end  -- {prefix, …}
  end
  return c
end

-- REPLY_PER_PARTICIPANT is rooms.ReplyPerParticipant: the least answers
-- per participant a room keeps (see commit). MARKS_PER_ANSWER is
-- rooms.AppliedPerAnswer: how many more commands that changed the room are
-- known as applied than answers are kept; MARKS counts them in rep.
local REPLY_PER_PARTICIPANT = 64
local MARKS_PER_ANSWER = 4
local MARKS = 'm'

-- EXACT is where doubles stop holding every integer: counter sums below
-- it are written by check's arithmetic, others by HINCRBY's.
local EXACT = 2 ^ 53

-- check runs every precondition in the documented order and returns the
-- failure as a reply, or nil when the change may be applied. It writes
-- nothing, so a failed change leaves no trace. What it reads that commit
-- needs is kept in c: the room's count of kept answers (c.answers), the
-- counters' new values (c.ctr, when exact), and whether the rep and ctr
-- hashes lack their filler, so that commit writing them may create them
-- (c.rep_born, c.ctr_born).
local function check(c, epoch, seq)
  if c.rfield ~= '' then
    -- afield marks a command that changed the room, kept after its
    -- answer has left the ring: sent again, it is a duplicate whose
    -- answer is gone (false: a plain ack), never applied twice.
    c.afield = 'a' .. string.sub(c.rfield, 2)
    local r = redis.call('HMGET', KEYS[REP], c.rfield, c.nfield, ORDER, c.afield, MARKS)
    if r[1] then return {'dup', epoch, seq, r[1]} end
    if r[4] then return {'applied', epoch, seq} end
    c.answers = tonumber(r[2] or '0')
    c.marks = tonumber(r[5] or '0')
    c.rep_born = not r[3]
  end
  -- One HMGET per class hash for the versions of all its documents.
  local fields, wants, read = {}, {}, {}
  for _, e in ipairs(c.expect) do
    local cls = class_of(e[1])
    if not fields[cls] then
      fields[cls], wants[cls] = {}, {}
      read[#read + 1] = cls
    end
    local f = fields[cls]
    f[#f + 1] = 'v' .. e[1]
    wants[cls][#f] = e[2]
  end
  for _, cls in ipairs(read) do
    local got = call_list('HMGET', doc_hash(cls), fields[cls])
    for j, want in ipairs(wants[cls]) do
      if (got[j] or '0') ~= want then
        return {'conflict', epoch, seq}
      end
    end
  end
  if #c.once > 0 then
    local tokens = {}
    for j, o in ipairs(c.once) do tokens[j] = o[2] end
    local member = call_list('SMISMEMBER', KEYS[ONCE], tokens)
    local seen = {}
    for j, o in ipairs(c.once) do
      if seen[o[2]] or member[j] == 1 then
        return {'once', epoch, seq, o[1]}
      end
      seen[o[2]] = true
    end
  end
  if #c.incrs > 0 then
    -- The filler first: its absence tells commit that ctr may be new.
    local names, at = {ORDER}, {}
    for _, in_ in ipairs(c.incrs) do
      if not at[in_[1]] then
        names[#names + 1] = in_[1]
        at[in_[1]] = #names
      end
    end
    local cur = call_list('HMGET', KEYS[CTR], names)
    c.ctr_born = not cur[1]
    if c.cdrops then
      -- A counter the change drops counts from 0 (commit drops first).
      for j = 2, #names do
        if has_prefix(names[j], c.cdrops) then cur[j] = false end
      end
    end
    local sums, exact = {}, true
    for _, in_ in ipairs(c.incrs) do
      local key, by, max = in_[1], tonumber(in_[2]), tonumber(in_[3])
      local was = tonumber(cur[at[key]] or '0')
      sums[key] = (sums[key] or 0) + by
      local after = was + sums[key]
      -- Past int64, HINCRBY would fail halfway through commit, and Redis
      -- does not undo a script's earlier writes: refuse it here instead.
      -- (In doubles: exact to 2^53; a sum within 2^11 of 2^63 is refused.)
      if (max > 0 and after > max) or math.abs(after) >= 2 ^ 63 then
        return {'limit', epoch, seq, key}
      end
      if math.abs(was) >= EXACT or math.abs(by) >= EXACT or math.abs(sums[key]) >= EXACT or math.abs(after) >= EXACT then
        exact = false
      end
    end
    if exact then
      -- Field-value pairs of every counter's new value, for one HSET.
      c.ctr = {}
      for j = 2, #names do
        c.ctr[#c.ctr + 1] = names[j]
        c.ctr[#c.ctr + 1] = int(tonumber(cur[j] or '0') + sums[names[j]])
      end
    end
  end
  return nil
end

-- born lists the keys a change wrote that it may have created, or made
-- again after an eviction, without an expiry (see expire); bear adds one.
local born, borne = {}, {}
local function bear(key)
  if not borne[key] then
    borne[key] = true
    born[#born + 1] = key
  end
end

-- expire keeps the room's keys expiring together, at the room's expiry,
-- after a change or Touch at now. The expiry last set on every key of the
-- room (META's exp) may lag behind now + ttl by the slack, ttl/20 but at
-- most a minute (rooms.ExpirySlack): a room expires between ttl - slack
-- and ttl after its last change or Touch (docs/operations.md), and a
-- burst of changes sets the expiry of every key once per slack instead of
-- once per change. When exp lags by more, every key of the room, its
-- class hashes too, gets now + ttl (the refresh), and exp moves there;
-- else only the keys in born get exp, with NX: a key that had an expiry
-- keeps it, and one this change created gets the one every other key of
-- the room has, so none lives without an expiry or expires before META.
-- The join code key and the room index live in other slots, so Go
-- refreshes them; to spare it a round trip on every change, they are kept
-- valid until ext (up to two ttls ahead) and moved is 1 only when that
-- horizon had to move. META's fields to write are added to set. Returns
-- moved and ext.
local function expire(now, meta, set)
  local exp = now + meta.ttl
  if meta.exp >= exp - math.min(math.floor(meta.ttl / 20), 60000) then
    for _, key in ipairs(born) do
      redis.call('PEXPIREAT', key, int(meta.exp), 'NX')
    end
    return 0, meta.ext
  end
  for i = 1, #KEYS do
    redis.call('PEXPIREAT', KEYS[i], int(exp))
  end
  for _, cls in ipairs(classes()) do
    redis.call('PEXPIREAT', doc_hash(cls), int(exp))
  end
  set[#set + 1] = 'exp'
  set[#set + 1] = int(exp)
  if exp > meta.ext then
    local ext = exp + meta.ttl
    set[#set + 1] = 'ext'
    set[#set + 1] = int(ext)
    return 1, ext
  end
  return 0, meta.ext
end

-- writable makes sure class cls has its hash, made a hash table by the
-- filler before any document is written to it (see room.lua), and is
-- listed in KEYS[CLASSES]; once per class and script. Both calls are
-- no-ops when the class exists; making both anyway keeps a class hash
-- that somehow lost its entry (an eviction) listed. Either call that
-- wrote something may have created its key: born.
-- creating.fresh is set by create.lua: a new room's class hashes start
-- empty whatever an eviction left under their names.
local ready = {}
local creating = {fresh = false}
local function writable(cls)
  if ready[cls] then return end
  if creating.fresh then redis.call('DEL', doc_hash(cls)) end
  if redis.call('HSETNX', doc_hash(cls), ORDER, FILLER) == 1 then bear(doc_hash(cls)) end
  if redis.call('HSET', KEYS[CLASSES], cls, '1') == 1 then bear(KEYS[CLASSES]) end
  ready[cls] = true
end

-- drop_class removes class cls: its hash and its entry.
local function drop_class(cls)
  redis.call('DEL', doc_hash(cls))
  redis.call('HDEL', KEYS[CLASSES], cls)
  ready[cls] = nil
end

-- drop_prefixes deletes every document whose key starts with one of
-- the change's drops (rooms.Change.Drops) and returns the classes it
-- deleted from. Only the classes whose keys may start with a prefix are
-- looked into (relation): for a prefix with a ':', its own class.
local function drop_prefixes(drops)
  local out = {}
  if #drops == 0 then return out end
  local ps = {}
  for j, d in ipairs(drops) do ps[j] = d[1] end
  for _, cls in ipairs(classes()) do
    local whole, some = false, false
    for _, p in ipairs(ps) do
      local r = relation(cls, p)
      if r == 'all' then whole = true elseif r == 'some' then some = true end
    end
    if whole then
      drop_class(cls)
      out[#out + 1] = cls
    elseif some then
      local h = doc_hash(cls)
      local gone = {}
      for _, f in ipairs(redis.call('HKEYS', h)) do
        if f ~= ORDER and has_prefix(string.sub(f, 2), ps) then gone[#gone + 1] = f end
      end
      if #gone > 0 then
        call_write('HDEL', h, gone)
        out[#out + 1] = cls
        if redis.call('HLEN', h) <= 1 then drop_class(cls) end
      end
    end
  end
  return out
end

-- commit applies a change check passed: documents, counters, once-only
-- sets, the reply, then events (numbered, kept, published) and Touch
-- notices, and finally the expiry of the room's keys. meta is what
-- read_meta read (create.lua makes its own); now is Redis's clock, read
-- before the script's first write to check the change is not late.
local function commit(c, meta, now)
  local dropped = drop_prefixes(c.drops)
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
  -- The counters dropped (rooms.Change.CounterDrops), before the Incrs:
  -- every counter's name is looked at. cdropped: their prefixes, for the
  -- notice, when there were any. (Inline: a function of its own would be
  -- made again on every run of the script, a vote's too.)
  local cdropped = nil
  if c.cdrops then
    local gone = {}
    for _, f in ipairs(redis.call('HKEYS', KEYS[CTR])) do
      if f ~= ORDER and has_prefix(f, c.cdrops) then gone[#gone + 1] = f end
    end
    if #gone > 0 then
      call_write('HDEL', KEYS[CTR], gone)
      cdropped = c.cdrops
    end
  end
  -- now: the new value of every counter written, as name, value pairs.
  local now_ctr = c.ctr
  if #c.incrs > 0 then
    if c.ctr then
      call_write('HSET', KEYS[CTR], c.ctr)
    else
      local names, seen = {}, {}
      for _, in_ in ipairs(c.incrs) do
        redis.call('HINCRBY', KEYS[CTR], in_[1], in_[2])
        if not seen[in_[1]] then
          seen[in_[1]] = true
          names[#names + 1] = in_[1]
        end
      end
      -- Read back as strings: HINCRBY's reply becomes a Lua double,
      -- which rounds exactly the sums this path is for.
      local vals = call_list('HMGET', KEYS[CTR], names)
      now_ctr = {}
      for j, k in ipairs(names) do
        now_ctr[#now_ctr + 1] = k
        now_ctr[#now_ctr + 1] = vals[j]
      end
    end
    if c.ctr_born then bear(KEYS[CTR]) end
  end
  if #c.once > 0 then
    local tokens, added, names = {}, {}, {}
    for j, o in ipairs(c.once) do
      tokens[j] = o[2]
      if not added[o[1]] then names[#names + 1] = o[1] end
      added[o[1]] = (added[o[1]] or 0) + 1
    end
    call_write('SADD', KEYS[ONCE], tokens)
    -- Nothing tells cheaply whether the set existed (SADD's reply counts
    -- members): give it the room's expiry unless it has one.
    bear(KEYS[ONCE])
    for _, name in ipairs(names) do
      -- A count equal to what was added: the set's first members, so
      -- the sets hash may be new.
      if redis.call('HINCRBY', KEYS[SETS], name, added[name]) == added[name] then bear(KEYS[SETS]) end
    end
  end
  if c.rfield ~= '' and c.store then
    -- The room's answers sit in a ring of window slots (whoever sent
    -- them; see rooms.DefaultReplyWindow): writing answer n evicts the
    -- one that held slot n mod window before it.
    -- Below the window, answer n takes slot n, which no earlier answer k
    -- took (its slot, k mod the window of its day, is at most k < n):
    -- only from n = window on can the slot hold an answer to evict (slot
    -- 0 too, under a window that was once smaller), so only then is it
    -- read.
    local n = c.answers + 1
    local window = tonumber(ARGV[4])
    if n >= window then
      -- At least REPLY_PER_PARTICIPANT answers per participant
      -- (rooms.ReplyPerParticipant), read only once the room is past the
      -- base window.
      local p = tonumber(redis.call('HGET', KEYS[CTR], 'participants') or '0')
      window = math.max(window, REPLY_PER_PARTICIPANT * p)
    end
    local slot = c.qprefix .. int(n % window)
    if n >= window then
      local old = redis.call('HGET', KEYS[REP], slot)
      if old then redis.call('HDEL', KEYS[REP], old) end
    end
    local fields = {slot, c.rfield, c.rfield, c.reply, c.nfield, int(n)}
    if #c.drops > 0 or #c.puts > 0 or c.cdrops or #c.incrs > 0 or #c.events > 0 or #c.once > 0 or c.touched ~= '' then
      -- The command changed the room: its marker (afield) outlives its
      -- answer, in a ring of MARKS_PER_ANSWER times the answers' window
      -- (slots 'p:<m>', the count in MARKS), so that memory stays
      -- bounded; only changes turn it over, not refusals.
      local m = c.marks + 1
      local mwindow = MARKS_PER_ANSWER * window
      local mslot = 'p:' .. int(m % mwindow)
      if m >= mwindow then
        local old = redis.call('HGET', KEYS[REP], mslot)
        if old then redis.call('HDEL', KEYS[REP], old) end
      end
      for _, v in ipairs({c.afield, '1', mslot, c.afield, MARKS, int(m)}) do fields[#fields + 1] = v end
    end
    redis.call('HSET', KEYS[REP], unpack(fields))
    if c.rep_born then bear(KEYS[REP]) end
  end

  local seq = meta.seq
  local at = int(now)
  local set = {}
  -- A change that writes documents or counters moves the room's version
  -- (META's ver). Every notice carries the room's version; the first one
  -- of a change that moved it also has the new values of the counters
  -- the change wrote and the classes of the documents it wrote: a node
  -- that follows the room keeps the room's counters up to date from
  -- these and reads them only when it missed a version (see mirror.go).
  -- A change that moved it with neither events nor Touch publishes a
  -- notice of its own for it.
  local ver = meta.ver
  local head_fields = ''
  if #c.puts > 0 or #c.incrs > 0 or #dropped > 0 or cdropped then
    ver = ver + 1
    set[#set + 1] = 'ver'
    set[#set + 1] = int(ver)
    if cdropped then
      -- Before ctr: a follower deletes these, then sets those.
      head_fields = head_fields .. ',"cdrop":' .. cjson.encode(cdropped)
    end
    if now_ctr and #now_ctr > 0 then
      head_fields = head_fields .. ',"ctr":' .. cjson.encode(now_ctr)
    end
    if #c.puts > 0 or #dropped > 0 then
      local cls, seen = {}, {}
      for _, k in ipairs(dropped) do
        seen[k] = true
        cls[#cls + 1] = k
      end
      for _, p in ipairs(c.puts) do
        local k = class_of(p[1])
        if not seen[k] then
          seen[k] = true
          cls[#cls + 1] = k
        end
      end
      head_fields = head_fields .. ',"cls":' .. cjson.encode(cls)
    end
  end
  local ver_fields = ',"epoch":"' .. meta.epoch .. '","ver":' .. int(ver)
  local published = false
  if #c.events > 0 then
    local head = '{"room":' .. ARGV[1] .. ',"epoch":"' .. meta.epoch .. '","seq":'
    local evs = {}
    for j, e in ipairs(c.events) do
      seq = seq + 1
      evs[j] = head .. int(seq) .. ',' .. e[1]
    end
    local len = call_write('RPUSH', KEYS[HIST], evs)
    if len == #evs then bear(KEYS[HIST]) end
    for _, ev in ipairs(evs) do
      -- Published inside the script, so the order on the channel is the
      -- order of seq, whichever node applied the change.
      redis.call('PUBLISH', ARGV[2], '{"at":' .. at .. ver_fields .. head_fields .. ',"event":' .. ev .. '}')
      head_fields, published = '', true
    end
    set[#set + 1] = 'seq'
    set[#set + 1] = int(seq)
    if len > tonumber(ARGV[3]) then
      redis.call('LTRIM', KEYS[HIST], -tonumber(ARGV[3]), -1)
    end
  end
  if c.touched ~= '' then
    redis.call('PUBLISH', ARGV[2], '{"at":' .. at .. ver_fields .. head_fields .. ',"touched":' .. c.touched .. '}')
    published = true
  end
  if ver ~= meta.ver and not published then
    redis.call('PUBLISH', ARGV[2], '{"at":' .. at .. ver_fields .. head_fields .. '}')
  end
  local moved, ext = expire(now, meta, set)
  if #set > 0 then
    redis.call('HSET', KEYS[META], unpack(set))
  end
  return {'ok', meta.epoch, seq, moved, meta.code, int(ext), int(ver)}
end
