// One whole workshop in the browser: a facilitator on a laptop, a
// projector, and three participants on phone-sized screens, against a
// real huddle binary; then the trainer's library: a built-in pack adapted,
// exported and imported, run with two groups, and the two runs compared.
// Run by `make test` (see the Makefile).
import { readFile } from 'node:fs/promises';
import { suite, roomDriver, until, untilText, textOf, shot, sleep } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

let host, hostCtx, screen, code;
let lib; // the trainer's pages, in the facilitator's browser
let adapted = ''; // the id of the adapted copy of "Building trust"
const runs = []; // the two rooms run from it
const people = {}; // name → { ctx, page }

const P = (name) => people[name].page;
const all = () => Object.values(people).map((p) => p.page);
/** A scale point by its number: the first and last are named with their end labels too ("1, Not at all"). */
const scalePoint = (v) => new RegExp(`^${v}(, |$)`);

async function hostResponses() {
  const t = await textOf(host.getByTestId('host-responses'));
  return Number(t.match(/\d+/)[0]);
}

async function nextExercise() {
  await host.getByRole('button', { name: /Next exercise/ }).click();
}

async function addExercise(kind, title, fill) {
  const form = host.getByTestId('add-exercise');
  await form.getByLabel('Kind').selectOption({ label: kind });
  await form.getByLabel('Title', { exact: true }).fill(title);
  if (fill) await fill(form);
  await form.getByRole('button', { name: 'Add to agenda' }).click();
  await host.getByTestId('agenda').getByText(title).waitFor();
}

/** Two fields of the exercise form that stand side by side: their inputs
 *  on one line, whatever hint or error is under either. */
async function sideBySide(form, a, b, what) {
  const ra = await form.getByLabel(a, { exact: true }).boundingBox();
  const rb = await form.getByLabel(b, { exact: true }).boundingBox();
  if (!(ra.x + ra.width <= rb.x) || Math.abs(ra.y - rb.y) > 1 || Math.abs(ra.height - rb.height) > 1) {
    throw new Error(`${what}: "${a}" at ${JSON.stringify(ra)}, "${b}" at ${JSON.stringify(rb)}`);
  }
}

async function nextPhase(phase) {
  await host.getByTestId('next-phase').click();
  await host.locator(`[data-testid=retro-control][data-phase=${phase}]`).waitFor();
  for (const p of all()) await p.locator('[aria-current=step]', { hasText: new RegExp(phase, 'i') }).waitFor();
}

/** The words of el's text drawn on more than one line ("Sprin" / "t"). */
function brokenWords(el) {
  const out = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (const m of n.data.matchAll(/\S+/g)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) out.push(m[0]);
    }
  }
  return out;
}

async function addCard(page, column, text) {
  await page.getByRole('radio', { name: column }).check();
  await page.getByLabel('Card text').fill(text);
  await page.getByRole('button', { name: 'Add card' }).click();
  await untilText(page.getByTestId('my-cards'), new RegExp(text), 'my card');
}

async function dot(page, item) {
  const before = await textOf(page.getByTestId('dots-left'));
  await page.getByRole('button', { name: `Place a dot on ${item}` }).click();
  await until(async () => (await textOf(page.getByTestId('dots-left'))) !== before, 'dot placed');
}

/** The projector cannot scroll: what of selector's elements ends outside
 *  the window, and whether the page is taller or wider than it. sideways:
 *  only the width (the projector link on a phone, which may scroll down). */
function offScreen([selector, sideways]) {
  const out = [];
  for (const e of document.querySelectorAll(selector)) {
    const r = e.getBoundingClientRect();
    if (r.left < 0 || r.right > innerWidth || (!sideways && (r.top < 0 || r.bottom > innerHeight))) out.push(`"${e.textContent.trim().slice(0, 30)}" at ${Math.round(r.left)},${Math.round(r.bottom)}`);
  }
  const doc = document.documentElement;
  if (!sideways && doc.scrollHeight > innerHeight) out.push(`the page ${doc.scrollHeight} px high`);
  if (doc.scrollWidth > innerWidth) out.push(`the page ${doc.scrollWidth} px wide`);
  return out;
}

/** A survey's questions side by side whose "Mean" rows are not on one
 *  line: for each row of questions, the tops of their figures. */
function meansOutOfLine() {
  const rows = new Map();
  for (const q of document.querySelectorAll('[data-testid=results] .q')) {
    const stats = q.querySelector('.stats');
    if (!stats) continue;
    const top = Math.round(q.getBoundingClientRect().top);
    rows.set(top, [...(rows.get(top) ?? []), Math.round(stats.getBoundingClientRect().top)]);
  }
  return [...rows.values()].filter((tops) => new Set(tops).size > 1);
}

/** The smallest type of a survey's bars on the projector, in px. */
function smallestBarType() {
  return Math.min(...[...document.querySelectorAll('[data-testid=results] .bars li')].map((e) => parseFloat(getComputedStyle(e).fontSize)));
}

/** The projector of a "Building trust" room, at 1280x720 (and 1920x1080):
 *  its lobby on a phone, the six-question Trust pulse and the Closing
 *  survey with their results shown, each wholly on the screen. */
