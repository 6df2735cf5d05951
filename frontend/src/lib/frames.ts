import type { ServerMsg } from './types';

// splitFrame parses one WebSocket text message from the server: one or
// more JSON messages separated by "\n" (docs/protocol.md 3.2). Parts that
// are not JSON objects with a string type are skipped.
export function splitFrame(frame: string): ServerMsg[] {
  const out: ServerMsg[] = [];
  for (const part of frame.split('\n')) {
    const p = part.trim();
    if (!p) continue;
    try {
      const m = JSON.parse(p);
      if (m && typeof m === 'object' && typeof m.type === 'string') out.push(m as ServerMsg);
    } catch {
      // A broken part never stops the others.
    }
  }
  return out;
}
