// The JavaScript a phone downloads to open the participant page: the
// scripts index.html loads (entry and module preloads), gzipped. The
// facilitator console and projector are separate chunks loaded only on
// their own routes; so are the phone's retro, help, kudos and ended-room
// parts (src/participant/lazyparts.ts), fetched once the phone is in a
// room. Fails above the budget (60 KB).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 60 * 1024;
const html = readFileSync('dist/index.html', 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
if (!files.length) {
  console.error('no scripts found in dist/index.html: build first (make web)');
  process.exit(1);
}
let raw = 0, gz = 0;
for (const f of files) {
  const b = readFileSync('dist/' + f);
  raw += b.length;
  gz += gzipSync(b, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log(`participant page JavaScript: ${kb(gz)} gzipped (${kb(raw)} raw, ${files.length} file${files.length > 1 ? 's' : ''}); budget ${kb(BUDGET)}`);
process.exit(gz > BUDGET ? 1 : 0);