async function projectorFitsSurveys() {
  await lib.goto(huddle.base + '/library');
  await lib.locator('[data-pack=building-trust]').getByRole('button', { name: 'Start a room' }).click();
  await lib.waitForURL(/\/host\/[A-Z2-9]{6}$/);
  const roomCode = await untilText(lib.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
  const proj = await newPage(hostCtx, 'projector of the pack');
  // The projector link opened on a phone: the join code within its width, whole.
  await proj.setViewportSize({ width: 360, height: 740 });
  await proj.goto(`${huddle.base}/screen/${roomCode}`);
  await untilText(proj.getByTestId('screen-code'), new RegExp(roomCode), 'the lobby');
  const lobby = [...await proj.evaluate(offScreen, ['.lobby *', true]), ...await proj.getByTestId('screen-code').evaluate(brokenWords)];
  if (lobby.length) throw new Error(`the projector's lobby at 360 px: ${lobby.join('; ')}`);
  await shot(proj, 'screen-lobby-360');
  // On a projector, the QR code and the join code beside it both on the
  // screen: at 1024x768 the code went under the QR code, off the bottom.
  for (const [width, height] of [[1024, 768], [1280, 720], [1920, 1080]]) {
    await proj.setViewportSize({ width, height });
    await sleep(200);
    const off = await proj.evaluate(offScreen, ['.lobby *', false]);
    if (off.length) throw new Error(`the projector's lobby at ${width}x${height}: ${off.join('; ')}`);
  }
  await shot(proj, 'screen-lobby-1080');
  await proj.setViewportSize({ width: 1280, height: 720 });
  // Trust pulse shows its results from four answers.
  const phones = [...['Ann', 'Ben', 'anon'].map(P), await newPage(await browser.newContext(phone), 'fourth')];
  for (const p of phones) {
    await p.goto(`${huddle.base}/j/${roomCode}`);
    await p.getByRole('button', { name: 'Join' }).click();
    await p.getByTestId('waiting').waitFor();
  }
  const answer = async (title, pick) => {
    const item = lib.getByTestId('agenda').locator('li', { hasText: title });
    await item.getByRole('button', { name: 'Make current' }).click();
    await lib.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (let i = 0; i < phones.length; i++) {
      const p = phones[i];
      await p.locator('[data-testid=exercise][data-status=open]', { hasText: title }).waitFor();
      const qs = p.locator('fieldset.q');
      for (let q = 0; q < await qs.count(); q++) await pick(qs.nth(q), i, q);
      await p.getByRole('button', { name: 'Send answer' }).click();
      await p.getByTestId('answered').waitFor();
    }
    await lib.getByRole('button', { name: 'Show results' }).click();
    await untilText(proj.getByTestId('results'), /4 answers/, `${title} on the projector`);
  };
  // Each question whole on the screen, in readable type, its "Mean" row
  // in line with its neighbours' (headings of two and three lines).
  const fits = async (what) => {
    await sleep(300); // fitted after a resize
    const size = await proj.evaluate(() => `${innerWidth}x${innerHeight}`);
    const out = await proj.evaluate(offScreen, ['[data-testid=results] .q, [data-testid=results] .bars li', false]);
    if (out.length) throw new Error(`${what} at ${size}, off the screen: ${out.join('; ')}`);
    const px = await proj.evaluate(smallestBarType);
    if (px < 14) throw new Error(`${what} at ${size}: bars in ${px} px type`);
    const apart = await proj.evaluate(meansOutOfLine);
    if (apart.length) throw new Error(`${what} at ${size}: the Mean rows of questions side by side are not in line: tops ${JSON.stringify(apart)}`);
  };
  await answer('Trust pulse', (q, i, n) => q.getByRole('radio', { name: scalePoint(1 + ((i + n) % 5)) }).check());
  if ((await proj.locator('[data-testid=results] .q').count()) !== 6) throw new Error('the Trust pulse shows no six questions');
  await fits('the Trust pulse');
  await shot(proj, 'screen-survey-720');
  const codePx = () => proj.locator('.head .code').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const at720 = await codePx();
  await proj.setViewportSize({ width: 1920, height: 1080 });
  await fits('the Trust pulse');
  // Its type grows with the screen: a 1080-line projector drew the 720-line
  // one's pixels, two thirds as large on the wall.
  const at1080 = await codePx();
  if (!(at1080 >= at720 * 1.2)) throw new Error(`the join code is ${at1080} px at 1920x1080, ${at720} px at 1280x720`);
  await shot(proj, 'screen-survey-1080');
  await proj.setViewportSize({ width: 1280, height: 720 });
  // Closing: a scale and six long options.
  await answer('Closing', (q, i, n) => (n === 0 ? q.getByRole('radio', { name: scalePoint(2 + (i % 4)) }) : q.locator('input').nth(i)).check());
  await fits('the Closing survey');
  await shot(proj, 'screen-closing-720');
  await proj.close();
}

/** In a page of the server, after roomDriver: a room made through the
 *  API, driven by the facilitator's and three participants' own WebSockets,
 *  holding a retro with per[i] cards in column i, six each unless told
 *  (some of two lines), a long column hint beside short ones. Returns the
 *  join code, a projector link's token and the exercise. */
function crowdedRetro(per = [6, 6, 6]) {
  return (async () => {
    const post = window.__post;
    const connect = window.__connect;
    const r = await post('/api/rooms', { title: 'Crowded retro' });
    const fac = await connect(r.room.id, r.facilitator.secret);
    const columns = [
      { id: 'start', title: 'Start', hint: 'One concrete thing we should begin doing next sprint, and who in the team would notice first if we did' },
      { id: 'stop', title: 'Stop', hint: 'What slows us' },
      { id: 'continue', title: 'Continue', hint: 'Keep' },
    ];
    const { exercise } = await fac('agenda.add', { spec: { kind: 'retro', title: 'Sprint 43', retro: { columns } } });
    await fac('exercise.open', { exercise });
    const { token } = await fac('room.screen_link', {});
    const texts = ['Pair on the hard bugs before the standup, not after it', 'Demo on Fridays to the whole floor', 'Write the release notes as we go rather than on the last afternoon',
      'Shorter planning, with the stories read before it', 'Rotate who runs the retro each sprint', 'Ask for reviews earlier than the day before'];
    const people = [];
    for (const name of ['Ann', 'Ben', 'Cy']) {
      const j = await post('/api/join', { code: r.room.code, name });
      people.push(await connect(r.room.id, j.token));
    }
    for (const [c, col] of columns.entries()) {
      for (let i = 0; i < per[c]; i++) await people[(c + i) % 3]('retro.card.add', { exercise, column: col.id, text: `${col.title}: ${texts[i % texts.length]}${i >= texts.length ? ` (${i + 1})` : ''}` });
    }
    window.__fit = { fac, exercise };
    return { code: r.room.code, token, exercise };
  })();
}

/** The retro in window.__fit moved to phase p, and the projector given
 *  time to follow at its bounded rate. */
async function retroPhase(driver, p) {
  await driver.evaluate((p) => window.__fit.fac('retro.phase', { exercise: window.__fit.exercise, phase: p }), p);
  await sleep(800);
}

/** A retro's columns on the projector: nothing ends off the screen, and
 *  for each column the cards shown (a group counts its cards), the cards
 *  its "+N more" says it hides, its width and its cards' type in px,
 *  each at least 18 px (read from the back of the room). */
async function retroColumns(proj, what) {
  await sleep(400); // fitted after a resize
  const size = await proj.evaluate(() => `${innerWidth}x${innerHeight}`);
  const out = await proj.evaluate(offScreen, ['[data-testid=retro-board] .col, [data-testid=retro-board] .col li, [data-testid=col-more]', false]);
  if (out.length) throw new Error(`${what} at ${size}, off the screen: ${out.join('; ')}`);
  const told = await proj.evaluate(() => [...document.querySelectorAll('[data-testid=retro-board] .col')].map((col) => {
    const shown = [...col.querySelectorAll(':scope > ul > li')].reduce((n, li) => n + Math.max(1, li.querySelectorAll('.group li').length), 0);
    const more = col.querySelector('[data-testid=col-more]')?.textContent ?? '';
    const hidden = more ? Number(/\+(\d+)/.exec(more)[1]) : 0;
    return { shown, hidden, more, width: col.getBoundingClientRect().width, type: parseFloat(getComputedStyle(col.querySelector('li') ?? col).fontSize) };
  }));
  for (const c of told) {
    if (c.type < 18) throw new Error(`${what} at ${size}: cards in ${c.type} px type`);
  }
  return told;
}

/** The projector of a crowded retro at 1280x720 and 1366x768 (and
 *  1920x1080): in the reveal, the grouping and the vote its columns are
 *  fitted, the crowded one wider, then denser, then cut, each cut column
 *  saying how many more it holds, and nothing ends off the screen; while
 *  cards are written a short column hint starts at the top of its box, in
 *  line with a long one beside it. */
async function projectorFitsRetro() {
  const driver = await newPage(hostCtx, 'the crowded retro');
  await driver.goto(huddle.base + '/healthz');
  await driver.evaluate(roomDriver);
  const { code, token } = await driver.evaluate(crowdedRetro);
  const proj = await newPage(await browser.newContext({ viewport: { width: 1280, height: 720 } }), 'projector of the crowded retro');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  await untilText(proj.getByTestId('retro-board'), /18 cards written so far/, 'the crowded retro on the projector');
  const hintTops = await proj.evaluate(() => [...document.querySelectorAll('.counts li')].map((li) => Math.round(li.querySelector('[data-testid=column-hint]').getBoundingClientRect().top)));
  if (new Set(hintTops).size !== 1) throw new Error(`the column hints side by side start at ${hintTops.join(', ')} px`);
  await shot(proj, 'screen-retro-hints-720');
  const sizes = [[1280, 720], [1366, 768], [1920, 1080]];
  for (const p of ['reveal', 'group', 'vote']) {
    await retroPhase(driver, p);
    if (p === 'group') {
      // Two "Start" cards grouped, a group in its column; "Stop" gets six
      // more cards, more than a 720-line screen holds in one column.
      await driver.evaluate(async () => {
        const { fac, exercise } = window.__fit;
        const cards = fac.states[`ex:${exercise}`].cards.filter((c) => c.column === 'start').slice(0, 2).map((c) => c.id);
        await fac('retro.group', { exercise, cards, title: 'Pairing and demos' });
        for (let i = 1; i <= 6; i++) await fac('retro.card.add', { exercise, column: 'stop', text: `Stop: one more thing that slows us, number ${i}` });
      });
      await untilText(proj.locator('[data-testid=retro-board] .col[aria-label="Stop"]'), /number 6|more cards/, 'the crowded column on the projector');
    }
    // Each column's cards, shown or counted: a group counts its cards.
    const want = p === 'reveal' ? [6, 6, 6] : [6, 12, 6];
    for (const [width, height] of sizes) {
      await proj.setViewportSize({ width, height });
      const told = await retroColumns(proj, `the ${p} phase`);
      told.forEach((c, i) => {
        if (c.shown + c.hidden !== want[i]) throw new Error(`the ${p} phase at ${width}x${height}: a column shows ${c.shown} cards and says "${c.more}", of ${want[i]}`);
      });
      // The 12 cards of "Stop" take the width the others leave (a 1080-line
      // screen may hold them in one); a column is cut only once the type
      // is at its densest.
      if (p !== 'reveal' && height < 1000 && !(told[1].width > told[0].width * 1.5)) throw new Error(`the ${p} phase at ${width}x${height}: "Stop" no wider than the others (${told.map((c) => Math.round(c.width)).join(', ')} px)`);
      const dense = await proj.evaluate(() => document.querySelector('[data-testid=retro-board] .cols').classList.contains('d2'));
      if (told.some((c) => c.hidden) && !dense) throw new Error(`the ${p} phase at ${width}x${height}: a column cut before the type is at its densest`);
      if (width === 1280) await shot(proj, `screen-retro-${p}-720`);
    }
    await proj.setViewportSize({ width: 1280, height: 720 });
  }
  await proj.close();
  await driver.close();
}

/** The projector of an uneven retro, 14 cards in "Stop" and two in each
 *  other column, at 1280x720 and 1920x1080: "Stop" takes the width the
 *  short columns leave and is shown whole, none of it cut while there is
 *  room beside it; in the vote a line says to place the dots on a phone,
 *  and how many each person has. */
async function projectorFitsUnevenRetro() {
  const driver = await newPage(hostCtx, 'the uneven retro');
  await driver.goto(huddle.base + '/healthz');
  await driver.evaluate(roomDriver);
  const { code, token } = await driver.evaluate(crowdedRetro, [2, 14, 2]);
  const proj = await newPage(await browser.newContext({ viewport: { width: 1280, height: 720 } }), 'projector of the uneven retro');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  await untilText(proj.getByTestId('retro-board'), /18 cards written so far/, 'the uneven retro on the projector');
  for (const p of ['reveal', 'vote']) {
    await retroPhase(driver, p);
    if (p === 'vote') await untilText(proj.getByTestId('vote-on-phone'), /^Place your dots on your phone: 3 dots each, at most 2 on one item$/, 'what to do in the vote, on the projector');
    for (const [width, height] of [[1280, 720], [1920, 1080]]) {
      await proj.setViewportSize({ width, height });
      const told = await retroColumns(proj, `the uneven ${p} phase`);
      const cut = told.filter((c) => c.hidden || c.shown !== [2, 14, 2][told.indexOf(c)]);
      if (cut.length) throw new Error(`the uneven ${p} phase at ${width}x${height}: a column cut beside short ones: ${JSON.stringify(told)}`);
      await shot(proj, `screen-retro-uneven-${p}-${height}`);
    }
    await proj.setViewportSize({ width: 1280, height: 720 });
  }
  await proj.close();
  await driver.close();
}


/** A driver page of the server (roomDriver) that made a room through the
 *  API with the exercise spec, opened it, and made a projector link; in
 *  the page window.__room: { r (the room's API answer), fac, exercise }.
 *  Returns the page, the join code and the link's token. */
async function drivenRoom(label, spec) {
  const driver = await newPage(hostCtx, label);
  await driver.goto(huddle.base + '/healthz');
  await driver.evaluate(roomDriver);
  const { code, token } = await driver.evaluate(async (spec) => {
    const r = await window.__post('/api/rooms', { title: spec.title });
    const fac = await window.__connect(r.room.id, r.facilitator.secret);
    const { exercise } = await fac('agenda.add', { spec });
    await fac('exercise.open', { exercise });
    const { token } = await fac('room.screen_link', {});
    window.__room = { r, fac, exercise };
    return { code: r.room.code, token };
  }, spec);
  return { driver, code, token };
}

/** How many lines el's text is drawn on. */
function linesOf(el) {
  const r = document.createRange();
  r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
}

const projectorSizes = [[800, 600], [1024, 768], [1280, 720], [1920, 1080]];

/** A poll waiting for its answers on the projector: "0 answers so far"
 *  on one line at every projector size (at 800x600 "far" went alone onto
 *  a second line), within the screen, larger than the line under it;
 *  closed, "Voting has closed: 0 answers." on one line too. */
async function projectorCountOnOneLine() {
  const { driver, code, token } = await drivenRoom('the waiting poll', { kind: 'poll', title: 'Lunch?',
    questions: [{ kind: 'choice', options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }] });
  const proj = await newPage(await browser.newContext({ viewport: { width: 800, height: 600 } }), 'projector of the waiting poll');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  const count = proj.getByTestId('screen-count');
  const oneLine = async (text) => {
    await untilText(count, text, 'the count on the projector');
    for (const [width, height] of projectorSizes) {
      await proj.setViewportSize({ width, height });
      await sleep(300); // fitted after a resize
      const lines = await count.evaluate(linesOf);
      if (lines !== 1) throw new Error(`"${await textOf(count)}" on ${lines} lines at ${width}x${height}`);
      const off = await proj.evaluate(offScreen, ['[data-testid=screen-wait] *', false]);
      if (off.length) throw new Error(`the waiting poll at ${width}x${height}, off the screen: ${off.join('; ')}`);
      const [big, soon] = await proj.evaluate(() => ['screen-count', 'screen-soon'].map((t) => parseFloat(getComputedStyle(document.querySelector(`[data-testid=${t}]`)).fontSize)));
      if (!(big > soon * 1.3)) throw new Error(`the count at ${width}x${height} in ${big} px type, the line under it ${soon} px`);
      if (width === 800) await shot(proj, `screen-count-${/closed/.test(text) ? 'closed-' : ''}600`);
    }
  };
  await oneLine(/^0 answers so far$/);
  await driver.evaluate(() => window.__room.fac('exercise.close', { exercise: window.__room.exercise }));
  await oneLine(/^Voting has closed: 0 answers\.$/);
  await proj.close();
  await driver.close();
}

/** A phone edits its own retro card: Edit opens a box with the card's
 *  text, focused; Escape gives up, Save sends; the focus goes back to the
 *  card's Edit button each time, and the board shows the new text once
 *  the cards are revealed. */
async function phoneEditsOwnCard() {
  const { driver, code } = await drivenRoom('the retro of a card edited', { kind: 'retro', title: 'Sprint 44', retro: { template: 'start-stop-continue' } });
  const handset = await newPage(await browser.newContext(phone), 'phone editing its card');
  await handset.goto(`${huddle.base}/j/${code}`);
  await handset.getByRole('button', { name: 'Join' }).click();
  await handset.locator('[data-testid=exercise][data-kind=retro]').waitFor();
  await addCard(handset, 'Start', 'Demos');
  const box = handset.getByLabel('New text for this card');
  const focused = () => handset.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? '');
  await handset.getByRole('button', { name: 'Edit: Demos' }).click();
  if (!(await box.evaluate((e) => e === document.activeElement && e.value === 'Demos'))) throw new Error('Edit did not open a focused box holding the card: focus on ' + (await focused()));
  await box.fill('Not this');
  await box.press('Escape');
  await until(async () => (await box.count()) === 0, 'the box gone on Escape');
  if ((await focused()) !== 'Edit: Demos') throw new Error('after Escape the focus is on ' + (await focused()));
  await handset.keyboard.press('Enter'); // the Edit button, from the keyboard
  await box.fill('Demos on Fridays, to the whole floor');
  await handset.getByRole('button', { name: 'Save', exact: true }).click();
  await untilText(handset.getByTestId('my-cards'), /^Start\s*Demos on Fridays, to the whole floor\s*Edit\s*Delete$/, 'the card changed, taken');
  if ((await focused()) !== 'Edit: Demos on Fridays, to the whole floor') throw new Error('after Save the focus is on ' + (await focused()));
  await driver.evaluate(() => window.__room.fac('retro.phase', { exercise: window.__room.exercise, phase: 'reveal' }));
  await untilText(handset.getByTestId('retro-board'), /Demos on Fridays, to the whole floor/, 'the edited card on the board');
  if (/Not this/.test(await textOf(handset.getByTestId('retro-board')))) throw new Error('the text given up reached the board');
  await shot(handset, 'participant-retro-card-edited');
  // Put in the wrong column: moved with its edit, one tap, to "Stop", in
  // "My cards" and on the board.
  await handset.getByRole('button', { name: 'Edit: Demos on Fridays, to the whole floor' }).click();
  const stop = handset.getByTestId('edit-column').getByRole('radio', { name: 'Stop' });
  if (!(await handset.getByTestId('edit-column').getByRole('radio', { name: 'Start' }).isChecked())) throw new Error('the edit box does not have the card\'s column chosen');
  await stop.check();
  await shot(handset, 'participant-retro-card-move');
  await handset.getByRole('button', { name: 'Save', exact: true }).click();
  await untilText(handset.getByTestId('my-cards'), /^Stop\s*Demos on Fridays, to the whole floor\s*Edit\s*Delete$/, 'the card moved, taken');
  await untilText(handset.locator('[data-testid=retro-board] .col[aria-label="Stop"]'), /Demos on Fridays, to the whole floor/, 'the moved card in its new column on the board');
  if (/Demos on Fridays/.test(await textOf(handset.locator('[data-testid=retro-board] .col[aria-label="Start"]')))) throw new Error('the moved card is still in its old column on the board');
  // An edit being typed when the vote begins: not sent, not lost; the
  // notice saying so takes the focus, and shows the words.
  await driver.evaluate(() => window.__room.fac('retro.phase', { exercise: window.__room.exercise, phase: 'group' }));
  await handset.getByRole('button', { name: 'Edit: Demos on Fridays, to the whole floor' }).click();
  await box.fill('Demos every other Friday');
  await driver.evaluate(() => window.__room.fac('retro.phase', { exercise: window.__room.exercise, phase: 'vote' }));
  const kept = handset.getByTestId('edit-kept');
  await kept.waitFor();
  await until(() => kept.evaluate((k) => k.querySelector('p') === document.activeElement), 'the focus on the notice of the edit kept');
  if ((await kept.locator('textarea').inputValue()) !== 'Demos every other Friday') throw new Error('the words typed are not shown: ' + (await kept.locator('textarea').inputValue()));
  if (!/Cards can no longer be edited/.test(await textOf(kept))) throw new Error('the notice says: ' + (await textOf(kept)));
  await shot(handset, 'participant-retro-edit-kept');
  await handset.close();
  await driver.close();
}

/** QA's case: a retro card keeps the anonymity its writer was shown. In a
 *  room with names hidden, Finn's phone queues a card offline, and types
 *  another under "Anonymous"; the facilitator turns names on before each
 *  arrives: both reach the board, the projector and the facilitator's
 *  view without his name, and the phone says by the box that the card
 *  being typed stays anonymous. A card started once names are shown
 *  carries it. Then a card queued offline while the board moves on to
 *  the vote is refused: the phone says so plainly and keeps its words. */
async function phoneCardKeepsItsAnonymity() {
  const { driver, code, token } = await drivenRoom('the retro of a card kept anonymous', { kind: 'retro', title: 'Sprint 45', retro: { template: 'start-stop-continue' } });
  const ctx = await browser.newContext(phone);
  const handset = await newPage(ctx, 'phone keeping its card anonymous');
  await handset.goto(`${huddle.base}/j/${code}`);
  await handset.getByLabel(/Your name/).fill('Finn');
  await handset.getByRole('button', { name: 'Join' }).click();
  await handset.locator('[data-testid=exercise][data-kind=retro]').waitFor();
  const notice = handset.getByTestId('anon-notice');
  await untilText(notice, /^Anonymous: your name is not shown/, 'names hidden on the phone');
  const fac = (type, data) => driver.evaluate(([type, data]) => window.__room.fac(type, { exercise: window.__room.exercise, ...data }), [type, data]);
  const names = (on) => driver.evaluate((on) => window.__room.fac('room.update', { showNames: on }), on);
  const box = handset.getByLabel('Card text');
  const offline = async (on) => {
    await ctx.setOffline(on);
    await untilText(handset.getByTestId('conn'), on ? /Reconnecting/ : /Connected/, on ? 'the phone offline' : 'the phone back');
  };
  // A card queued offline under "Anonymous"; names turned on before it arrives.
  await offline(true);
  await box.fill('Queued before the switch');
  await handset.getByRole('button', { name: 'Add card' }).click();
  await handset.getByTestId('card-waiting').waitFor();
  await names(true);
  await offline(false);
  await untilText(handset.getByTestId('my-cards'), /Queued before the switch\s*Edit/, 'the queued card taken');
  // Typed under "Anonymous"; names turned on before Add card.
  await names(false);
  await untilText(notice, /^Anonymous/, 'names hidden again');
  await box.fill('Our lead ignores my ideas');
  await names(true);
  await untilText(notice, /^Your name is shown/, 'names shown on the phone');
  await untilText(handset.getByTestId('card-stays-anon'), /^Names are now shown; this card stays anonymous, as you started it\.$/, 'the note by the box');
  await shot(handset, 'participant-retro-card-stays-anonymous');
  await handset.getByRole('button', { name: 'Add card' }).click();
  await untilText(handset.getByTestId('my-cards'), /Our lead ignores my ideas\s*Edit/, 'the anonymous card taken');
  if (await handset.getByTestId('card-stays-anon').count()) throw new Error('the note stayed once its card was added');
  // Started once names are shown: named.
  await addCard(handset, 'Start', 'We ship on Fridays');
  await fac('retro.phase', { phase: 'reveal' });
  const proj = await newPage(await browser.newContext({ viewport: { width: 1280, height: 720 } }), 'projector of the card kept anonymous');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  for (const [where, board] of [['the projector', proj.getByTestId('retro-board')], ['the phone', handset.getByTestId('retro-board')]]) {
    const t = await untilText(board, /We ship on Fridays\s*— Finn/, `the named card on ${where}`);
    if (/Our lead ignores my ideas\s*— Finn|Queued before the switch\s*— Finn/.test(t)) throw new Error(`a card written under "Anonymous" is named on ${where}: ${t}`);
  }
  const cards = await until(() => driver.evaluate(() => {
    const v = window.__room.fac.states['ex:' + window.__room.exercise];
    return v?.cards?.length === 3 ? v.cards.map((c) => `${c.text}:${c.authorName ?? ''}`).sort().join(' | ') : false;
  }), "the three cards in the facilitator's view");
  if (cards !== 'Our lead ignores my ideas: | Queued before the switch: | We ship on Fridays:Finn') throw new Error("the facilitator's view: " + cards);
  // Sent offline, refused once the board moved on to the vote: said
  // plainly, its words kept to copy.
  await fac('retro.phase', { phase: 'group' });
  await offline(true);
  await box.fill('Demo days');
  await handset.getByRole('button', { name: 'Add card' }).click();
  await handset.getByTestId('card-waiting').waitFor();
  await fac('retro.phase', { phase: 'vote' });
  await offline(false);
  const kept = handset.getByTestId('card-kept');
  await untilText(kept, /^The board moved on to voting before your card “Demo days” arrived, so it was not added\. Your text is below to copy\./, 'the card not added, said plainly');
  if ((await kept.locator('textarea').inputValue()) !== 'Demo days') throw new Error('the words of the card not added are not kept: ' + (await kept.locator('textarea').inputValue()));
  await shot(handset, 'participant-retro-card-kept');
  await proj.close();
  await handset.close();
  await ctx.close();
  await driver.close();
}

