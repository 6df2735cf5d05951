-- claim.lua: take a join code. KEYS[1]: the code key. ARGV: this room's
-- "id epoch", a value Go found to belong to a dead room (or ""), and the
-- expiry (unix ms). Taking a dead room's code is a compare-and-set, so two
-- creators that both saw it dead cannot both win.
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] or (ARGV[2] ~= '' and cur == ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
  return {1}
end
return {0, cur}
