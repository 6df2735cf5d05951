// Command ids: random, unique per member across reloads and devices.
// crypto.randomUUID needs a secure context, which a phone on http:// over
// the local network is not; getRandomValues works everywhere.
export function newId(prefix = 'c'): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return `${prefix}-${s}`;
}
