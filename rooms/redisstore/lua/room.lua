-- room.lua is prepended to every script of a room (see scripts.go): it
-- names the room's keys and says how documents are kept.
--
-- KEYS (every key of one room, all under the room's hash tag):
--   1 meta  2 classes  3 docs  4 ctr  5 once  6 sets  7 rep  8 hist
--   9 pres  10 presn
--
-- Documents are grouped by class: the document key up to and including
-- its first ':' ("member:", "tok:", "bal:", "ex:", …; "" for a key without
-- one). Each class has one hash, named KEYS[DOCS] .. class (KEYS[DOCS] is
-- "P:{R}:d:", itself the hash of class ""), so a Load that skips the
-- members, tokens and ballots never touches them: with one hash for every
-- document, each join's snapshot scanned the whole room, O(N^2) inside
-- Redis for N joins.
--
-- A class hash holds, per document, 'd' .. key → value and 'v' .. key →
-- version. One hash per class rather than a values hash and a versions
-- hash: a document's value and version are always written, deleted and
-- read together, so one hash means one HSET, HDEL or HMGET per document,
-- half the keys per room (each refreshed on every change) and one filler
-- per class. The tags keep the two apart, and no field starts with NUL as
-- the filler's does.
--
-- The class hashes are not passed in KEYS: which classes a room has is
-- only known inside Redis, from KEYS[CLASSES] (a hash: class → "1"). Their
-- names are built here from KEYS[DOCS] and so carry the room's hash tag:
-- they live in the same cluster slot as KEYS, which is what Redis Cluster
-- needs (library.lua does the same for the library's documents).
--
-- Every hash that can hold anonymous data (each class hash, the classes
-- hash, ctr, sets, rep) gets the filler field ORDER with an 80-byte value
-- when it is created, before any other field: a value over
-- hash-max-listpack-value (64 bytes) makes Redis keep the hash as a hash
-- table for good, whose order says nothing of when fields were written,
-- whereas a small hash is a listpack, in the order of writing, which would
-- line up, say, a member's document and the anonymous ballot written just
-- after it.

local META, CLASSES, DOCS, CTR, ONCE, SETS, REP, HIST, PRES, PRESN = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

-- LAYOUT is meta's 'layout' field in a room kept as above. A room written
-- by an earlier version (one docs and one vers hash) lacks it: the
-- scripts take it for absent, so it expires untouched.
local LAYOUT = 'class'
local ORDER = '\0order'
local FILLER = string.rep('.', 80)

-- live reports whether the room exists, in this layout.
local function live()
  return redis.call('HGET', KEYS[META], 'layout') == LAYOUT
end

-- class_of returns the class of a document key.
local function class_of(key)
  local i = string.find(key, ':', 1, true)
  if i then return string.sub(key, 1, i) end
  return ''
end

-- doc_hash names the hash of a class.
local function doc_hash(cls)
  return KEYS[DOCS] .. cls
end

-- classes lists the classes the room has documents in.
local function classes()
  local out = {}
  for _, f in ipairs(redis.call('HKEYS', KEYS[CLASSES])) do
    if f ~= ORDER then out[#out + 1] = f end
  end
  return out
end

-- relation says how the documents of class cls stand to key prefix p:
-- 'all' of them start with p, 'some' may, or 'none' can.
local function relation(cls, p)
  if p == '' then return 'all' end
  if cls == '' then
    -- Keys without ':' cannot start with a prefix that has one.
    if string.find(p, ':', 1, true) then return 'none' end
    return 'some'
  end
  if string.sub(cls, 1, #p) == p then return 'all' end
  if string.sub(p, 1, #cls) == cls then return 'some' end
  return 'none'
end

-- has_prefix reports whether s starts with any of ps.
local function has_prefix(s, ps)
  for _, p in ipairs(ps) do
    if string.sub(s, 1, #p) == p then return true end
  end
  return false
end

-- doc_fields reads a class hash, keeping only the documents whose keys
-- start with one of keep (when given) and with none of drop (when given);
-- the filler is left out whenever fields are picked one by one. Fields
-- come as HGETALL gives them: tagged 'd' or 'v', then the key.
local function doc_fields(cls, keep, drop)
  local all = redis.call('HGETALL', doc_hash(cls))
  if not keep and not drop then return all end
  local out = {}
  for i = 1, #all, 2 do
    local f = all[i]
    if f ~= ORDER then
      local key = string.sub(f, 2)
      if (not keep or has_prefix(key, keep)) and not (drop and has_prefix(key, drop)) then
        out[#out + 1] = f
        out[#out + 1] = all[i + 1]
      end
    end
  end
  return out
end