/** A phone's vote down a long list (16 cards, 32 buttons at 360x740):
 *  Shift+Tab from the last + up to the first −, and no button the focus
 *  lands on is under the sticky "N dots left" notice or its shadow
 *  (WCAG 2.4.11; five of them were). */
async function phoneVoteFocusClearOfDotsLeft() {
  const { driver, code } = await drivenRoom('the long vote', { kind: 'retro', title: 'Sprint 45', retro: { template: 'start-stop-continue' } });
  const handset = await newPage(await browser.newContext(phone), 'phone voting down a long list');
  await handset.goto(`${huddle.base}/j/${code}`);
  await handset.getByRole('button', { name: 'Join' }).click();
  await handset.locator('[data-testid=exercise][data-kind=retro]').waitFor();
  await driver.evaluate(async () => {
    const { r, fac, exercise } = window.__room;
    const j = await window.__post('/api/join', { code: r.room.code, name: 'Writer' });
    const writer = await window.__connect(r.room.id, j.token);
    for (let i = 1; i <= 16; i++) await writer('retro.card.add', { exercise, column: ['start', 'stop', 'continue'][i % 3], text: `Card number ${i}, a thing the team noticed this sprint` });
    for (const phase of ['reveal', 'group', 'vote']) await fac('retro.phase', { exercise, phase });
  });
  await untilText(handset.getByTestId('dots-left'), /3 dots left/, 'the vote on the phone');
  await until(async () => (await handset.locator('.items button').count()) === 32, 'the 32 dot buttons of the 16 cards');
  await handset.locator('.items button').last().focus();
  const hidden = [];
  let stops = 1;
  for (let i = 0; i < 40; i++) {
    await handset.keyboard.press('Shift+Tab');
    const at = await handset.evaluate(() => {
      const a = document.activeElement;
      if (!a?.closest('.items')) return null;
      const notice = document.querySelector('[data-testid=dots-left]').getBoundingClientRect();
      const shadow = parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.25;
      return { name: a.getAttribute('aria-label'), top: a.getBoundingClientRect().top, clear: notice.bottom + shadow };
    });
    if (!at) break;
    stops++;
    if (at.top < at.clear - 0.5) hidden.push(`"${at.name}" at y=${Math.round(at.top)}, the notice to ${Math.round(at.clear)}`);
  }
  if (stops !== 32) throw new Error(`Shift+Tab went through ${stops} of the 32 dot buttons`);
  if (hidden.length) throw new Error(`focused under the "dots left" notice: ${hidden.join('; ')}`);
  await handset.close();
  await driver.close();
}

/** A retro's actions first on the projector in its actions phase, at
 *  every projector size: their heading right under the header and the
 *  actions right under it (the heading's browser margins left 85 px
 *  between the header and the first action at 800x600, under 40 of
 *  heading), nothing off the screen. */
async function projectorRetroActionsClose() {
  const driver = await newPage(hostCtx, 'the retro with actions');
  await driver.goto(huddle.base + '/healthz');
  await driver.evaluate(roomDriver);
  const { code, token } = await driver.evaluate(crowdedRetro, [2, 2, 2]);
  for (const p of ['reveal', 'group', 'vote', 'discuss']) await retroPhase(driver, p);
  await driver.evaluate(async () => {
    const { fac, exercise } = window.__fit;
    for (const [text, owner] of [['Set up a pairing rota', 'Ann'], ['Demo every Friday at four', 'Ben'], ['Cap meetings at thirty minutes', '']]) await fac('retro.action.add', { exercise, text, owner });
  });
  await retroPhase(driver, 'actions');
  const proj = await newPage(await browser.newContext({ viewport: { width: 800, height: 600 } }), 'projector of the retro with actions');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  await untilText(proj.locator('[data-testid=retro-board] .actions'), /Action items.*Set up a pairing rota/, 'the actions on the projector');
  for (const [width, height] of projectorSizes) {
    await proj.setViewportSize({ width, height });
    await sleep(400); // fitted after a resize
    const { gap, rem } = await proj.evaluate(() => {
      const head = document.querySelector('.head').getBoundingClientRect();
      const h4 = document.querySelector('[data-testid=retro-board] .actions .hd').getBoundingClientRect();
      const first = document.querySelector('[data-testid=retro-board] .actions li').getBoundingClientRect();
      return { gap: first.top - head.bottom - h4.height, rem: parseFloat(getComputedStyle(document.documentElement).fontSize) };
    });
    if (gap > 2 * rem) throw new Error(`the projector's actions at ${width}x${height}: ${Math.round(gap)} px between the header and the first action, besides the heading`);
    const off = await proj.evaluate(offScreen, ['[data-testid=retro-board] li, [data-testid=retro-board] .hd, [data-testid=retro-board] .more', false]);
    if (off.length) throw new Error(`the projector's actions at ${width}x${height}, off the screen: ${off.join('; ')}`);
    if (width === 800) await shot(proj, 'screen-retro-actions-600');
  }
  // Eight actions at 800x600: five fit, no ranked item does, and the
  // ranking's "+N more" comes one gap of the board under the actions'
  // (its empty list kept a gap above and below it: two). Should a ranked
  // item fit after all, it is what comes one gap under them.
  await driver.evaluate(async () => {
    const { fac, exercise } = window.__fit;
    for (const text of ['Book the big room for the demo', 'Write the onboarding page', 'Move standup to ten', 'Review the alert rules', 'Pair the new starters']) await fac('retro.action.add', { exercise, text, owner: '' });
  });
  await proj.setViewportSize({ width: 800, height: 600 });
  await untilText(proj.getByTestId('actions-more'), /more action items/, 'the actions cut at 800x600');
  await sleep(400); // fitted after the change
  const lines = await proj.evaluate(() => {
    const board = document.querySelector('[data-testid=retro-board]');
    const acts = board.querySelector('[data-testid=actions-more]');
    const next = board.querySelector('.ranked > li') ?? board.querySelector('[data-testid=more]');
    return {
      acts: acts.textContent, next: next?.textContent.trim().slice(0, 30),
      between: next && next.getBoundingClientRect().top - acts.getBoundingClientRect().bottom,
      gap: parseFloat(getComputedStyle(board).rowGap),
    };
  });
  await shot(proj, 'screen-retro-many-actions-600');
  if (!lines.next) throw new Error(`the projector's eight actions at 800x600: nothing of the ranking under "${lines.acts}"`);
  if (lines.between > lines.gap + 1) throw new Error(`the projector's eight actions at 800x600: ${Math.round(lines.between)} px between "${lines.acts}" and "${lines.next}", want the board's gap of ${lines.gap} px`);
  const off = await proj.evaluate(offScreen, ['[data-testid=retro-board] li, [data-testid=retro-board] .hd, [data-testid=retro-board] .more', false]);
  if (off.length) throw new Error(`the projector's eight actions at 800x600, off the screen: ${off.join('; ')}`);
  await proj.close();
  await driver.close();
}

/** A retro's discussion on the projector (as QA saw it at 1920x1080):
 *  seven items, two of them groups of two cards, the top one discussed,
 *  and two actions agreed for it, one from the console and one from a
 *  phone. The item is shown once, in "Now discussing", not again in the
 *  ranking; the two actions are shown right under it (the screen showed
 *  their heading and "+2 more action items" alone, under the ranking);
 *  nothing ends off the screen. At every projector size at least one
 *  action is shown. */
async function projectorRetroDiscussShowsActions() {
  const driver = await newPage(hostCtx, 'the retro in discussion');
  await driver.goto(huddle.base + '/healthz');
  await driver.evaluate(roomDriver);
  const { code, token } = await driver.evaluate(crowdedRetro, [3, 3, 3]);
  for (const p of ['reveal', 'group']) await retroPhase(driver, p);
  await driver.evaluate(async (code) => {
    const { fac, exercise } = window.__fit;
    const cards = (col) => fac.states[`ex:${exercise}`].cards.filter((c) => c.column === col).map((c) => c.id);
    const { group } = await fac('retro.group', { exercise, cards: cards('start').slice(0, 2), title: 'Pairing and demos' });
    await fac('retro.group', { exercise, cards: cards('stop').slice(0, 2), title: 'Planning and reviews' });
    await fac('retro.phase', { exercise, phase: 'vote' });
    const j = await window.__post('/api/join', { code, name: 'Dee' });
    const dee = await window.__connect(j.room.id, j.token);
    await dee('retro.dot', { exercise, item: group, delta: 1 });
    await dee('retro.dot', { exercise, item: group, delta: 1 });
    await fac('retro.phase', { exercise, phase: 'discuss' });
    await fac('retro.focus', { exercise, item: group });
    await fac('retro.action.add', { exercise, text: 'Set up a pairing rota for the next two sprints', owner: 'Ann', item: group });
    await dee('retro.action.add', { exercise, text: 'Demo every Friday at four, to the whole floor', owner: 'Dee', item: group });
  }, code);
  const proj = await newPage(await browser.newContext({ viewport: { width: 1920, height: 1080 } }), 'projector of the retro in discussion');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  await untilText(proj.getByTestId('now-discussing'), /Pairing and demos/, 'the item being discussed on the projector');
  await untilText(proj.locator('[data-testid=retro-board] .actions'), /Demo every Friday/, 'the actions on the projector');
  for (const [width, height] of [[1920, 1080], ...projectorSizes.filter(([w]) => w !== 1920)]) {
    await proj.setViewportSize({ width, height });
    await sleep(400); // fitted after a resize
    const seen = await proj.evaluate(() => {
      const board = document.querySelector('[data-testid=retro-board]');
      const now = board.querySelector('[data-testid=now-discussing]').getBoundingClientRect();
      const acts = board.querySelector('.actions').getBoundingClientRect();
      return {
        items: board.querySelectorAll('.ranked > li').length, more: board.querySelector('[data-testid=more]')?.textContent ?? '',
        ranked: [...board.querySelectorAll('.ranked > li strong')].map((e) => e.textContent),
        actions: [...board.querySelectorAll('.actions li')].map((li) => li.textContent.trim()),
        actionsMore: board.querySelector('[data-testid=actions-more]')?.textContent ?? '',
        under: acts.top >= now.bottom,
        named: (board.textContent.match(/Pairing and demos/g) ?? []).length,
      };
    });
    const what = `the projector's discussion at ${width}x${height}`;
    if (seen.named !== 1 || seen.ranked.includes('Pairing and demos')) throw new Error(`${what}: the item being discussed shown ${seen.named} times (ranking: ${seen.ranked.join(', ')})`);
    if (!seen.actions.length) throw new Error(`${what}: no action shown, only "${seen.actionsMore}"`);
    if (!seen.under) throw new Error(`${what}: the actions are not under the item being discussed`);
    // Six items besides the one discussed, shown or counted.
    const hidden = seen.more ? Number(/\+(\d+)/.exec(seen.more)[1]) : 0;
    if (seen.items + hidden !== 6) throw new Error(`${what}: the ranking shows ${seen.items} items and says "${seen.more}", of 6`);
    if (width === 1920 && (seen.actions.length !== 2 || seen.actionsMore)) throw new Error(`${what}: actions ${JSON.stringify(seen.actions)} "${seen.actionsMore}", want both`);
    const off = await proj.evaluate(offScreen, ['[data-testid=retro-board] li, [data-testid=retro-board] .hd, [data-testid=retro-board] .more', false]);
    if (off.length) throw new Error(`${what}, off the screen: ${off.join('; ')}`);
    if (width === 1920 || width === 1280) await shot(proj, `screen-retro-discuss-actions-${height}`);
  }
  await proj.close();
  await driver.close();
}

/** A word cloud of phrases on a phone (390 px, then 320): a phrase too
 *  long for a line at the cloud's type wraps between its words, none
 *  broken, none smaller than the cloud's type (one was 13 px on a line),
 *  nothing wider than the page; a single long word is still set smaller
 *  on its line. On the projector, with room for each on one line, each
 *  phrase is on one, and the cloud is on the screen. */
async function phoneCloudWrapsPhrases() {
  const { driver, code, token } = await drivenRoom('the cloud of phrases', { kind: 'words', title: 'One word or phrase for this sprint' });
  const handset = await newPage(await browser.newContext({ ...phone, viewport: { width: 390, height: 844 } }), 'phone of the cloud');
  await handset.goto(`${huddle.base}/j/${code}`);
  await handset.getByRole('button', { name: 'Join' }).click();
  await handset.locator('[data-testid=exercise][data-kind=words]').waitFor();
  const long = 'psychological safety in the whole team';
  const mine = [long, 'trust', 'shipping on fridays'];
  for (let i = 0; i < mine.length; i++) await handset.getByPlaceholder(`Word ${i + 1}`).fill(mine[i]);
  await handset.getByRole('button', { name: 'Send answer' }).click();
  await handset.getByTestId('answered').waitFor();
  await driver.evaluate(async (long) => {
    const { r, fac, exercise } = window.__room;
    for (const [i, words] of [[long, 'trust', 'continuous integration and delivery'], ['knowledge sharing between squads', 'trust', 'rindfleischetikettierungsüberwachung']].entries()) {
      const j = await window.__post('/api/join', { code: r.room.code, name: `P${i}` });
      await (await window.__connect(r.room.id, j.token))('exercise.answer', { exercise, ballot: { words } });
    }
    await fac('exercise.show', { exercise });
  }, long);
  const cloud = () => ({
    type: parseFloat(getComputedStyle(document.querySelector('.cloud')).fontSize),
    words: [...document.querySelectorAll('.cloud li')].map((li) => {
      const t = li.querySelector('.user-text');
      const r = document.createRange();
      r.selectNodeContents(t);
      const split = [];
      for (const w of t.querySelectorAll('.w')) {
        const wr = document.createRange();
        wr.selectNodeContents(w);
        if (new Set([...wr.getClientRects()].map((x) => Math.round(x.top))).size > 1) split.push(w.textContent);
      }
      return { text: t.textContent, px: parseFloat(getComputedStyle(li).fontSize), lines: new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size, split };
    }),
  });
  await untilText(handset.getByTestId('words'), new RegExp(`${long}: 2`), 'the cloud on the phone');
  for (const [width, height] of [[390, 844], [320, 640]]) {
    await handset.setViewportSize({ width, height });
    await sleep(200);
    const { type, words } = await handset.evaluate(cloud);
    const phrase = words.find((w) => w.text === long);
    if (!(phrase.lines > 1)) throw new Error(`at ${width} px "${long}" is on one line, ${phrase.px} px, not wrapped`);
    for (const w of words) {
      if (w.split.length) throw new Error(`at ${width} px the cloud breaks ${w.split.join(', ')} in two`);
      if (w.text.includes(' ') && w.px < type - 0.01) throw new Error(`at ${width} px "${w.text}" is ${w.px} px, smaller than the cloud's ${type} px`);
    }
    const single = words.find((w) => w.text === 'rindfleischetikettierungsüberwachung');
    if (single.lines !== 1) throw new Error(`at ${width} px one long word is on ${single.lines} lines`);
    const off = await handset.evaluate(offScreen, ['.cloud li', true]);
    if (off.length) throw new Error(`the cloud at ${width} px, wider than the page: ${off.join('; ')}`);
    await shot(handset, `participant-words-phrases-${width}`);
  }
  const proj = await newPage(await browser.newContext({ viewport: { width: 800, height: 600 } }), 'projector of the cloud');
  await proj.goto(`${huddle.base}/screen/${code}#t=${token}`);
  await untilText(proj.getByTestId('words'), new RegExp(`${long}: 2`), 'the cloud on the projector');
  for (const [width, height] of projectorSizes) {
    await proj.setViewportSize({ width, height });
    await sleep(400); // fitted after a resize
    const { words } = await proj.evaluate(cloud);
    const wrapped = words.filter((w) => w.lines > 1);
    if (wrapped.length) throw new Error(`the projector's cloud at ${width}x${height} wraps ${wrapped.map((w) => w.text).join(', ')}, which fit on a line`);
    const off = await proj.evaluate(offScreen, ['[data-testid=words] li, [data-testid=words-more]', false]);
    if (off.length) throw new Error(`the projector's cloud at ${width}x${height}, off the screen: ${off.join('; ')}`);
    if (width === 800) await shot(proj, 'screen-words-phrases-600');
  }
  await proj.close();
  await handset.close();
  await driver.close();
}

