// What a phone downloads, gzipped, against two budgets:
//
// - the participant page as it opens: the scripts index.html loads (entry
//   and module preloads). The facilitator console, trainer and projector
//   are chunks loaded only on their own routes; the phone's retro, help,
//   kudos and ended-room parts (src/participant/lazyparts.ts) are chunks
//   fetched once the phone is in a room. Fails above 60 KB.
// - everything a phone may fetch in a room: the page's scripts and
//   styles, and every chunk those lazy parts pull in, with its styles
//   (from Vite's manifest, build-manifest.json). Fails above 95 KB, so a part
//   that grows is noticed even though the page opens without it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const PAGE_BUDGET = 60 * 1024;
const ROOM_BUDGET = 95 * 1024;
const html = readFileSync('dist/index.html', 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
if (!files.length) {
  console.error('no scripts found in dist/index.html: build first (make web)');
  process.exit(1);
}
const weigh = (list) => {
  let raw = 0, gz = 0;
  for (const f of list) {
    const b = readFileSync('dist/' + f);
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  return { raw, gz };
};
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const page = weigh(files);
console.log(`participant page JavaScript: ${kb(page.gz)} gzipped (${kb(page.raw)} raw, ${files.length} file${files.length > 1 ? 's' : ''}); budget ${kb(PAGE_BUDGET)}`);

// In a room: the entry's chunk and styles, then every chunk reachable from
// the phone's lazy parts (static and dynamic imports), with their styles.
const manifest = JSON.parse(readFileSync('build-manifest.json', 'utf8'));
const entry = manifest['index.html'];
const room = new Set([...files, ...(entry.css ?? [])]);
const seen = new Set();
const visit = (key) => {
  if (seen.has(key) || key === 'index.html') return;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) throw new Error(`manifest has no ${key}`);
  room.add(chunk.file);
  for (const c of chunk.css ?? []) room.add(c);
  for (const k of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(k);
};
const parts = (entry.dynamicImports ?? []).filter((k) => k.startsWith('src/participant/'));
if (!parts.length) {
  console.error('the manifest names none of the phone\'s lazy parts (src/participant/…)');
  process.exit(1);
}
parts.forEach(visit);
const inRoom = weigh([...room]);
console.log(`in a room, scripts and styles: ${kb(inRoom.gz)} gzipped (${kb(inRoom.raw)} raw, ${room.size} files, ${parts.length} lazy parts); budget ${kb(ROOM_BUDGET)}`);
process.exit(page.gz > PAGE_BUDGET || inRoom.gz > ROOM_BUDGET ? 1 : 0);
