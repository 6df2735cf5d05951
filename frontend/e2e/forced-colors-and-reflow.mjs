// Forced colours (Windows High Contrast) and reflow, checked in the
// browser against a real huddle binary. In forced colours the chosen
// point of a 1-5 scale looked like the others (its radio is hidden, the
// choice only a background) and the result bars were gone (a fill is a
// background). A 360 px phone at 200 % zoom (a 180 px viewport) scrolled
// sideways on every page (body's min-width of 320 px); with the text at
// 400 % a retro's vote row and a help request's card were wider than the
// phone; the console's "Who is here" clipped a long name. A retro's
// "My cards" on a phone gave a card's column badge half of the card's
// width, its text squeezed into the other half.
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/forced-colors-and-reflow.mjs (after make build).
import { suite, roomDriver, until, untilText, shot, sleep } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

let setup;
/** A room holding the exercise spec, opened; then(fac, exercise, join)
 *  in the page may add to it. Returns the join code and the console's
 *  credentials. */
async function room(spec, then = '') {
  return setup.evaluate(async ({ spec, then }) => {
    const r = await window.__post('/api/rooms', { title: spec.title });
    const fac = await window.__connect(r.room.id, r.facilitator.secret);
    const { exercise } = await fac('agenda.add', { spec });
    await fac('exercise.open', { exercise });
    const join = async (name) => window.__connect(r.room.id, (await window.__post('/api/join', { code: r.room.code, name })).token);
    // eslint-disable-next-line no-new-func
    await new Function('fac', 'exercise', 'join', `return (async () => { ${then} })()`)(fac, exercise, join);
    return { code: r.room.code, creds: { roomId: r.room.id, code: r.room.code, secret: r.facilitator.secret, facilitatorId: r.facilitator.id, title: r.room.title, joinUrl: `${location.origin}/j/${r.room.code}`, createdAt: Date.now() } };
  }, { spec, then });
}

/** A phone's page in the room of code, joined. */
async function joined(ctx, code, what) {
  const page = await newPage(ctx, what);
  await page.goto(`${huddle.base}/j/${code}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('[data-testid=exercise]').waitFor();
  return page;
}

/** The console of a room this browser "created" (its credentials stored). */
async function console_(ctx, r, what) {
  const page = await newPage(ctx, what);
  await page.goto(huddle.base + '/healthz');
  await page.evaluate((c) => { localStorage.setItem(`huddle:h:${c.code}`, JSON.stringify(c)); localStorage.setItem('huddle:hosted', JSON.stringify([c.code])); }, r.creds);
  await page.goto(`${huddle.base}/host/${r.code}`);
  return page;
}

/** What is wider than the window: the page, and sel's elements. */
function overflow(sel) {
  const out = [];
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > w) out.push(`the page is ${document.documentElement.scrollWidth} px wide in ${w}`);
  for (const e of sel ? document.querySelectorAll(sel) : []) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5 || r.left < -0.5) out.push(`${e.className.replace(/\s*svelte-\w+/g, '')} "${e.textContent.trim().slice(0, 30)}" from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
    if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.className.replace(/\s*svelte-\w+/g, '')} draws ${e.scrollWidth} px in ${e.clientWidth}`);
  }
  return out;
}

let scale, poll, retro, writing, help;

async function rooms() {
  setup = await newPage(await browser.newContext(), 'the rooms');
  await setup.goto(huddle.base + '/healthz');
  await setup.evaluate(roomDriver);
  scale = await room({ kind: 'survey', title: 'Pace', questions: [{ id: 'q1', kind: 'scale', prompt: 'How was the pace?', min: 1, max: 5, minLabel: 'Too slow', maxLabel: 'Too fast' }] });
  poll = await room({ kind: 'poll', title: 'Lunch', questions: [{ kind: 'choice', options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }] },
    `for (const [n, o] of [['A', 'a'], ['B', 'a'], ['C', 'b']]) await (await join(n))('exercise.answer', { exercise, ballot: { answers: { q1: { choices: [o] } } } });
     await fac('exercise.show', { exercise });`);
  retro = await room({ kind: 'retro', title: 'Sprint', retro: { template: 'start-stop-continue' } },
    `const w = await join('Writer');
     for (const [i, c] of ['start', 'stop', 'continue'].entries()) await w('retro.card.add', { exercise, column: c, text: 'Card ' + (i + 1) + ', a thing the team noticed this sprint' });
     for (const phase of ['reveal', 'group', 'vote']) await fac('retro.phase', { exercise, phase });`);
  writing = await room({ kind: 'retro', title: 'Sprint', retro: { template: 'start-stop-continue' } });
  help = await room({ kind: 'help', title: 'Help' },
    `const a = await join('Asker');
     await a('help.request', { exercise, title: 'Setting up the staging database with the right credentials', detail: '', tags: ['databases', 'devops'], anonymous: false });
     await join('Maximilianbartholomewvonundzuhohensteinx');`);
}

/** A 1-5 scale in forced colours: the chosen point differs from the
 *  others in its colours or edge, and the focus ring shows. */
async function scaleInForcedColors() {
  const ctx = await browser.newContext(phone);
  const page = await joined(ctx, scale.code, 'phone in forced colours');
  await page.emulateMedia({ forcedColors: 'active' });
  if (!(await page.evaluate(() => matchMedia('(forced-colors: active)').matches))) throw new Error('forced colours not emulated');
  await page.locator('.pt').nth(2).click();
  await until(() => page.locator('.pt.on').count(), 'a point chosen');
  // Seen without the focus, whose ring marks the point too.
  const look = await page.evaluate(() => {
    document.activeElement.blur();
    return [...document.querySelectorAll('.pt')].map((e) => {
      const s = getComputedStyle(e);
      return { on: e.classList.contains('on'), key: [s.backgroundColor, s.color, s.borderTopColor, s.borderTopWidth, s.outlineStyle].join(' ') };
    });
  });
  const on = look.find((l) => l.on), off = look.find((l) => !l.on);
  if (on.key === off.key) throw new Error(`the chosen point looks as the others: ${on.key}`);
  await page.locator('.pt.on input').focus();
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('.pt.on'));
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, bg: getComputedStyle(document.body).backgroundColor };
  });
  if (ring.style === 'none' || ring.width < 2 || ring.colour === ring.bg) throw new Error(`the focused point's ring: ${JSON.stringify(ring)}`);
  await shot(page, 'phone-scale-forced-colors');
  await ctx.close();
}