/** A phone's text at 200 % (its root type doubled, as a browser's
 *  text-only zoom does) on a 320 px screen (WCAG 1.4.4, 1.4.10): nothing
 *  of sel ends outside the screen's width or spills out of its own box,
 *  the page is no wider than the screen (unless not page), and no word of
 *  whole that a line could hold is broken across lines. The kudos wall's columns were at least 15rem, 510 px
 *  then, the page 571 px wide; a result's label was squeezed beside its
 *  "2 · 67%" to a letter a line, and "Anonymous:" ran out of its notice. */
async function doubledTextAt320(page, sel, what, { whole = '', wide = true } = {}) {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.evaluate(() => { document.documentElement.style.fontSize = `${2 * parseFloat(getComputedStyle(document.documentElement).fontSize)}px`; });
  await sleep(200);
  const out = await page.evaluate(([sel, whole, wide]) => {
    const out = [];
    const name = (e) => `"${e.textContent.trim().slice(0, 30)}"`;
    for (const e of document.querySelectorAll(sel)) {
      const r = e.getBoundingClientRect();
      if (r.left < 0 || r.right > 320) out.push(`${name(e)} from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
      if (e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} ${e.scrollWidth} px wide in its ${e.clientWidth} px`);
    }
    // A word on more than one line that a line of its box could hold.
    for (const e of whole ? document.querySelectorAll(whole) : []) {
      const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (const m of n.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const rects = [...range.getClientRects()];
          const width = rects.reduce((w, x) => w + x.width, 0);
          if (new Set(rects.map((x) => Math.round(x.top))).size > 1 && width <= e.clientWidth) out.push(`"${m[0]}" broken across lines in ${e.clientWidth} px`);
        }
      }
    }
    if (wide && document.documentElement.scrollWidth > 320) out.push(`the page ${document.documentElement.scrollWidth} px wide`);
    return out;
  }, [sel, whole, wide]);
  if (out.length) throw new Error(`${what} at 320 px with the text at 200 %: ${out.join('; ')}`);
}

async function phoneAt200PercentText() {
  const handsetIn = async (code, label) => {
    const page = await newPage(await browser.newContext({ ...phone, viewport: { width: 390, height: 844 } }), label);
    await page.goto(`${huddle.base}/j/${code}`);
    await page.getByRole('button', { name: 'Join' }).click();
    return page;
  };
  // A poll's results, shown.
  const poll = await drivenRoom('the poll at 200 %', { kind: 'poll', title: 'Where do we start?',
    questions: [{ kind: 'choice', options: [{ id: 'a', label: 'Onboarding' }, { id: 'b', label: 'Flaky tests in the pipeline' }, { id: 'c', label: 'Docs' }] }] });
  const voter = await handsetIn(poll.code, 'phone of the poll at 200 %');
  await poll.driver.evaluate(async () => {
    const { r, fac, exercise } = window.__room;
    for (const [i, choice] of ['a', 'b', 'b'].entries()) {
      const j = await window.__post('/api/join', { code: r.room.code, name: `P${i}` });
      await (await window.__connect(r.room.id, j.token))('exercise.answer', { exercise, ballot: { answers: { q1: { choices: [choice] } } } });
    }
    await fac('exercise.show', { exercise });
  });
  await untilText(voter.getByTestId('results'), /67%/, 'the results on the phone');
  await doubledTextAt320(voter, '[data-testid=anon-notice], [data-testid=results] li, [data-testid=results] .head > *', 'the results', { whole: '[data-testid=results] .head' });
  await shot(voter, 'participant-results-320-text-200');

  // The kudos wall.
  const kudos = await drivenRoom('the kudos at 200 %', { kind: 'kudos', title: 'Kudos' });
  const reader = await handsetIn(kudos.code, 'phone of the kudos at 200 %');
  await kudos.driver.evaluate(async () => {
    const { r, exercise } = window.__room;
    const j = await window.__post('/api/join', { code: r.room.code, name: 'Ann' });
    const ann = await window.__connect(r.room.id, j.token);
    for (const message of ['Thanks for pairing on the release', 'Great demo']) await ann('kudos.send', { exercise, to: 'team', message });
  });
  await untilText(reader.getByTestId('kudos-wall'), /Great demo/, 'the kudos on the phone');
  await doubledTextAt320(reader, '[data-testid=kudos-wall], [data-testid=kudos-wall] li', 'the kudos wall', { whole: '[data-testid=kudos-wall] p' });
  await shot(reader, 'participant-kudos-320-text-200');

  // A retro's actions, with an owner and a due date.
  const retro = await drivenRoom('the actions at 200 %', { kind: 'retro', title: 'Sprint 44', retro: { columns: [{ id: 'start', title: 'Start' }] } });
  const actor = await handsetIn(retro.code, 'phone of the actions at 200 %');
  await retro.driver.evaluate(async () => {
    const { fac, exercise } = window.__room;
    for (const phase of ['reveal', 'group', 'vote', 'discuss']) await fac('retro.phase', { exercise, phase });
    await fac('retro.action.add', { exercise, text: 'Set up a pairing rota', owner: 'Annabel Lee-Smith', due: '2030-03-01' });
  });
  await untilText(actor.getByTestId('retro-board'), /pairing rota/, 'the actions on the phone');
  // The board's actions, and the phone's form to add one under them (its
  // owner and due date fields 9rem wide each where the line has room).
  await doubledTextAt320(actor, '[data-testid=retro-board] .actions li', 'the actions');
  await shot(actor, 'participant-actions-320-text-200');

  for (const p of [voter, reader, actor, poll.driver, kudos.driver, retro.driver]) await p.close();
}

/** The console's join card with the browser's font at 32 px (200 %) on
 *  a 1280x800 laptop: the code whole on one line inside its card (it was
 *  347 px wide in a 214 px box, its last letter under the exercise beside
 *  it), and the join link broken only after a slash or the port's colon
 *  ("http:/ / 127.0.0.1:191…"), within the card; at the browser's
 *  default 16 px the code keeps its 2.4rem. */
async function consoleJoinCodeAt200PercentText() {
  const card = async (standard) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx, `console with a ${standard ?? 'default'} px font`);
    if (standard) await (await ctx.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard } });
    await page.goto(huddle.base + '/host');
    await page.getByLabel('Workshop title').fill('Large text');
    await page.getByRole('button', { name: 'Create a room' }).click();
    await untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'the join code');
    await sleep(200);
    const seen = await page.evaluate(() => {
      const code = document.querySelector('[data-testid=join-code]');
      const box = code.closest('.card').getBoundingClientRect();
      const r = document.createRange();
      r.selectNodeContents(code);
      const text = r.getBoundingClientRect();
      const link = document.querySelector('[data-testid=join-link]');
      const lines = new Map();
      const walk = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          const c = document.createRange();
          c.setStart(n, i);
          c.setEnd(n, i + 1);
          const top = Math.round(c.getBoundingClientRect().top);
          lines.set(top, (lines.get(top) ?? '') + n.data[i]);
        }
      }
      const lr = document.createRange();
      lr.selectNodeContents(link);
      const linkBox = lr.getBoundingClientRect();
      return {
        code: code.textContent, codeLines: new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size,
        text: { left: text.left, right: text.right }, box: { left: box.left, right: box.right },
        px: parseFloat(getComputedStyle(code).fontSize), rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
        lines: [...lines.values()], link: { left: linkBox.left, right: linkBox.right },
      };
    });
    await shot(page, `host-join-code-${standard ?? 16}px`);
    await ctx.close();
    return seen;
  };
  const normal = await card(null);
  if (Math.abs(normal.px - 2.4 * normal.rem) > 0.5) throw new Error(`the join code at the default font size: ${normal.px} px, not 2.4rem (${2.4 * normal.rem} px)`);
  const large = await card(32);
  const what = "the console's join card with the text at 200 %";
  if (large.codeLines !== 1 || large.text.left < large.box.left || large.text.right > large.box.right) {
    throw new Error(`${what}: the code "${large.code}" on ${large.codeLines} lines from ${Math.round(large.text.left)} to ${Math.round(large.text.right)} px, its card from ${Math.round(large.box.left)} to ${Math.round(large.box.right)} px`);
  }
  if (!(large.px >= 1.5 * normal.rem)) throw new Error(`${what}: the code in ${large.px} px type`);
  const badBreaks = large.lines.slice(0, -1).filter((l) => !/[/:]$/.test(l));
  if (badBreaks.length || !large.lines.at(-1).endsWith(large.code)) throw new Error(`${what}: the link broken as ${large.lines.map((l) => `"${l}"`).join(' / ')}`);
  if (large.link.left < large.box.left || large.link.right > large.box.right) throw new Error(`${what}: the link from ${Math.round(large.link.left)} to ${Math.round(large.link.right)} px, its card from ${Math.round(large.box.left)} to ${Math.round(large.box.right)} px`);
}

/** A poll's options on a 360 px phone with the browser's font at 32 px
 *  (200 %): every word that a line of its option can hold is whole on
 *  one line ("Characte/r", "Compete/nce", "Consiste/ncy" were broken,
 *  the page, card and option padding and the radio beside them leaving
 *  ~150 px for the text), each option within the screen, its radio
 *  there to tap; a word longer than the line is still broken, not run
 *  out of its option. */
async function phonePollOptionsAt200PercentText() {
  const poll = await drivenRoom('the poll of long words', { kind: 'poll', title: 'Trust',
    questions: [{ kind: 'choice', prompt: 'Which pillar of trust do we need most?', options: ['Character', 'Competence', 'Consistency', 'Reliability', 'Transparency', 'Rindfleischetikettierungsüberwachung'].map((label, i) => ({ id: `o${i}`, label })) }] });
  const ctx = await browser.newContext(phone);
  const page = await newPage(ctx, 'phone of the poll at 200 %');
  try {
    await (await ctx.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard: 32 } });
    await page.goto(`${huddle.base}/j/${poll.code}`);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByLabel('Competence').waitFor();
    await sleep(200);
    // The type did grow: 34 px, twice the 17 px at the default font size.
    const px = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.option')).fontSize));
    if (px < 34) throw new Error(`a poll's options with the browser's font at 32 px: ${px} px type`);
    // Against the screen's 360 px, not innerWidth: a phone shows a page
    // wider than its screen zoomed out, innerWidth as wide as the page.
    const out = await page.evaluate(([long, screen]) => {
      const out = [];
      for (const o of document.querySelectorAll('.option')) {
        const text = o.querySelector('.user-text');
        const r = o.getBoundingClientRect();
        const radio = o.querySelector('input').getBoundingClientRect();
        const name = `"${text.textContent}"`;
        if (r.left < 0 || r.right > screen) out.push(`${name} from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
        if (o.scrollWidth > o.clientWidth + 1 || text.scrollWidth > text.clientWidth + 1) out.push(`${name} ${text.scrollWidth} px wide in its ${text.clientWidth} px`);
        if (radio.left < r.left || radio.right > r.right || radio.width < 20) out.push(`${name}: its radio at ${Math.round(radio.left)}, ${Math.round(radio.width)} px wide`);
        const range = document.createRange();
        range.selectNodeContents(text);
        const lines = new Set([...range.getClientRects()].map((x) => Math.round(x.top))).size;
        if (text.textContent !== long && lines > 1) out.push(`${name} broken across ${lines} lines in ${text.clientWidth} px`);
      }
      if (document.documentElement.scrollWidth > screen) out.push(`the page ${document.documentElement.scrollWidth} px wide`);
      return out;
    }, ['Rindfleischetikettierungsüberwachung', phone.viewport.width]);
    if (out.length) throw new Error(`a poll's options at 360 px with the text at 200 %: ${out.join('; ')}`);
    // No screenshot: a full-page one of a phone's page undoes
    // Page.setFontSizes (the page is drawn again at 17 px).
  } finally {
    await ctx.close();
    await poll.driver.close();
  }
}

/** Click something that downloads a file; the file's name and text. */
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), text: await readFile(await d.path(), 'utf8') };
}

/** Past sessions on a laptop (1280 px): the titles break between words,
 *  never inside one ("Build / ing / trust"), and the whole table fits,
 *  its Delete buttons in view without scrolling. */
async function sessionsReadable() {
  const table = lib.getByTestId('sessions');
  const width = await lib.evaluate(() => innerWidth);
  const split = await table.locator('tbody').evaluate(brokenWords);
  if (split.length) throw new Error(`past sessions split words at ${width} px: ` + split.join(', '));
  const box = await table.evaluate((t) => [t.parentElement.scrollWidth, t.parentElement.clientWidth]);
  if (box[0] > box[1]) throw new Error(`past sessions scroll at ${width} px: ${box[0]} in ${box[1]}`);
}

/** A phone's help request with a long title: the field shows all of it
 *  (a one-line field hid its start) and says how near the limit it is. */
async function helpTitleShown(page) {
  const field = page.getByLabel('What do you need help with?');
  await field.fill('Our integration tests fail at random on the CI runners and nobody knows why yet');
  const [sw, cw, sh, ch] = await field.evaluate((el) => [el.scrollWidth, el.clientWidth, el.scrollHeight, el.clientHeight]);
  if (sw > cw || sh > ch) throw new Error(`the help title field hides some of a long title: ${sw}×${sh} in ${cw}×${ch}`);
  await untilText(page.getByTestId('char-count'), /^79 \/ 80$/, 'the help title counter');
}

