import { describe, expect, it } from 'vitest';
import { splitFrame } from './frames';

describe('splitFrame', () => {
  it('reads one message', () => {
    expect(splitFrame('{"type":"ping"}')).toEqual([{ type: 'ping' }]);
  });
  it('splits messages packed into one frame, in order', () => {
    const f = ['{"type":"welcome","recovered":true}', '{"type":"event","event":"room.updated","seq":3,"epoch":"E"}', '{"type":"presence","online":1,"participants":1}'].join('\n');
    expect(splitFrame(f).map((m) => m.type)).toEqual(['welcome', 'event', 'presence']);
  });
  it('skips empty and broken parts and keeps the rest', () => {
    expect(splitFrame('{"type":"ack","id":"a"}\n\n{broken\n[1]\n{"no":"type"}\n {"type":"pong"} ')).toEqual([
      { type: 'ack', id: 'a' },
      { type: 'pong' },
    ]);
  });
  it('keeps a newline escaped inside a JSON string', () => {
    expect(splitFrame('{"type":"state","key":"ex:1","data":{"text":"a\\nb"}}')[0]).toMatchObject({ data: { text: 'a\nb' } });
  });
});
