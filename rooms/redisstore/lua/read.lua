#!lua flags=no-writes
-- read.lua: the point reads (Get, Counters, Has, Reply). KEYS[1] is the
-- room's meta key, so a missing room is told apart from a missing value;
-- KEYS[2..] the structures read. ARGV[1] names the read.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'notfound'} end
local op = ARGV[1]
if op == 'get' then -- KEYS[2] docs, KEYS[3] vers
  local vals, vers = {}, {}
  for i = 2, #ARGV do
    vals[i - 1] = redis.call('HGET', KEYS[2], ARGV[i])
    vers[i - 1] = redis.call('HGET', KEYS[3], ARGV[i])
  end
  return {'ok', vals, vers}
elseif op == 'counters' then -- KEYS[2] ctr
  local out = {}
  for i = 2, #ARGV do out[i - 1] = redis.call('HGET', KEYS[2], ARGV[i]) end
  return {'ok', out}
elseif op == 'has' then -- KEYS[2] once
  return {'ok', redis.call('SISMEMBER', KEYS[2], ARGV[2])}
elseif op == 'reply' then -- KEYS[2] rep
  return {'ok', redis.call('HGET', KEYS[2], ARGV[2])}
end
return redis.error_reply('read.lua: unknown op ' .. tostring(op))