/** The next step one of a pair saved: the other sees it, with no empty
 *  field that would replace it, and changes it only through Edit. */
async function helpStepAgreed(page, text) {
  await untilText(page.getByTestId('next-step'), new RegExp(`^${text}$`), 'the agreed next step');
  if (await page.getByRole('textbox', { name: 'Next step', exact: true }).count()) throw new Error('an empty "Next step" field beside the agreed step');
  await page.getByRole('button', { name: 'Edit the next step' }).click();
  const value = await page.getByRole('textbox', { name: 'Edit the next step' }).inputValue();
  if (value !== text) throw new Error('the next step to edit is not the agreed one: ' + value);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Edit the next step' }).waitFor();
}

/** The console's header at 1024 px with a long room title (in a room of
 *  its own): the title takes the width, in at most two lines (squeezed
 *  beside the room's buttons it ran to eight), and the buttons stay
 *  together on one line. */
async function consoleHeaderAt1024() {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  try {
    const page = await newPage(ctx, 'long title');
    await page.goto(huddle.base + '/host');
    await page.getByLabel('Workshop title').fill('Quarterly planning retrospective for the platform infrastructure team, Berlin and Lisbon');
    await page.getByRole('button', { name: 'Create a room' }).click();
    await untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    const [lines, tops] = await page.evaluate(() => {
      const h1 = document.querySelector('.bar h1');
      const lh = parseFloat(getComputedStyle(h1).lineHeight);
      return [Math.round(h1.getBoundingClientRect().height / lh), [...document.querySelectorAll('.bar .tools > *')].map((e) => Math.round(e.getBoundingClientRect().top))];
    });
    if (lines > 2) throw new Error(`the console's title runs to ${lines} lines at 1024 px`);
    if (new Set(tops).size !== 1) throw new Error(`the console's buttons are on more than one line at 1024 px: tops ${tops.join(', ')}`);
    await shot(page, 'host-long-title-1024');
  } finally {
    await ctx.close();
  }
}

/** The console's "Who is here" with eight people at 1280x800: the list
 *  is capped and scrolls, and it shows that it does (capped on a row's
 *  edge, the eighth person was hidden with no sign of it): the edge fades
 *  and a line under it says how many are below and to scroll, both gone
 *  once it is scrolled to the end. */
async function peopleListSaysItScrolls() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await newPage(ctx, 'eight people');
    await page.goto(huddle.base + '/host');
    await page.getByLabel('Workshop title').fill('Eight people');
    await page.getByRole('button', { name: 'Create a room' }).click();
    const roomCode = await untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    // Eight phones, each a WebSocket of a page of the server (roomDriver).
    const driver = await newPage(ctx, 'the eight phones');
    await driver.goto(huddle.base + '/healthz');
    await driver.evaluate(roomDriver);
    await driver.evaluate(async (code) => {
      for (const name of ['Ann', 'Ben', 'Cy', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal']) {
        const j = await window.__post('/api/join', { code, name });
        await window.__connect(j.room.id, j.token);
      }
    }, roomCode);
    await until(async () => (await page.locator('[data-testid=people] li').count()) === 8, 'the eight people listed');
    await sleep(300);
    const seen = () => page.getByTestId('people').evaluate((el) => {
      const list = el.querySelector('ul');
      const edge = list.getBoundingClientRect().bottom;
      return {
        scrolls: list.scrollHeight > list.clientHeight,
        hidden: [...list.children].filter((li) => li.getBoundingClientRect().top + li.getBoundingClientRect().height / 2 > edge).length,
        more: el.querySelector('[data-testid=people-more]')?.textContent ?? '', fade: getComputedStyle(list).maskImage !== 'none',
      };
    });
    const cut = await seen();
    if (!cut.scrolls) throw new Error('"Who is here" with eight people at 1280x800 does not scroll: the check needs a longer list');
    if (!cut.hidden || cut.more !== `+${cut.hidden} more ${cut.hidden === 1 ? 'person' : 'people'} below: scroll the list` || !cut.fade) throw new Error(`"Who is here" cut with ${cut.hidden} below: "${cut.more}", faded: ${cut.fade}`);
    await shot(page, 'host-people-scrolls');
    await page.getByTestId('people').locator('ul').evaluate((l) => l.scrollTo(0, l.scrollHeight));
    await sleep(300);
    const end = await seen();
    if (end.hidden || end.more || end.fade) throw new Error(`"Who is here" scrolled to the end: ${JSON.stringify(end)}`);
  } finally {
    await ctx.close();
  }
}

/** The console's "Who is here" with names of two and three lines (in a
 *  room of its own): the lines of one name close together, the next
 *  name clearly apart, not read as one ("Kwame Mensah-Bonsu Maximilian…"). */
async function peopleRowsApart() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const phones = [];
  try {
    const page = await newPage(ctx, 'people');
    await page.goto(huddle.base + '/host');
    await page.getByLabel('Workshop title').fill('Long names');
    await page.getByRole('button', { name: 'Create a room' }).click();
    const roomCode = await untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    const names = ['Kwame Mensah-Bonsu Asante-Owusu', 'Maximilian Hohenzollern-Sigmaringen', 'Ngozi Chimamanda Adichie-Okonkwo'];
    for (const name of names) {
      phones.push(await browser.newContext(phone));
      const p = await newPage(phones.at(-1), name);
      await p.goto(`${huddle.base}/j/${roomCode}`);
      await p.getByLabel(/Your name/).fill(name);
      await p.getByRole('button', { name: 'Join' }).click();
      await p.getByTestId('waiting').waitFor();
    }
    await untilText(page.getByTestId('people'), /3 of 3 online/, 'three long names');
    const tops = await page.getByTestId('people').evaluate((el) => [...el.querySelectorAll('li .name')].map((n) => {
      const r = document.createRange();
      r.selectNodeContents(n);
      return [...new Set([...r.getClientRects()].map((x) => Math.round(x.top)))].sort((a, b) => a - b);
    }));
    const within = Math.max(...tops.flatMap((t) => t.slice(1).map((y, i) => y - t[i])));
    if (!(within > 0)) throw new Error('no name of the list wraps at 1280 px: ' + JSON.stringify(tops));
    for (let i = 1; i < tops.length; i++) {
      const apart = tops[i][0] - tops[i - 1].at(-1);
      if (apart < within + 6) throw new Error(`"Who is here": names ${apart} px apart, a name's lines ${within} px: ${JSON.stringify(tops)}`);
    }
    await shot(page, 'host-long-names');
  } finally {
    for (const c of [ctx, ...phones]) await c.close();
  }
}

/** The pack cards in one section of the library ("Your packs", "Built-in packs"). */
const packsIn = (heading) => lib.locator('section', { has: lib.getByRole('heading', { name: heading, exact: true }) }).getByTestId('pack');

/** The room as GET /api/rooms/{code} describes it. */
async function roomInfo(roomCode) {
  const r = await fetch(`${huddle.base}/api/rooms/${roomCode}`);
  if (!r.ok) throw new Error(`GET /api/rooms/${roomCode}: ${r.status}`);
  return r.json();
}

/** Run the adapted pack's closing question with the three phones, then end the room. */
async function runAdapted(values, { showNames = false } = {}) {
  await lib.goto(huddle.base + '/library');
  // Names stay hidden in a room started from the library unless the trainer shows them.
  const names = lib.getByLabel("Participants see each other's names");
  if (await names.isChecked()) throw new Error('the library shows names by default');
  if (showNames) await names.check();
  await lib.locator(`[data-pack=${adapted}]`).getByRole('button', { name: 'Start a room' }).click();
  await lib.waitForURL(/\/host\/[A-Z2-9]{6}$/);
  const roomCode = await untilText(lib.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
  const info = await roomInfo(roomCode);
  if (info.showNames !== showNames) throw new Error(`a room started from the library has showNames ${info.showNames}, want ${showNames}`);
  await untilText(lib.getByTestId('agenda'), /^Agenda 1 Closing.*6 Recognition round/, 'the adapted agenda, Closing first');
  await untilText(lib.getByTestId('control'), /Closing/, 'Closing is current');
  const phones = ['Ann', 'Ben', 'anon'].map(P);
  for (const p of phones) {
    await p.goto(`${huddle.base}/j/${roomCode}`);
    await p.getByRole('button', { name: 'Join' }).click();
    await p.getByTestId('waiting').waitFor();
  }
  await lib.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
  for (let i = 0; i < phones.length; i++) {
    const p = phones[i];
    await p.locator('[data-testid=exercise][data-kind=survey]').waitFor();
    await p.getByRole('radio', { name: scalePoint(values[i]) }).check();
    await p.getByRole('button', { name: 'Send answer' }).click();
    // The habit question is left unanswered: the phone says so first.
    await untilText(p.getByTestId('unanswered'), /Not answered yet: question 2\. Once sent, your answers cannot be changed\./, 'the unanswered question');
    await p.getByRole('button', { name: 'Send anyway' }).click();
    await p.getByTestId('answered').waitFor();
  }
  await until(async () => /3 answers/.test(await textOf(lib.getByTestId('host-responses'))), 'three answers');
  lib.once('dialog', (d) => d.accept());
  await lib.getByRole('button', { name: 'End the room' }).click();
  // "Kept" only once the server answered POST /api/rooms/{room}/session.
  await untilText(lib.getByTestId('ended'), /This room has ended\. Kept as a session \(.+\)/, 'the ended room says its results are kept');
  runs.push(roomCode);
}

/** The system's dark mode: the phone's join and waiting pages and the
 *  console are dark with light text (its fields too), the projector
 *  light all the same, its QR code dark on a white tile, every sampled
 *  text at 4.5:1 or more by its computed colours. And a browser set to a
 *  larger default font size (20 px, by CDP's Page.setFontSizes): the
 *  phone's type grows with it, 17 px at the default 16 px as it was. */
async function darkSchemeAndBrowserFontSize() {
  /** The first drawn element of sel with text, and the colours it is drawn
   *  in by the computed styles: its text colour, the opaque background
   *  under it (its own or the nearest ancestor's), their contrast; and the
   *  page's own (the root's) background and text luminance. */
  function drawnColours(sel) {
    const rgb = (c) => c.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((x) => (x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4).reduce((a, x, i) => a + x * [0.2126, 0.7152, 0.0722][i], 0);
    const el = [...document.querySelectorAll(sel)].find((e) => e.getClientRects().length && e.textContent.trim());
    if (!el) return null;
    let bg;
    for (let e = el; e && !bg; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] === 1) bg = c;
    }
    const fg = rgb(getComputedStyle(el).color);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const root = getComputedStyle(document.documentElement);
    return { text: el.textContent.trim().slice(0, 30), fg: fg.join(','), bg: bg.join(','), ratio: (hi + 0.05) / (lo + 0.05),
      page: { bg: lum(rgb(root.backgroundColor)), text: lum(rgb(root.color)) } };
  }
  const contexts = [];
  const open = async (opts, label) => {
    const ctx = await browser.newContext(opts);
    contexts.push(ctx);
    return newPage(ctx, label);
  };
  const scheme = async (page, want, what, selectors) => {
    for (const sel of selectors) {
      const c = await until(() => page.evaluate(drawnColours, sel), `${sel} drawn on ${what}`);
      const dark = c.page.bg < 0.05 && c.page.text > 0.6;
      const light = c.page.bg > 0.8 && c.page.text < 0.05;
      if (!(want === 'dark' ? dark : light)) throw new Error(`${what} is not ${want}: the page's luminance ${c.page.bg.toFixed(3)}, its text's ${c.page.text.toFixed(3)}`);
      if (!(c.ratio >= 4.5)) throw new Error(`${what}, "${c.text}" (${sel}): rgb(${c.fg}) on rgb(${c.bg}) is ${c.ratio.toFixed(2)}:1, under 4.5:1`);
    }
  };
  const qrOnWhite = async (page, what) => {
    const fills = await page.getByTestId('qr').evaluate((svg) => [...svg.querySelectorAll('rect, path')].map((e) => getComputedStyle(e).fill));
    if (fills.join(' ') !== 'rgb(255, 255, 255) rgb(0, 0, 0)') throw new Error(`the QR code on ${what}: ${fills.join(' ')}`);
  };
  try {
    const dark = { colorScheme: 'dark' };
    const laptop = await open({ viewport: { width: 1280, height: 860 }, ...dark }, 'console in dark mode');
    await laptop.goto(huddle.base + '/host');
    await scheme(laptop, 'dark', 'the new-room page', ['label', 'h1']);
    await laptop.getByLabel('Workshop title').fill('After dark');
    await laptop.getByRole('button', { name: 'Create a room' }).click();
    const roomCode = await untilText(laptop.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    await scheme(laptop, 'dark', 'the console', ['header h1', '[data-testid=join-code]', '[data-testid=people] .muted, [data-testid=people] p', 'main .hint', 'button.secondary, button.small']);
    await qrOnWhite(laptop, 'the dark console');
    await shot(laptop, 'host-dark');

    const proj = await newPage(laptop.context(), 'projector in dark mode');
    await proj.setViewportSize({ width: 1280, height: 720 });
    await proj.goto(`${huddle.base}/screen/${roomCode}`);
    await untilText(proj.getByTestId('screen-code'), new RegExp(roomCode), 'the projector\'s code');
    await scheme(proj, 'light', 'the projector of a laptop in dark mode', ['[data-testid=screen] h1', '[data-testid=screen-code]', '.people']);
    await qrOnWhite(proj, 'the projector');
    await shot(proj, 'screen-lobby-dark-laptop');

    const handset = await open({ ...phone, ...dark }, 'phone in dark mode');
    await handset.goto(`${huddle.base}/j/${roomCode}`);
    await scheme(handset, 'dark', 'the join page', ['label', '.hint', 'h1']);
    const field = await handset.getByLabel('Room code').evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
    await handset.getByRole('button', { name: 'Join' }).click();
    await handset.getByTestId('waiting').waitFor();
    await scheme(handset, 'dark', 'the waiting page', ['[data-testid=waiting]', '[data-testid=conn]']);
    await shot(handset, 'participant-waiting-dark');
    const [fieldBg, fieldText] = field.map((c) => c.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3);
    if (!(fieldBg < 60 && fieldText > 200)) throw new Error(`the room code field in dark mode: ${field.join(' text ')}`);

    // The browser's default font size, 16 px and 20 px: the phone's type 17 px and 21.25 px.
    const typeAt = async (standard) => {
      const page = await open(phone, `phone with a ${standard ?? 'default'} px font`);
      if (standard) await (await page.context().newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard } });
      await page.goto(`${huddle.base}/j/${roomCode}`);
      await page.getByLabel('Room code').waitFor();
      // The page's type (body), a label, the hint under a field, the room code's large field.
      return page.evaluate(() => ['body', 'label', '.hint', 'input'].map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)));
    };
    const normal = await typeAt(null);
    const larger = await typeAt(20);
    if (normal[0] !== 17 || normal[1] !== 17) throw new Error(`the join page's text at the browser's default font size: ${normal.join(', ')} px, not 17`);
    if (!larger.every((px, i) => px >= normal[i] * 1.2)) throw new Error(`the join page's text with the browser's font at 20 px: ${larger.join(', ')} px, at 16 px ${normal.join(', ')} px`);
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
}

