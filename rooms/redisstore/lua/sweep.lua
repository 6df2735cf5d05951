-- sweep.lua: drop rooms from the index whose horizon has passed, by
-- Redis's clock, and return how many entries are left. KEYS[1]: the index
-- (a sorted set of room id by horizon).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', now))
return redis.call('ZCARD', KEYS[1])
