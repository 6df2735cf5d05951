-- load.lua: Store.Load and LoadWith, everything of a room read in one
-- atomic step. KEYS: every key of the room (see room.lua). ARGV[1]: n,
-- the number of documents read by key whatever is skipped (LoadWith's
-- keys), which follow; then key prefixes of documents to leave out
-- (their values never leave Redis). Sets report sizes only: the once key
-- holds tokens, never names.
--
-- A class is skipped whole, without touching its hash, when every key of
-- it starts with a skipped prefix ("member:" skips the class "member:");
-- a prefix finer than a class ("bal:e1:") makes its class be read and
-- filtered; prefixes that cannot match a class leave it whole. So a
-- participant's snapshot costs the classes it returns, not the room.
local m = redis.call('HMGET', KEYS[META], 'epoch', 'seq', 'layout')
if m[3] ~= LAYOUT then return {'notfound'} end
local n = tonumber(ARGV[1])
local skip = {}
for i = n + 2, #ARGV do skip[#skip + 1] = ARGV[i] end
local docs = {}
for _, cls in ipairs(classes()) do
  local partial, whole = {}, false
  for _, p in ipairs(skip) do
    local rel = relation(cls, p)
    if rel == 'all' then
      whole = true
      break
    elseif rel == 'some' then
      partial[#partial + 1] = p
    end
  end
  if not whole then
    if #partial > 0 then
      docs[#docs + 1] = doc_fields(cls, nil, partial)
    else
      docs[#docs + 1] = doc_fields(cls)
    end
  end
end
-- The documents by key: values and versions, false when absent.
local vals, vers = {}, {}
for i = 1, n do
  local k = ARGV[i + 1]
  local r = redis.call('HMGET', doc_hash(class_of(k)), 'd' .. k, 'v' .. k)
  vals[i], vers[i] = r[1], r[2]
end
return {'ok', m[1], tonumber(m[2]), docs,
  redis.call('HGETALL', KEYS[CTR]), redis.call('HGETALL', KEYS[SETS]), vals, vers}