const steps = [
  ['the facilitator creates a room and sees its code, link and QR code', async () => {
    hostCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    host = await newPage(hostCtx, 'host');
    await host.goto(huddle.base + '/host');
    await host.getByLabel('Workshop title').fill('Team retro');
    // Names are hidden unless chosen (as from the library); this team shows them.
    const names = host.getByLabel("Participants see each other's names");
    if (await names.isChecked()) throw new Error('a new room shows names unless chosen');
    await names.check();
    await host.getByRole('button', { name: 'Create a room' }).click();
    code = await untilText(host.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    await host.getByTestId('qr').waitFor();
    const link = await textOf(host.getByTestId('join-link'));
    if (link !== `${huddle.base}/j/${code}`) throw new Error('join link ' + link);
    if (!/\/host\/[A-Z2-9]{6}$/.test(host.url())) throw new Error('console url ' + host.url());
    // A laptop on a projector at 1024 px: the room's buttons stay on the
    // title's line, "End the room" never on one of its own.
    await host.setViewportSize({ width: 1024, height: 768 });
    const top = async (name) => (await host.getByRole('button', { name, exact: true }).boundingBox()).y;
    if ((await top('End the room')) !== (await top('Lock joining'))) throw new Error('"End the room" wraps at 1024 px');
    const h1 = await host.locator('header h1').boundingBox();
    if ((await top('End the room')) > h1.y + h1.height) throw new Error('the console\'s buttons go under its title at 1024 px');
    await host.setViewportSize({ width: 1280, height: 860 });
  }],

  ['the projector shows the QR code and join code while people arrive', async () => {
    screen = await newPage(hostCtx, 'screen');
    await screen.setViewportSize({ width: 1280, height: 720 });
    await screen.goto(`${huddle.base}/screen/${code}`);
    await untilText(screen.getByTestId('screen-code'), new RegExp(code));
    await screen.getByTestId('qr').waitFor();
    await shot(screen, 'screen-lobby');
  }],

  ['three participants join from phones: by link, by typed code, without a name', async () => {
    for (const name of ['Ann', 'Ben', '']) {
      const ctx = await browser.newContext(phone);
      const page = await newPage(ctx, name || 'anon');
      people[name || 'anon'] = { ctx, page };
      if (name === 'Ben') {
        await page.goto(huddle.base + '/');
        // Codes are forgiving: lower case with a dash works.
        await page.getByLabel('Room code').fill(code.slice(0, 3).toLowerCase() + '-' + code.slice(3).toLowerCase());
      } else {
        await page.goto(`${huddle.base}/j/${code}`);
        const v = await page.getByLabel('Room code').inputValue();
        if (v !== code) throw new Error('code from the link: ' + v);
      }
      if (name === 'Ann') await shot(page, 'participant-join');
      await page.getByLabel(/Your name/).fill(name);
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByTestId('waiting').waitFor();
      await untilText(page.getByTestId('conn'), /Connected/);
    }
    await untilText(host.getByTestId('people'), /3 of 3 online/, 'presence');
    await untilText(host.getByTestId('people'), /Ann.*Ben|Ben.*Ann/, 'names');
    await untilText(screen.getByTestId('screen'), /3 people here/, 'projector count');
    await shot(P('Ann'), 'participant-waiting');
  }],

  ['the facilitator builds the agenda: poll, retrospective, help board, kudos wall', async () => {
    await addExercise('Poll', 'Where do we eat?', async (f) => {
      await f.getByLabel('Options, one per line').fill('Pizza\nSalad\nSoup');
      // An anonymous vote's floor is said under its threshold only.
      await f.getByTestId('min-floor').waitFor();
      await sideBySide(f, 'Results hidden until this many answers', 'Default timer (seconds, 0 = none)', 'with a hint under one');
    });
    await addExercise('Retrospective', 'Sprint 42', null);
    await addExercise('"Can you help me?" board', 'Help wanted', null);
    await addExercise('Kudos wall', 'Thank you', null);
    await until(async () => (await host.getByTestId('agenda').locator('li').count()) === 4, 'four agenda items');
    await shot(host, 'host-agenda');
  }],

  ['poll: answers are anonymous and results stay hidden until three answers', async () => {
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const p of all()) {
      await p.getByTestId('exercise').waitFor();
      await untilText(p.getByTestId('anon-notice'), /Anonymous/);
    }
    await P('Ann').getByLabel('Pizza').check();
    await P('Ann').getByRole('button', { name: 'Send answer' }).click();
    await P('Ann').getByTestId('answered').waitFor();
    // Ben uses the keyboard only.
    const ben = P('Ben');
    await ben.getByLabel('Pizza').focus();
    await ben.keyboard.press('Space');
    await ben.keyboard.press('ArrowDown');
    if (!(await ben.getByLabel('Salad').isChecked())) throw new Error('arrow keys do not move the choice');
    await ben.keyboard.press('Tab');
    await ben.keyboard.press('Enter');
    await P('Ben').getByTestId('answered').waitFor();
    await until(async () => (await hostResponses()) === 2, 'two answers');
    // Below the threshold: no results anywhere, and "Show results" is off,
    // saying why (aria-disabled, not disabled: Tab still reaches it), and
    // pressed it does nothing.
    if (await host.getByTestId('results').count()) throw new Error('facilitator sees results below the threshold');
    const show = host.getByRole('button', { name: 'Show results' });
    const off = await show.evaluate((b) => ({ disabled: b.disabled, aria: b.getAttribute('aria-disabled'), why: document.getElementById(b.getAttribute('aria-describedby'))?.textContent ?? '' }));
    if (off.disabled || off.aria !== 'true' || !/^2 of 3 answers needed before results can be seen\.$/.test(off.why)) throw new Error('show results below threshold: ' + JSON.stringify(off));
    await show.focus();
    await host.keyboard.press('Enter');
    await sleep(300);
    // Sent, the server's refusal would show under the buttons.
    if (await host.getByTestId('control').locator('[role=alert]').count()) throw new Error('show results pressed below the threshold was sent: ' + (await textOf(host.getByTestId('control').locator('[role=alert]'))));
    if ((await host.getByTestId('control').getAttribute('data-status')) !== 'open') throw new Error('show results pressed below the threshold closed the poll');
    await untilText(screen.getByTestId('screen-count'), /2 answers/);
    await shot(P('Ann'), 'participant-poll-answered');
  }],

  ['poll: a phone loses its network mid-answer; nothing is lost or doubled', async () => {
    const anon = people.anon;
    await anon.page.getByLabel('Pizza').check();
    await anon.ctx.setOffline(true);
    await untilText(anon.page.getByTestId('conn'), /Reconnecting/, 'reconnect indicator');
    await anon.page.getByRole('button', { name: 'Send answer' }).click();
    await anon.page.getByTestId('pending').waitFor();
    await shot(anon.page, 'participant-offline-pending');
    await sleep(1500);
    if ((await hostResponses()) !== 2) throw new Error('an answer arrived while offline');
    await anon.ctx.setOffline(false);
    await anon.page.getByTestId('answered').waitFor({ timeout: 20_000 });
    await untilText(anon.page.getByTestId('conn'), /Connected/);
    await until(async () => (await hostResponses()) === 3, 'three answers');
    // Drop a socket again: the re-sent command is answered once, never counted twice.
    await P('Ann').evaluate(() => window.__huddle.drop());
    await untilText(P('Ann').getByTestId('conn'), /Connected/);
    await sleep(600);
    if ((await hostResponses()) !== 3) throw new Error('answers doubled: ' + (await hostResponses()));
  }],

  ['poll: results shown to the room once the facilitator shows them', async () => {
    // Open past its threshold, an anonymous vote shows nobody a tally, the
    // facilitator included: the console says the results come at closing.
    await host.getByTestId('results-at-close').waitFor();
    if (await host.getByTestId('results').count()) throw new Error('the console shows an open anonymous vote\'s tally');
    await host.getByRole('button', { name: 'Show results' }).click();
    // Each phone marks its own choice: Ann's Pizza, Ben's Salad.
    for (const p of all()) await untilText(p.getByTestId('results'), /Pizza\s*(Your answer)?\s*2\s*·\s*67%.*Salad\s*(Your answer)?\s*1\s*·\s*33%.*Soup\s*0/, 'participant results');
    await untilText(P('Ann').getByTestId('results'), /Pizza\s*Your answer\s*2/, 'Ann\'s answer marked');
    await untilText(P('Ben').getByTestId('results'), /Salad\s*Your answer\s*1/, 'Ben\'s answer marked');
    await untilText(screen.getByTestId('results'), /Pizza\s*2\s*·\s*67%/, 'projector results');
    await shot(P('Ben'), 'participant-poll-results');
    await shot(screen, 'screen-poll-results');
    await shot(host, 'host-poll-results');
  }],

  ['a projector link shows the room on another computer, never its console; a new link stops it', async () => {
    await host.getByRole('button', { name: 'Make a projector link' }).click();
    const url = await host.locator('#plink').inputValue();
    if (!new RegExp(`/screen/${code}#t=.+`).test(url)) throw new Error('projector link: ' + url);
    // A room PC: a browser of its own, holding nothing of the facilitator.
    const pcCtx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const pc = await newPage(pcCtx, 'room PC');
      await pc.goto(url);
      await untilText(pc.getByTestId('results'), /Pizza\s*2\s*·\s*67%/, 'results on the room PC');
      if (pc.url().includes('#')) throw new Error('the token stayed in the address bar: ' + pc.url());
      await shot(pc, 'screen-by-link');
      await pc.goto(`${huddle.base}/host/${code}`);
      await pc.getByText(/facilitator key/i).waitFor();
      if (await pc.getByTestId('agenda').count()) throw new Error('the link opened the console');
      await pc.goto(`${huddle.base}/screen/${code}`); // reloaded: the link kept
      await untilText(pc.getByTestId('results'), /Pizza\s*2/, 'results after a reload');
      host.once('dialog', (d) => d.accept()); // "the current one stops working"
      await host.getByRole('button', { name: 'Make a new link' }).click();
      await until(async () => (await host.locator('#plink').inputValue()) !== url, 'a new link');
      await untilText(pc.getByTestId('screen-over'), /no longer works/, 'the old link stopped');
    } finally {
      await pcCtx.close();
    }
  }],

  ['an answer kept from before a reload, then refused, is said to the phone, not dropped', async () => {
    // As a phone that lost its network, answered, and was closed before
    // the answer went out: the page kept it, and sends it when opened
    // again; by then the poll shows its results and takes no answers.
    const ben = P('Ben');
    const exercise = await ben.getByTestId('exercise').getAttribute('data-id');
    await ben.evaluate(([key, ex]) => localStorage.setItem(key, JSON.stringify([
      { id: 'kept-before-reload', type: 'exercise.answer', data: { exercise: ex, ballot: { answers: { q1: { choices: ['o1'] } } } } },
    ])), [`huddle:pending:p:${code}`, exercise]);
    await ben.reload();
    await untilText(ben.getByTestId('missed'), /“Where do we eat\?” before the page reloaded was not taken/, 'restored refusal');
    await ben.getByTestId('missed').getByRole('button', { name: 'OK' }).click();
    await until(async () => (await ben.getByTestId('missed').count()) === 0, 'notice dismissed');
    if (await ben.evaluate(() => window.__huddle.pending())) throw new Error('the refused command is still pending');
    if ((await hostResponses()) !== 3) throw new Error('answers changed: ' + (await hostResponses()));
  }],

  ['retrospective: cards stay private while written, then everyone sees them', async () => {
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const p of all()) {
      await p.locator('[data-testid=exercise][data-kind=retro]').waitFor();
      await p.getByTestId('anon-notice').waitFor();
    }
    // The card field takes the server's text limit from the welcome (this
    // run's server allows 600 characters, not the default 500).
    const max = await P('Ann').getByLabel('Card text').getAttribute('maxlength');
    if (max !== '600') throw new Error(`the card field's maxlength is ${max}, want the server's 600`);
    await addCard(P('Ann'), 'Start', 'Pair more often');
    await addCard(P('Ann'), 'Start', 'More pairing on bugs');
    await addCard(P('Ben'), 'Stop', 'Long meetings');
    await addCard(P('anon'), 'Continue', 'Friday demos');
    const benSees = await textOf(P('Ben').getByTestId('exercise'));
    if (benSees.includes('Pair more often')) throw new Error("Ben sees Ann's card in the write phase");
    await untilText(screen.getByTestId('retro-board'), /4 cards written so far/);
    await shot(P('Ann'), 'participant-retro-write');
    await shot(screen, 'screen-retro-write');
    // The projector opened on a phone: its header wraps between words.
    await screen.setViewportSize({ width: 360, height: 740 });
    const split = await screen.locator('.head').evaluate(brokenWords);
    await screen.setViewportSize({ width: 1280, height: 720 });
    if (split.length) throw new Error(`at 360 px the projector's header breaks ${split.join(', ')} in two`);
    await nextPhase('reveal');
    await untilText(P('Ben').getByTestId('retro-board'), /Pair more often/, 'revealed cards');
    // Each phone says the move once, politely, the card form (and the
    // focus in it) staying.
    for (const p of all()) await untilText(p.getByTestId('said'), /^Cards are revealed\. You can still add cards\.$/, 'the reveal said on a phone');
  }],

  ['retrospective: grouping, dot voting, discussion focus and action items', async () => {
    await nextPhase('group');
    // "View as participant" shows the board as a phone does, its columns
    // one under another: the console's 1280 px put them side by side in
    // the 360 px panel, "Continue" broken in two.
    await host.getByRole('button', { name: 'View as participant' }).click();
    const pvBoard = host.getByTestId('preview').getByTestId('retro-board');
    await untilText(pvBoard, /Pair more often/, 'the board in the preview');
    const tracks = await pvBoard.locator('.cols').evaluate((e) => getComputedStyle(e).gridTemplateColumns.split(' ').length);
    const pvSplit = await pvBoard.evaluate(brokenWords);
    if (tracks !== 1 || pvSplit.length) throw new Error(`the preview's board in ${tracks} columns, words broken: ${pvSplit.join(', ')}`);
    await host.getByRole('button', { name: 'Close preview' }).click();
    await until(async () => !/Preview/.test(await textOf(host.getByTestId('people'))), 'the test participant gone');
    await host.getByLabel('Select card: Pair more often').check();
    await host.getByLabel('Select card: More pairing on bugs').check();
    await host.getByPlaceholder('Group name').fill('Pairing');
    // Enter in the name groups the selected cards.
    await host.getByPlaceholder('Group name').press('Enter');
    await untilText(P('Ann').getByTestId('retro-board'), /Pairing/, 'group on phones');
    // Both cards are "Start" cards: the group stays in that column.
    await untilText(screen.locator('[data-testid=retro-board] .col[aria-label="Start"]'), /Pairing/, 'the group in its column on the projector');
    await nextPhase('vote');
    // Ben's card form (his focus in it since his last card) went with the
    // vote: his phone's title has the focus, and says the news once (not
    // the live region as well), for the dots one Tab away.
    await until(async () => (await P('Ben').evaluate(() => document.activeElement?.id)) === 'ex-title', "the vote's news on Ben's title");
    if (await textOf(P('Ben').getByTestId('said'))) throw new Error("the vote said twice on Ben's phone: " + await textOf(P('Ben').getByTestId('said')));
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ben'), 'Pairing');
    await dot(P('Ben'), 'Long meetings');
    await dot(P('anon'), 'Friday demos');
    await untilText(P('Ann').getByTestId('dots-left'), /1 dot left/);
    await untilText(host.getByTestId('retro-control'), /5 dots placed so far/);
    // Back to grouping, once warned, starts the vote again: every dot is
    // cleared on the server, the phones and the console alike.
    let warned = '';
    host.once('dialog', (d) => { warned = d.message(); d.accept(); });
    await host.getByRole('button', { name: '3. Group' }).click();
    await host.locator('[data-testid=retro-control][data-phase=group]').waitFor();
    if (!/clears the 5 dots placed so far/.test(warned)) throw new Error('going back from the vote warned: ' + warned);
    await nextPhase('vote');
    for (const p of all()) await untilText(p.getByTestId('dots-left'), /3 dots left/, 'every dot back');
    await untilText(host.getByTestId('retro-control'), /0 dots placed so far/);
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ben'), 'Pairing');
    await dot(P('Ben'), 'Long meetings');
    await dot(P('anon'), 'Friday demos');
    await untilText(host.getByTestId('retro-control'), /5 dots placed so far/);
    await shot(P('Ben'), 'participant-retro-vote');
    await nextPhase('discuss');
    await host.getByRole('button', { name: 'Discuss this' }).first().click();
    await untilText(P('Ann').getByTestId('retro-board'), /Now discussing\s*Pairing\s*Column: Start\s*3 dots/, 'focus on phones');
    await untilText(screen.getByTestId('retro-board'), /Now discussing\s*Pairing\s*Column: Start\s*3 dots.*Long meetings\s*Column: Stop\s*1 dot/, 'ranked on the projector');
    await shot(P('Ann'), 'participant-retro-discuss');
    await shot(screen, 'screen-retro-discuss');
    await nextPhase('actions');
    // The console's action, owner, date and button on one line at 1280 px:
    // the date field at 100% took a line of its own, the button another.
    const rowTops = await host.getByTestId('retro-control').locator('form.row:has(input[type=date])').evaluate((f) => [...f.querySelectorAll('input, button')].map((e) => Math.round(e.getBoundingClientRect().top)));
    if (Math.max(...rowTops) - Math.min(...rowTops) > 8) throw new Error(`the console's action form is not on one line at 1280 px: tops ${rowTops.join(', ')}`);
    await P('Ann').getByLabel('Action', { exact: true }).fill('Set up a pairing rota');
    await P('Ann').getByLabel('Owner').fill('Ann');
    await P('Ann').getByRole('button', { name: 'Add action' }).click();
    await untilText(host.getByTestId('control'), /Set up a pairing rota · Ann/, 'action item');
    await untilText(screen.getByTestId('retro-board'), /Set up a pairing rota/, 'action on projector');
    await shot(host, 'host-retro');
  }],

  ['retrospective: a phone edits its own card (Escape gives up, Save sends), the focus back on its Edit button', phoneEditsOwnCard],
  ['retrospective: Shift+Tab up a long vote on a phone never leaves a dot button under the "dots left" notice', phoneVoteFocusClearOfDotsLeft],
  ['retrospective: a card written under "Anonymous" stays anonymous when names are turned on before it arrives; one the vote left out keeps its words', phoneCardKeepsItsAnonymity],

  ['help board: a request is matched to an offer and they agree a next step', async () => {
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    const ann = P('Ann'), ben = P('Ben');
    await ann.locator('[data-testid=exercise][data-kind=help]').waitFor();
    await helpTitleShown(ann);
    await ann.getByLabel('What do you need help with?').fill('Flaky Go tests');
    await ann.getByLabel(/Tags/).fill('go, testing');
    await ann.getByRole('button', { name: 'Post request' }).click();
    await ben.getByText('Flaky Go tests').waitFor();
    await ben.getByRole('button', { name: 'Offer help' }).click();
    await ben.getByLabel('How can you help?').fill('I can pair tomorrow');
    await ben.getByRole('button', { name: 'Send offer' }).click();
    await ben.getByText('You offered help').waitFor();
    await ann.getByRole('button', { name: 'Accept this offer' }).click();
    await ann.getByText('You are paired with Ben').waitFor();
    await ben.getByText('You are helping Ann', { exact: true }).waitFor();
    await ben.getByLabel('Next step').fill('Pair on Tuesday at 10');
    await ben.getByRole('button', { name: 'Save next step' }).click();
    await ann.getByText('Pair on Tuesday at 10').waitFor();
    await helpStepAgreed(ann, 'Pair on Tuesday at 10');
    await untilText(host.getByTestId('help-board'), /0 Open 1 Matched 0 Resolved/, 'help counts');
    await untilText(screen.getByTestId('help-board'), /Flaky Go tests/, 'projector help board');
    await shot(ann, 'participant-help');
    await shot(screen, 'screen-help');
  }],

  ['kudos wall: named and anonymous kudos reach the wall', async () => {
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    const ben = P('Ben'), anon = P('anon');
    await ben.locator('[data-testid=exercise][data-kind=kudos]').waitFor();
    await ben.getByLabel('To', { exact: true }).selectOption({ label: 'Ann' });
    await ben.getByLabel('Message').fill('Thanks for the demo!');
    await ben.getByRole('button', { name: 'Send kudos' }).click();
    await anon.locator('[data-testid=exercise][data-kind=kudos]').waitFor();
    await anon.getByLabel('Send anonymously').check();
    await anon.getByLabel('Message').fill('Great sprint, everyone');
    await anon.getByRole('button', { name: 'Send kudos' }).click();
    // In the order of the kudos' random ids, not of their sending: the
    // same on every phone, the projector and the console.
    const orders = new Set();
    for (const p of [...all(), screen, host]) {
      const wall = await untilText(p.getByTestId('kudos-wall'), /^(?=.*To the whole team\s*Great sprint, everyone\s*anonymous)(?=.*To Ann\s*Thanks for the demo!\s*from Ben)/s, 'kudos wall');
      orders.add(wall.indexOf('Great sprint') < wall.indexOf('Thanks for the demo') ? 'team first' : 'Ann first');
    }
    if (orders.size !== 1) throw new Error('the screens show the kudos in different orders');
    await shot(P('Ann'), 'participant-kudos');
    await shot(screen, 'screen-kudos');
    await shot(host, 'host-kudos');
  }],

  ['word cloud and scale: the cloud, and the distribution with mean and median', async () => {
    await addExercise('Word cloud', 'One word for this sprint', null);
    await addExercise('Scale', 'How was the pace?', async (f) => {
      // A refusal is said under its field, and its neighbour stays in line.
      await f.getByLabel('From', { exact: true }).fill('5');
      await f.getByLabel('To', { exact: true }).fill('3');
      await f.getByRole('button', { name: 'Add to agenda' }).click();
      await untilText(f.getByRole('alert'), /The scale’s lowest value \(5\) must be below its highest \(3\)\./, 'the refusal under "From", in words');
      await sideBySide(f, 'From', 'To', 'with an error under one');
      await f.getByLabel('From', { exact: true }).fill('1');
      await f.getByLabel('To', { exact: true }).fill('5');
      await f.getByLabel('Label at the low end').fill('Too slow');
      await f.getByLabel('Label at the high end').fill('Too fast');
    });
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const [who, words] of [['Ann', ['Trust', 'Focus']], ['Ben', ['TRUST! ']], ['anon', ['Demos']]]) {
      const p = P(who);
      await p.locator('[data-testid=exercise][data-kind=words]').waitFor();
      for (let i = 0; i < words.length; i++) await p.getByPlaceholder(`Word ${i + 1}`).fill(words[i]);
      await p.getByRole('button', { name: 'Send answer' }).click();
      await p.getByTestId('answered').waitFor();
    }
    await host.getByRole('button', { name: 'Show results' }).click();
    await untilText(screen.getByTestId('results'), /trust: 2/, 'word cloud');
    await shot(screen, 'screen-words');
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const [who, v] of [['Ann', '4'], ['Ben', '3'], ['anon', '5']]) {
      const p = P(who);
      await p.locator('[data-testid=exercise][data-kind=scale]').waitFor();
      // The ends are named with their labels ("5, Too fast").
      await p.getByRole('radio', { name: v === '5' ? '5, Too fast' : v, exact: true }).check();
      if (who === 'Ann') await shot(p, 'participant-scale');
      await p.getByRole('button', { name: 'Send answer' }).click();
      await p.getByTestId('answered').waitFor();
    }
    await host.getByRole('button', { name: 'Show results' }).click();
    await untilText(screen.getByTestId('results'), /Mean: 4.*Median: 4/, 'scale statistics');
    await untilText(P('Ben').getByTestId('results'), /3\s*Your answer\s*1 · 33%.*Mean: 4/, 'scale on phones, Ben\'s answer marked');
    await shot(screen, 'screen-scale');
  }],

  ['"view as participant" previews the room as a test participant', async () => {
    await host.getByRole('button', { name: 'View as participant' }).click();
    await untilText(host.getByTestId('preview'), /How was the pace\?/, 'preview of the current exercise');
    await untilText(host.getByTestId('people'), /Preview · not counted/, 'test participant listed');
    // It is nobody to the others: no count grows with it.
    await untilText(host.getByTestId('people'), /3 of 3 online/, 'the count without the preview');
    await shot(host, 'host-preview');
    // A pack title half typed in the room's column, kept as the column
    // moves under the exercise (1024 px) and back (the preview closed).
    const packTitle = host.getByTestId('room-results').getByLabel('Pack title');
    await packTitle.fill('Team retro ag');
    // A laptop on a projector at 1024×768: the exercise keeps most of the
    // width beside the preview (it had 316 px of it), and nothing scrolls sideways.
    await host.setViewportSize({ width: 1024, height: 768 });
    const width = await host.getByRole('region', { name: 'The exercises' }).evaluate((e) => e.getBoundingClientRect().width);
    const scroll = await host.evaluate(() => document.documentElement.scrollWidth);
    if (width < 560 || scroll > 1024) throw new Error(`at 1024 px with the preview open: the exercise ${width} px wide, the page ${scroll} px`);
    await shot(host, 'host-preview-1024');
    if ((await packTitle.inputValue()) !== 'Team retro ag') throw new Error('the pack title typed was lost as the preview moved the room\'s column');
    // The keyboard goes as the eye does: from the exercises to the room's
    // column under them, then to the preview.
    await host.getByRole('region', { name: 'The exercises' }).evaluate((main) => {
      const all = [...main.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])')];
      all.filter((e) => e.getClientRects().length).at(-1).focus();
    });
    await host.keyboard.press('Tab');
    const next = await host.evaluate(() => {
      const a = document.activeElement;
      return a?.closest('aside')?.querySelector('[data-testid=join-code]') ? 'room' : a?.closest('[data-testid=preview]') ? 'preview' : a?.outerHTML.slice(0, 80);
    });
    if (next !== 'room') throw new Error(`at 1024 px, Tab from the last of the exercises goes to ${next}, not the room's column under them`);
    await host.getByRole('button', { name: 'Close preview' }).click();
    await until(async () => !/Preview/.test(await textOf(host.getByTestId('people'))), 'test participant removed');
    if ((await packTitle.inputValue()) !== 'Team retro ag') throw new Error('the pack title typed was lost as the preview closed');
    await host.setViewportSize({ width: 1280, height: 860 });
  }],

  ['the console downloads the results as JSON, CSV and Markdown, and saves its agenda as a pack', async () => {
    const card = host.getByTestId('room-results');
    const json = await download(host, () => card.getByRole('button', { name: 'Download the results as JSON' }).click());
    const r = JSON.parse(json.text);
    if (!/\.json$/.test(json.name) || r.title !== 'Team retro' || r.exercises.length !== 6) throw new Error(`JSON export ${json.name}: ${json.text.slice(0, 200)}`);
    if (r.exercises[0].vote.questions[0].counts[0].count !== 2) throw new Error('poll counts in the export: ' + JSON.stringify(r.exercises[0].vote));
    const csv = await download(host, () => card.getByRole('button', { name: 'Download the results as CSV' }).click());
    if (!/\.csv$/.test(csv.name) || !csv.text.startsWith('exercise,kind,title') || !csv.text.includes('Where do we eat?')) throw new Error(`CSV export ${csv.name}: ${csv.text.slice(0, 200)}`);
    const md = await download(host, () => card.getByRole('button', { name: 'Download the results as Markdown' }).click());
    if (!/\.md$/.test(md.name) || !md.text.startsWith('# Team retro') || !md.text.includes('## 2. Sprint 42')) throw new Error(`Markdown export ${md.name}: ${md.text.slice(0, 200)}`);
    await card.getByLabel('Pack title').fill('Team retro agenda');
    await card.getByRole('button', { name: 'Save agenda as pack' }).click();
    await untilText(card.getByTestId('saved-pack'), /Saved as the pack “Team retro agenda”/, 'saved pack');
    await shot(host, 'host-results-card');
  }],

  ['while the room runs, "Keep results now" keeps them as a session and links to the past sessions', async () => {
    const card = host.getByTestId('room-results');
    if (await card.getByTestId('kept-session').count()) throw new Error('kept before anyone asked');
    await card.getByRole('button', { name: 'Keep results now' }).click();
    await untilText(card.getByTestId('kept-session'), /^Kept as a session \(.+\), to download or compare with another run\.$/, 'kept now');
    const href = await card.getByTestId('keep-session').getByRole('link', { name: 'Past sessions' }).getAttribute('href');
    if (href !== '/sessions') throw new Error('link to the past sessions: ' + href);
    const r = await fetch(`${huddle.base}/api/sessions`);
    const list = await r.json();
    if (!list.some((x) => x.code === code && x.title === 'Team retro')) throw new Error('no session kept for the running room: ' + JSON.stringify(list));
  }],

  ['the facilitator locks joining, removes a participant and ends the room', async () => {
    await host.getByRole('button', { name: 'Lock joining' }).click();
    await host.getByRole('button', { name: 'Unlock joining' }).waitFor();
    const late = await newPage(await browser.newContext(phone), 'late');
    await late.goto(`${huddle.base}/j/${code}`);
    await late.getByRole('button', { name: 'Join' }).click();
    await untilText(late.getByRole('alert'), /not accepting new people/);
    // Nor does the projector invite people to join it: it says joining is closed.
    await untilText(screen.getByTestId('screen-closed'), /Joining is closed/, 'projector while joining is locked');
    if (await screen.locator('[data-testid=qr], [data-testid=screen-code], [data-testid=screen-chip] .code').count()) throw new Error('the projector still invites people to join a locked room');
    host.once('dialog', (d) => d.accept());
    await host.getByRole('button', { name: 'Remove Unnamed participant' }).click();
    await P('anon').getByText('The facilitator removed you from this room.').waitFor();
    await untilText(host.getByTestId('people'), /2 of 2 online/);
    // Renaming the room reaches the phones at once.
    const settings = host.getByTestId('room-settings');
    await settings.getByRole('button', { name: 'Rename the room' }).click();
    await settings.getByLabel('Workshop title').fill('Team retro, part two');
    await settings.getByRole('button', { name: 'Save' }).click();
    await untilText(P('Ann').locator('h1'), /Team retro, part two/, 'renamed room on a phone');
    host.once('dialog', (d) => d.accept());
    await host.getByRole('button', { name: 'End the room' }).click();
    await P('Ann').getByText('This workshop has ended').waitFor();
    await P('Ben').getByText('This workshop has ended').waitFor();
    await host.getByText('This room has ended.').waitFor();
    // The projector stops inviting people to join an ended room.
    await untilText(screen.getByTestId('screen-over'), /This workshop has ended/, 'projector after the end');
    if (await screen.getByTestId('screen-code').count()) throw new Error('the projector still shows the join code of an ended room');
    await shot(P('Ann'), 'participant-ended');
    // Ben keeps the pairing he is part of, with the step agreed (the
    // closing notes go over the help pairs).
    await untilText(P('Ben').getByTestId('kept-help'), /You are helping Ann\s*·\s*“Flaky Go tests”( Resolved)? Next step: Pair on Tuesday at 10/, "Ben's help pairing after the end");
    // A phone opened again after the end says so, with a way out, not
    // "Loading…" for ever.
    await P('Ben').reload();
    await P('Ben').getByTestId('room-ended').waitFor();
    if (/Loading/.test(await textOf(P('Ben').locator('h1')))) throw new Error('the reloaded phone still says Loading');
    await P('Ben').getByRole('button', { name: 'Join another room' }).click();
    await P('Ben').getByLabel('Room code').waitFor();
    // Ann's keepsakes (Ben's kudo, the action items) come back with a
    // reload after the end: the server's last welcome carries them.
    await P('Ann').reload();
    await P('Ann').getByTestId('room-ended').waitFor();
    await untilText(P('Ann').getByTestId('kept-kudos'), /Thanks for the demo!/, "Ann's kudo after a reload");
    await P('Ann').getByTestId('kept-actions').first().waitFor();
    await untilText(P('Ann').getByTestId('kept-help'), /You are paired with Ben\s*·\s*“Flaky Go tests”( Resolved)? Next step: Pair on Tuesday at 10/, "Ann's help pairing after a reload");
    await untilText(P('Ann').locator('h1'), /Team retro, part two/, 'the room title after a reload');
  }],

  ['the pack library lists the five built-in packs and the agenda saved from the console', async () => {
    await untilText(host.getByTestId('ended'), /Kept as a session/, 'ended room points to its session');
    lib = await newPage(hostCtx, 'library');
    await lib.goto(huddle.base + '/library');
    await until(async () => (await packsIn('Built-in packs').count()) === 5, 'five built-in packs');
    const titles = (await packsIn('Built-in packs').locator('h3').allTextContents()).join(' | ');
    if (!/Building trust \| Rebuilding trust/.test(titles)) throw new Error('built-in packs: ' + titles);
    await untilText(packsIn('Your packs').first(), /Team retro agenda.*6 exercises: Poll, Retrospective/, 'the saved agenda in the library');
    await shot(lib, 'library');
  }],

  ['"Building trust" is duplicated, retitled, reordered and shortened in the editor, and kept', async () => {
    await lib.locator('[data-pack=building-trust]').getByRole('button', { name: 'Duplicate to adapt' }).click();
    await lib.waitForURL(/\/library\/[a-z0-9-]+\/edit$/);
    adapted = decodeURIComponent(lib.url().match(/\/library\/([^/]+)\/edit$/)[1]);
    await lib.getByLabel('Pack title').fill('Building trust: spring team');
    const items = lib.getByTestId('pack-items');
    await untilText(items, /1 Check-in.*7 Closing/, 'the copied exercises');
    await lib.getByRole('button', { name: 'Remove Check-in' }).click();
    for (let i = 0; i < 5; i++) await lib.getByRole('button', { name: 'Move Closing up' }).click();
    await untilText(items, /1 Closing.*2 Trust pulse.*6 Recognition round/, 'Closing moved first, Check-in removed');
    await shot(lib, 'pack-editor');
    // A filled "Add an exercise" form holds the save back until it is added or cleared.
    const add = lib.getByTestId('pack-add-exercise');
    await add.getByLabel('Title', { exact: true }).fill('Lunch');
    await lib.getByRole('button', { name: 'Save pack' }).click();
    await untilText(lib.getByTestId('unapplied'), /The “Add an exercise” form is filled in/, 'the save held back');
    if (!/\/edit$/.test(lib.url())) throw new Error('saved with a filled form: ' + lib.url());
    await add.getByRole('button', { name: 'Clear' }).click();
    await until(async () => (await add.getByLabel('Title', { exact: true }).inputValue()) === '', 'the form cleared');
    await lib.getByRole('button', { name: 'Save pack' }).click();
    await lib.getByText('Saved.').waitFor();
    await lib.reload();
    await untilText(lib.getByRole('heading', { level: 1 }), /^Building trust: spring team$/);
    await untilText(lib.getByTestId('pack-exercises'), /^1 Closing.*6 Recognition round/, 'the saved order');
    if ((await lib.getByTestId('pack-exercises').locator(':scope > li').count()) !== 6) throw new Error('six exercises expected');
  }],

  ['the adapted pack is exported as YAML and imported again under a new id; a bad file shows its line', async () => {
    await lib.goto(huddle.base + '/library');
    const yaml = await download(lib, () => lib.locator(`[data-pack=${adapted}]`).getByRole('button', { name: 'Export YAML' }).click());
    if (yaml.name !== `${adapted}.yaml` || !/^title:.*Building trust: spring team/m.test(yaml.text)) throw new Error(`export ${yaml.name}: ${yaml.text.slice(0, 300)}`);
    const file = lib.getByLabel('Choose a pack file');
    // The same file again: its id is taken, and the library offers to replace it.
    await file.setInputFiles({ name: yaml.name, mimeType: 'application/yaml', buffer: Buffer.from(yaml.text) });
    await untilText(lib.getByTestId('import-conflict'), new RegExp(`“${adapted}” is already in the library`), 'conflict offer');
    const again = yaml.text.replace(new RegExp(`^id: ${adapted}$`, 'm'), 'id: trust-spring-again');
    await file.setInputFiles({ name: 'again.yaml', mimeType: 'application/yaml', buffer: Buffer.from(again) });
    await untilText(lib.getByTestId('import'), /Imported “Building trust: spring team”/, 'import under a new id');
    await lib.locator('[data-pack=trust-spring-again]').waitFor();
    const bad = 'schema: 1\nid: broken\ntitle: Broken\nexercises:\n  - kind: poll\n    title: Lunch\n    questions:\n      - kind: choice\n        options:\n          - label: Only one\n';
    await file.setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(bad) });
    await untilText(lib.getByTestId('import-error'), /broken\.yaml was not imported:\s*line 9 · Exercise 1, question 1: a choice question/, 'the problem with its line');
    await shot(lib, 'library-import-problem');
  }],

  ['a room is started from the adapted pack; three people answer its closing scale and it ends', async () => {
    await runAdapted([4, 3, 5]);
    await shot(lib, 'host-from-pack');
  }],

  ['a second room of the same pack, another group with other answers, names shown by choice', async () => {
    await runAdapted([2, 3, 4], { showNames: true });
  }],

  ['past sessions lists both runs; the comparison shows both means and the change', async () => {
    const table = lib.getByTestId('sessions');
    // A room's session is kept when it ends; load the page until both are listed.
    await until(async () => {
      await lib.goto(huddle.base + '/sessions');
      await table.waitFor({ timeout: 3000 });
      for (const c of runs) if (!(await table.locator('tr', { hasText: c }).count())) return false;
      return true;
    }, 'both sessions listed', 20_000);
    const row = table.locator('tr', { hasText: runs[0] });
    await untilText(row.locator('td').nth(1), /^Building trust: spring team$/, 'the pack of a session');
    const nums = (await row.locator('td.num').allTextContents()).join(' ');
    if (nums !== '3 6') throw new Error('people and exercises of a session: ' + nums);
    await sessionsReadable();
    await shot(lib, 'sessions');
    // A 1024 px laptop: the whole table in its box too, Delete in view.
    await lib.setViewportSize({ width: 1024, height: 768 });
    await sessionsReadable();
    await shot(lib, 'sessions-1024');
    await lib.setViewportSize({ width: 1280, height: 860 });
    await lib.getByTestId('compare-link').click();
    await lib.waitForURL(/\/compare\?a=.+&b=.+/);
    const closing = lib.getByTestId('cmp-exercise').filter({ hasText: 'Closing' });
    await untilText(closing.getByTestId('cmp-means'), /Mean A: 4\.00 Mean B: 3\.00 Change: ↓ −1\.00 \(lower in B\)/, 'means and change');
    await untilText(lib.getByTestId('cmp-exercise').filter({ hasText: 'Trust pulse' }).getByTestId('side-a'), /^Not run \(on the agenda, never opened\)$/, 'never opened, not "hidden"');
    const md = await download(lib, () => lib.getByRole('button', { name: 'Download Markdown' }).click());
    if (!/\.md$/.test(md.name) || !md.text.includes('Closing')) throw new Error(`comparison report ${md.name}: ${md.text.slice(0, 200)}`);
    await shot(lib, 'compare');
  }],

  ["/host asks for every listed room's state in one request, shows it, asks again when shown again, and forgets a removed room", async () => {
    // A room that runs, locked, beside the three this browser ran and ended.
    const page = await newPage(hostCtx, 'rooms');
    await page.goto(huddle.base + '/host');
    await page.getByLabel('Workshop title').fill('Status check');
    await page.getByRole('button', { name: 'Create a room' }).click();
    const locked = await untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    await page.getByRole('button', { name: 'Lock joining' }).click();
    await page.getByRole('button', { name: 'Unlock joining' }).waitFor();
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/rooms/')) asked.push(`${r.method()} ${new URL(r.url()).pathname}`); });
    await page.goto(huddle.base + '/host');
    const entry = (c) => page.locator(`[data-testid=hosted-room][data-code="${c}"]`);
    await untilText(entry(locked), /Status check.*Joining locked/, 'the locked room');
    for (const c of [code, ...runs]) await untilText(entry(c), /Ended/, `ended room ${c}`);
    if (asked.join() !== 'POST /api/rooms/status') throw new Error('the rooms were looked up with ' + JSON.stringify(asked));
    // Shown again (another tab was in front): one request again.
    asked.length = 0;
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await until(async () => asked.length === 1, 'a second look-up');
    await sleep(300);
    if (asked.join() !== 'POST /api/rooms/status') throw new Error('shown again, the rooms were looked up with ' + JSON.stringify(asked));
    page.once('dialog', (d) => d.accept());
    await entry(locked).getByRole('button', { name: /Remove from this list/ }).click();
    await until(async () => (await entry(locked).count()) === 0, 'the room removed');
    const left = await page.evaluate((c) => Object.keys(localStorage).filter((k) => k.endsWith(':' + c)), locked);
    if (left.length) throw new Error('removed, the room left ' + left.join(', '));
    if (!(await page.evaluate((c) => !!localStorage.getItem('huddle:h:' + c), code))) throw new Error("removing a room forgot another's");
    await page.close();
  }],

  ['past sessions with three long names (a URL, one_with_underscores, many words) fit at 1280 px, each whole in its title', async () => {
    const names = [
      'https://wiki.example.com/spaces/PLATFORM/pages/123456789/Retrospective+Notes+Quarterly+Planning+Berlin+Lisbon',
      'Platform-Infrastructure-Team_Quarterly-Retrospective_2026-Q3_Berlin-Lisbon-Remote_FollowUp_Session_WithStakeholders',
      'Quarterly planning retrospective for the platform infrastructure team and the mobile squad, Berlin and Lisbon offices',
    ];
    for (const title of names) {
      const r = await (await fetch(huddle.base + '/api/rooms', { method: 'POST', body: JSON.stringify({ title }) })).json();
      const kept = await fetch(`${huddle.base}/api/rooms/${r.room.id}/session`, { method: 'POST', headers: { authorization: 'Bearer ' + r.facilitator.secret } });
      if (kept.status !== 201) throw new Error('keeping a session: ' + kept.status);
    }
    await lib.goto(huddle.base + '/sessions');
    const table = lib.getByTestId('sessions');
    await until(async () => (await table.locator('.name[title]').evaluateAll((es, names) => names.every((n) => es.some((e) => e.title === n)), names)), 'the long names, each in a title');
    const box = await table.evaluate((t) => [t.parentElement.scrollWidth, t.parentElement.clientWidth]);
    if (box[0] > box[1]) throw new Error(`past sessions with long names scroll at 1280 px: ${box[0]} in ${box[1]}`);
    await shot(lib, 'sessions-long-names');
  }],

  ["the console's people list keeps each long name's lines together, the rows apart", peopleRowsApart],
  ["the console's people list shows that it scrolls, and how many are below its edge", peopleListSaysItScrolls],
  ["the console's long title takes the width at 1024 px, its buttons together on a line", consoleHeaderAt1024],

  ['a malformed escape in an address shows "no such page", not a blank page', async () => {
    // %E0%A4 is a valid escape for the server but no UTF-8: decodeURIComponent throws.
    for (const path of ['/library/%E0%A4', '/library/%E0%A4/edit', '/host/%E0%A4']) {
      await lib.goto(huddle.base + path);
      await untilText(lib.locator('main'), /There is no such page\./, path);
    }
    await lib.getByRole('button', { name: 'Create a room' }).waitFor();
  }],

  ['the projector fits a six-question survey and the closing survey on a 720-line screen, and its lobby on a phone', projectorFitsSurveys],
  ["the projector fits a crowded retro's columns on a 720-line screen, and its column hints start in line", projectorFitsRetro],
  ["the projector gives a crowded retro column the width that short ones leave, and says how to vote", projectorFitsUnevenRetro],
  ['the projector keeps "0 answers so far" on one line at 800x600 and every projector size, and "Voting has closed" too', projectorCountOnOneLine],
  ["the projector's retro actions come right under its header in the actions phase, at 800x600 and every projector size, and a ranking with no room keeps no gap", projectorRetroActionsClose],
  ["the projector shows the item being discussed once, and the actions agreed for it under it at 1920x1080 and every projector size", projectorRetroDiscussShowsActions],
  ['a phone wraps a long phrase of a word cloud between its words rather than shrink it; the projector keeps each on a line', phoneCloudWrapsPhrases],
  ['a 320 px phone with its text at 200 % keeps the results, the kudos wall and the actions within its width', phoneAt200PercentText],
  ["the console's join code stays whole in its card with the text at 200 %, and its link breaks after a slash", consoleJoinCodeAt200PercentText],
  ["a 360 px phone with its text at 200 % keeps a poll's option words whole", phonePollOptionsAt200PercentText],
  ["dark mode: the phone and the console are dark, the projector stays light, their text at 4.5:1; the phone's type follows the browser's font size", darkSchemeAndBrowserFontSize],
];

await finish(steps);
