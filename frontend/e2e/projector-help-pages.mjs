// A help board of forty-eight requests on the projector, checked in the
// browser against a real huddle binary. The projector cannot scroll: it
// showed the requests that fit and "+N more requests", so most of a long
// board, its resolved requests always, never reached the room. Now it
// shows the board page by page, as the kudos wall is shown
// (projector-kudos-pages.mjs): each page the requests that fit, in the
// board's order (open, then matched, then resolved), turning to the next
// by itself, with a line that says which page is up; with reduced motion
// asked for it turns without fading. A request matched while its page is
// up says so there, and the next page goes on after that page.
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/projector-help-pages.mjs (after make build).
import { suite, roomDriver, until, pagedBoard } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();

const REQUESTS = 48;
const NAMES = ['Ann', 'Ben', 'Cy', 'Dee', 'Eve', 'Flo'];
const TITLES = ['Flaky Go tests', 'Docker on Windows will not start after the last update', 'Redis cluster failover',
  'Reading a flame graph', 'Our CI takes forty minutes: where do we even begin to look?', 'TypeScript generics'];

/** A room made through the API in page, its help board open and asked
 *  REQUESTS requests by six participants' own WebSockets, every third
 *  offered help by the next person and every fifth of those accepted
 *  (matched), every seventh resolved. Kept in the page (window.__help)
 *  to change the board later. The join code, a projector link's token. */