/** Result bars in forced colours: a fill drawn unlike the track. */
async function barsInForcedColors() {
  const ctx = await browser.newContext(phone);
  const page = await joined(ctx, poll.code, 'phone results in forced colours');
  await page.emulateMedia({ forcedColors: 'active' });
  await untilText(page.getByTestId('results'), /67%/, 'the results');
  const seen = await page.evaluate(() => {
    const fill = getComputedStyle(document.querySelector('.bars .fill'));
    const track = getComputedStyle(document.querySelector('.bars .track'));
    return { fill: fill.backgroundColor, track: track.backgroundColor, width: parseFloat(fill.width) };
  });
  if (seen.fill === seen.track || /rgba\(0, 0, 0, 0\)|transparent/.test(seen.fill)) throw new Error(`a bar's fill is ${seen.fill} on a track of ${seen.track}`);
  await shot(page, 'phone-bars-forced-colors');
  await ctx.close();
}

/** The phone's pages at 200 % zoom on a 360 px phone (a 180 px
 *  viewport): none wider than the window. */
async function phonePagesAt180() {
  const at180 = async (what) => newPage(await browser.newContext({ ...phone, viewport: { width: 180, height: 370 } }), `${what} at 180 px`);
  let page = await at180('the join page');
  const seen = [];
  await page.goto(huddle.base + '/');
  await page.getByRole('button', { name: 'Join' }).waitFor();
  seen.push(...(await page.evaluate(overflow)).map((o) => `the join page: ${o}`));
  for (const [r, what, ready] of [[scale, 'the scale', '.pt'], [poll, 'the results', '[data-testid=results]'], [retro, 'the retro vote', '.items button']]) {
    await page.context().close();
    page = await at180(what);
    await page.goto(`${huddle.base}/j/${r.code}`);
    // Pressed, not clicked: a page wider than a phone's window is drawn
    // zoomed out, and a click lands on the fields above the button.
    await page.getByRole('button', { name: 'Join' }).press('Enter');
    await page.locator(ready).first().waitFor();
    await sleep(200);
    seen.push(...(await page.evaluate(overflow)).map((o) => `${what}: ${o}`));
    await shot(page, `phone-180-${what.replace(/\W+/g, '-')}`);
  }
  if (seen.length) throw new Error(seen.join('; '));
  await page.context().close();
}

/** A context whose browser font is 64 px (400 %). */
async function bigText(options, what) {
  const ctx = await browser.newContext(options);
  const page = await newPage(ctx, what);
  await (await ctx.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard: 64 } });
  return { ctx, page };
}

