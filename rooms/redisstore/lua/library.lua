-- library.lua: the library (rooms.Library), one collection per hash tag.
-- KEYS[1] is the collection's index, a sorted set of ids scored by their
-- expiry (unix ms; +inf for never), KEYS[2] the document's hash {v, d}
-- (unused by "list"). ARGV[1] is the operation.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local op = ARGV[1]
if op == 'put' then
  -- ARGV: op, id, expect ('any', '0' or a version), new version, value,
  -- ttl ms (0: never), max live documents (0: no limit)
  local now = now_ms()
  -- Expired documents leave the index here too, so it does not grow with
  -- collections that are never listed.
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
  local cur = redis.call('HGET', KEYS[2], 'v')
  local expect = ARGV[3]
  if expect ~= 'any' then
    if expect == '0' then
      if cur then return 'conflict' end
    elseif cur ~= expect then
      return 'conflict'
    end
  end
  local max = tonumber(ARGV[7])
  if not cur and max > 0 and redis.call('ZCARD', KEYS[1]) >= max then
    return 'full'
  end
  redis.call('HSET', KEYS[2], 'v', ARGV[4], 'd', ARGV[5])
  local ttl = tonumber(ARGV[6])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2], ttl)
    redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
  else
    redis.call('PERSIST', KEYS[2])
    redis.call('ZADD', KEYS[1], '+inf', ARGV[2])
  end
  return 'ok'
elseif op == 'delete' then
  -- ARGV: op, id, expect
  local cur = redis.call('HGET', KEYS[2], 'v')
  if not cur then
    redis.call('ZREM', KEYS[1], ARGV[2])
    return 'notfound'
  end
  if ARGV[3] ~= 'any' and cur ~= ARGV[3] then return 'conflict' end
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[1], ARGV[2])
  return 'ok'
elseif op == 'list' then
  -- ARGV: op, the prefix of document keys. Drops expired index entries,
  -- then returns id, version, value for every live document. The
  -- documents' keys are not in KEYS (they are not known before the index
  -- is read); they share the collection's hash tag, so they live in the
  -- same slot as KEYS[1], which is what Redis Cluster needs.
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now_ms())
  local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
  local out = {}
  for _, id in ipairs(ids) do
    local d = redis.call('HMGET', ARGV[2] .. id, 'v', 'd')
    if d[1] then
      out[#out + 1] = id
      out[#out + 1] = d[1]
      out[#out + 1] = d[2]
    end
  end
  return out
end
return redis.error_reply('library.lua: unknown operation ' .. tostring(op))
