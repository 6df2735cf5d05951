-- keepcode.lua: extend a join code key to a room's new horizon. KEYS[1]:
-- the code key. ARGV: the room's "id epoch", the horizon (unix ms). A key
-- lost to a failed refresh is put back unless another room holds the code.
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIREAT', KEYS[1], ARGV[2], 'GT')
  return 1
end
return 0