/** A retro's vote row at 400 % text on a 360 px phone: within the phone. */
async function retroVoteAt400() {
  const { ctx, page } = await bigText(phone, 'retro vote at 400 %');
  await page.goto(`${huddle.base}/j/${retro.code}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('.items button').first().waitFor();
  await sleep(200);
  // The row and its buttons (the connection badge above is another's).
  const out = (await page.evaluate(overflow, '.items .item, .items button')).filter((o) => !o.startsWith('the page'));
  await shot(page, 'phone-retro-vote-400');
  if (out.length) throw new Error(out.join('; '));
  await ctx.close();
}

/** A retro's "My cards" on a 390 px phone, its text at 100 % and at
 *  200 %: a card's text is wider than its column badge (the badge is as
 *  wide as its title, the text takes the rest of the line, or the line
 *  under it), and the page does not scroll sideways. Both took half the
 *  card: the badge flexed as the text did. */
async function myCardsOnAPhone() {
  for (const px of [16, 32]) {
    const ctx = await browser.newContext({ ...phone, viewport: { width: 390, height: 844 } });
    const page = await newPage(ctx, `my cards at ${px} px`);
    await (await ctx.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard: px } });
    await page.goto(`${huddle.base}/j/${writing.code}`);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('.cols .col', { hasText: 'Continue' }).click();
    await page.getByLabel('Card text').fill('Pairing on the release checklist, so that no step is forgotten on a Friday');
    await page.getByRole('button', { name: 'Add card' }).click();
    await untilText(page.getByTestId('my-cards'), /release checklist/, 'the card in my cards');
    await sleep(200);
    const cards = await page.evaluate(() => [...document.querySelectorAll('[data-testid=my-cards] li')].map((li) => ({
      card: li.getBoundingClientRect().width,
      badge: li.querySelector('.badge').getBoundingClientRect().width,
      text: li.querySelector('.user-text:not(.badge)').getBoundingClientRect().width,
    })));
    const out = [...(await page.evaluate(overflow, '[data-testid=my-cards] li')), ...cards.flatMap((c) =>
      c.text > c.badge && c.text >= c.card / 2 ? [] : [`a card ${Math.round(c.card)} px wide gives its text ${Math.round(c.text)} px, its badge ${Math.round(c.badge)}`])];
    await shot(page, `phone-my-cards-${px}`);
    if (out.length) throw new Error(`at ${px} px: ${out.join('; ')}`);
    await ctx.close();
  }
}

/** A help request's card in the console at 400 % text on a 360 px
 *  phone: within the phone. */
async function helpCardAt400() {
  const ctx = await browser.newContext(phone);
  const con = await console_(ctx, help, 'console help board at 400 %');
  await (await ctx.newCDPSession(con)).send('Page.setFontSizes', { fontSizes: { standard: 64 } });
  await con.reload();
  await con.locator('[data-testid=help-board] .req').first().waitFor();
  await sleep(200);
  // Within the board (the console's title and tools above it are as
  // wide as their own longest words at this size: the console is for a
  // laptop); the board was 16rem a column, 1088 px.
  const out = await con.evaluate(() => [...document.querySelectorAll('[data-testid=help-board] .req, [data-testid=help-board] .counts li')].flatMap((e) => {
    const board = e.closest('[data-testid=help-board]').getBoundingClientRect(), r = e.getBoundingClientRect();
    return r.right > board.right + 0.5 || e.scrollWidth > e.clientWidth + 1 ? [`"${e.textContent.trim().slice(0, 30)}" from ${Math.round(r.left)} to ${Math.round(r.right)} px in a board to ${Math.round(board.right)} (${e.scrollWidth} in ${e.clientWidth})`] : [];
  }));
  await shot(con, 'console-help-400');
  if (out.length) throw new Error(out.join('; '));
  await ctx.close();
}

/** "Who is here" in the console: a 40-letter name without a space
 *  within its row, broken, not clipped. */
async function longNameInPeople() {
  const ctx = await browser.newContext(phone);
  const con = await console_(ctx, help, 'console people');
  await untilText(con.getByTestId('people-count'), /\b2\b/, 'the people');
  const out = await con.evaluate(() => [...document.querySelectorAll('[data-testid=people] .name')].flatMap((n) => {
    // The list scrolls: a row wider than it is clipped at its edge.
    const list = n.closest('ul'), box = list.getBoundingClientRect(), r = n.getBoundingClientRect();
    return r.right > box.left + list.clientWidth + 0.5 || list.scrollWidth > list.clientWidth + 1 ? [`"${n.textContent}" to ${Math.round(r.right)} px in a list to ${Math.round(box.left + list.clientWidth)} (${list.scrollWidth} in ${list.clientWidth})`] : [];
  }));
  if (out.length) throw new Error(out.slice(0, 3).join('; '));
  await ctx.close();
}

const steps = [
  ['rooms: a scale, shown results, a retro vote, a help board with long names', rooms],
  ['forced colours: the chosen point of a scale differs from the others, its focus shows', scaleInForcedColors],
  ['forced colours: result bars are drawn', barsInForcedColors],
  ['a 180 px viewport (200 % zoom on a phone): no page scrolls sideways', phonePagesAt180],
  ['400 % text on a 360 px phone: a retro vote row fits', retroVoteAt400],
  ['400 % text on a 360 px phone: a help request card fits', helpCardAt400],
  ['"My cards" on a 390 px phone at 100 % and 200 % text: a card\'s text is wider than its column badge', myCardsOnAPhone],
  ['"Who is here": a 40-letter name is not clipped', longNameInPeople],
];

await finish(steps);
