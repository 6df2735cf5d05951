-- drop.lua: undo a create whose join code was taken. KEYS: the room's
-- keys; ARGV[1]: the epoch it was created with, so that a room created
-- since under the same id is never touched.
if redis.call('HGET', KEYS[META], 'epoch') == ARGV[1] then
  for _, cls in ipairs(classes()) do
    redis.call('DEL', doc_hash(cls))
  end
  redis.call('DEL', unpack(KEYS))
  return 1
end
return 0