async function longBoard(page) {
  await page.goto(huddle.base + '/healthz');
  await page.evaluate(roomDriver);
  return page.evaluate(async ({ n, names, titles }) => {
    const post = window.__post;
    const connect = window.__connect;
    const r = await post('/api/rooms', { title: 'Sprint 43 review' });
    const fac = await connect(r.room.id, r.facilitator.secret);
    const { exercise } = await fac('agenda.add', { spec: { kind: 'help', title: 'Can you help me?' } });
    await fac('exercise.open', { exercise });
    const people = [];
    for (const name of names) {
      const j = await post('/api/join', { code: r.room.code, name });
      people.push(await connect(r.room.id, j.token));
    }
    const key = `ex:${exercise}`;
    const board = () => fac.states[key]?.requests ?? [];
    const until = async (ok) => {
      const deadline = Date.now() + 5000;
      while (!ok() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    };
    const title = (i) => `#${i + 1} ${titles[i % titles.length]}`;
    for (let i = 0; i < n; i++) {
      await people[i % people.length]('help.request', { exercise, title: title(i), tags: i % 4 ? ['ci'] : [], anonymous: i % 5 === 0 });
    }
    await until(() => board().length >= n);
    const id = (i) => board().find((q) => q.title === title(i)).id;
    for (let i = 0; i < n; i++) {
      const asker = people[i % people.length], helper = people[(i + 1) % people.length];
      if (i % 3 === 1) {
        const { offer } = await helper('help.offer', { exercise, request: id(i), message: 'I can pair on it this afternoon' });
        if (i % 5 === 1) await asker('help.accept', { exercise, request: id(i), offer });
      }
      if (i % 7 === 3) await asker('help.resolve', { exercise, request: id(i) });
    }
    await until(() => board().filter((q) => q.status !== 'open').length >= 9);
    window.__help = { exercise, people, board, id: (t) => board().find((q) => q.title === t).id };
    const { token } = await fac('room.screen_link', {});
    return { code: r.room.code, token };
  }, { n: REQUESTS, names: NAMES, titles: TITLES });
}

/** The board's requests' titles in its order, as the server sends it. */
const order = (setup) => setup.evaluate(() => window.__help.board().map((q) => q.title));

/** The board's parts on the projector, for pagedDrawn (harness.mjs):
 *  the requests' titles in order, their statuses, the page line. */
const parts = { board: '[data-testid=help-board]', item: '.req', text: 'strong', page: '[data-testid=help-page]', more: '[data-testid=help-more]', badge: '.badge' };

/** How full the page drawn is: for each column of requests (by their
 *  left edge), the pixels left empty between its last request and the
 *  room of the page line above the screen's bottom (the screen's 16 px
 *  margin and lib/fit's MORE_LINE_REM, 2.6rem); the tallest request with
 *  the gap under it; and whether the requests reach the list's right
 *  edge (no column left empty). */
function fullness() {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const floor = innerHeight - 16 - 2.6 * rem;
  const list = document.querySelector('[data-testid=help-board] .reqs').getBoundingClientRect();
  const reqs = [...document.querySelectorAll('[data-testid=help-board] .req')].map((li) => li.getBoundingClientRect());
  const columns = new Map();
  for (const r of reqs) columns.set(Math.round(r.left), Math.max(columns.get(Math.round(r.left)) ?? 0, r.bottom));
  return {
    empty: [...columns.values()].map((bottom) => Math.round(floor - bottom)),
    tallest: Math.max(...reqs.map((r) => r.height)) + 0.4 * rem,
    across: Math.max(...reqs.map((r) => r.right)) >= list.right - rem,
  };
}

const { drawn, full, shotTurned, pageUp } = pagedBoard(parts, fullness, { one: 'request', many: 'requests', texts: 'titles', board: 'board' });

let setup, proj, still, board;

let onFirst;

async function firstPage() {
  setup = await newPage(await browser.newContext(), 'the room of the long board');
  const room = await longBoard(setup);
  board = await order(setup);
  if (board.length !== REQUESTS) throw new Error(`the board holds ${board.length} requests, not ${REQUESTS}`);
  proj = await newPage(await browser.newContext({ viewport: { width: 1280, height: 720 } }), 'projector of the long board');
  still = await newPage(await browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' }), 'projector of the long board, reduced motion');
  for (const p of [proj, still]) await p.goto(`${huddle.base}/screen/${room.code}#t=${room.token}`);
  const [one, calm] = await Promise.all([pageUp(proj, 1, board, 0, 'at 1280x720'), pageUp(still, 1, board, 0, 'with reduced motion')]);
  const of = Number(/of (\d+)$/.exec(one.page)[1]);
  if (of < 2) throw new Error(`${REQUESTS} requests on ${of} page at 1280x720`);
  // Faded in as a page turns, but not with reduced motion asked for.
  if (one.animation.includes('none')) throw new Error(`a page's requests are not faded in: ${one.animation}`);
  if (calm.animation.join() !== 'none') throw new Error(`with reduced motion, a page's requests are animated: ${calm.animation}`);
  console.log(`    1280x720: ${one.shown.length} of ${REQUESTS} requests on "${one.page}", in ${one.px.toFixed(1)} px type`);
  await full(proj, 'at 1280x720, page 1');
  await shotTurned(proj, 'screen-help-page-1-720');
  onFirst = one.shown.length;
  return one;
}

async function matchedMeanwhile() {
  // An open request on the page shown is matched: it moves down the
  // board, among the matched ones.
  const before = await drawn(proj);
  const open = before.shown.find((t) => before.status[t] === 'Open');
  if (!open) throw new Error(`no open request on the first page: ${JSON.stringify(before.status)}`);
  await setup.evaluate(async (t) => {
    const h = window.__help;
    const i = Number(/^#(\d+)/.exec(t)[1]) - 1;
    const asker = h.people[i % h.people.length], helper = h.people[(i + 2) % h.people.length];
    const { offer } = await helper('help.offer', { exercise: h.exercise, request: h.id(t), message: 'Me: I had the same last week' });
    await asker('help.accept', { exercise: h.exercise, request: h.id(t), offer });
  }, open);
  // Said where it is, on the page as it was, before the turn.
  const now = await until(async () => {
    const d = await drawn(proj);
    return d.status[open] === 'Matched' && d.page?.startsWith('Page 1 ') ? d : false;
  }, `"${open}" matched on the first page`, 8000);
  if (now.shown.join('|') !== before.shown.join('|')) throw new Error(`the page shown changed under the room: ${JSON.stringify(before.shown)} became ${JSON.stringify(now.shown)}`);
  const moved = await order(setup);
  if (moved.indexOf(open) <= moved.indexOf(before.shown.at(-1))) throw new Error(`"${open}" did not move down the board once matched`);
  console.log(`    "${open}" matched on page 1: said there, and moved down the board from ${board.indexOf(open) + 1}th to ${moved.indexOf(open) + 1}th`);
  // Both turn by themselves, the one with reduced motion too, to the
  // requests after the first page's in the board's order as it was:
  // neither after the request that moved (passing over those it moved
  // beyond) nor back to the first page, nor showing it again.
  const [two] = await Promise.all([pageUp(proj, 2, board, onFirst, 'at 1280x720'), pageUp(still, 2, board, onFirst, 'with reduced motion')]);
  console.log(`    then "${two.page}": ${two.shown.length} requests, from the ${onFirst + 1}th in the board's order`);
  if (!two.page.endsWith(' of 2')) await full(proj, 'at 1280x720, page 2');
  await shotTurned(proj, 'screen-help-page-2-720');
  board = moved;
}

async function smallerScreen() {
  // Resized, the pages are made anew of what fits there, from the first.
  await proj.setViewportSize({ width: 800, height: 600 });
  const one = await pageUp(proj, 1, board, 0, 'at 800x600');
  console.log(`    800x600: ${one.shown.length} requests on "${one.page}"`);
  await full(proj, 'at 800x600, page 1');
  // As many pages as the requests need at about that many a page: the
  // requests differ in height (a matched one has its helper's line), so
  // the first page may hold more than the average one, and half as many
  // pages again is allowed (as on the kudos wall).
  const of = Number(/of (\d+)$/.exec(one.page)[1]);
  if (of > Math.ceil(1.5 * REQUESTS / one.shown.length)) throw new Error(`at 800x600, ${REQUESTS} requests on ${of} pages, ${one.shown.length} on the first`);
  await shotTurned(proj, 'screen-help-page-1-600');
}

const steps = [
  ['forty-eight help requests on the projector: the first page of those that fit, full, in the board\'s order, on the screen, and which page it is', firstPage],
  ['a request on the page shown matched meanwhile says so there; the projector then turns to the requests after that page, with reduced motion too', matchedMeanwhile],
  ['resized to 800x600, the pages are made of what fits there', smallerScreen],
];

await finish(steps);
