// A poll's results that no density fits on the projector, checked in the
// browser against a real huddle binary: twenty options of about forty
// characters, twelve answers, shown. The projector cannot scroll: at
// 1920x1080 the page was 1258 px tall, options 9, 10, 19 and 20 below the
// screen's bottom with nothing to say so. Now nothing ends below the
// window's bottom, the options shown are the most voted (in the poll's
// own order), and a line says how many options and votes are left out.
// A poll of several choices, whose options all have votes, says the
// votes of those left out. A phone's results, which scroll, keep every
// option.
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/projector-fit-poll.mjs (after make build).
import { suite, roomDriver, untilText, textOf, shot, sleep } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();

const OPTIONS = 20;
const label = (i) => `${i}. Long option label that goes on and on`;
// Twelve answers of one choice each: the last options among the most
// voted (they were the ones that fell off the bottom), most options with
// none.
const ONE = Object.entries({ o20: 3, o19: 2, o1: 2, o2: 1, o5: 1, o9: 1, o10: 1, o15: 1 }).flatMap(([o, n]) => Array.from({ length: n }, () => [o]));
// Twelve answers of three choices each: every option voted, 1 to 3 times.
const THREE = Array.from({ length: 12 }, (_, p) => [0, 7, 13].map((k) => `o${((p + k) % 20) + 1}`));
// The votes of each option in ballots.
const tally = (ballots) => ballots.flat().reduce((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});

/** A room made through the API in a page of the server, its poll (multi:
 *  of several choices) answered with ballots (each the options one
 *  participant chose) by participants' own WebSockets and its results
 *  shown; the join code and a projector link's token. */
async function crowdedPoll(page, ballots, multi) {
  await page.goto(huddle.base + '/healthz');
  await page.evaluate(roomDriver);
  return page.evaluate(async ({ labels, ballots, multi }) => {
    const post = window.__post;
    const connect = window.__connect;
    const r = await post('/api/rooms', { title: 'Where next?' });
    const fac = await connect(r.room.id, r.facilitator.secret);
    const spec = { kind: 'poll', title: 'Which of these should the team take on first next quarter?',
      questions: [{ kind: 'choice', multi, options: labels.map((l, i) => ({ id: `o${i + 1}`, label: l })) }] };
    const { exercise } = await fac('agenda.add', { spec });
    await fac('exercise.open', { exercise });
    for (const [p, choices] of ballots.entries()) {
      const j = await post('/api/join', { code: r.room.code, name: `P${p + 1}` });
      await (await connect(r.room.id, j.token))('exercise.answer', { exercise, ballot: { answers: { q1: { choices } } } });
    }
    await fac('exercise.show', { exercise });
    const { token } = await fac('room.screen_link', {});
    return { code: r.room.code, token };
  }, { labels: Array.from({ length: OPTIONS }, (_, i) => label(i + 1)), ballots, multi });
}

/** What the projector draws of the results: what ends below the window
 *  or beyond its sides, how tall the page is, the options drawn (label
 *  and count, in order) and the "+N more" line. */
function drawn() {
  const out = [];
  for (const e of document.querySelectorAll('.screen *')) {
    const r = e.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5 || r.left < -0.5) {
      out.push(`${e.tagName.toLowerCase()} "${e.textContent.trim().replace(/\s+/g, ' ').slice(0, 40)}" at ${Math.round(r.left)},${Math.round(r.bottom)}`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollHeight > innerHeight) out.push(`the page is ${doc.scrollHeight} px tall in ${innerHeight}`);
  if (doc.scrollWidth > innerWidth) out.push(`the page is ${doc.scrollWidth} px wide in ${innerWidth}`);
  const rows = [...document.querySelectorAll('[data-testid=results] .bars li')].map((li) => ({
    label: li.querySelector('.lbl').textContent.trim(),
    count: Number(li.querySelector('.num').textContent.trim().split(' ')[0]),
    px: parseFloat(getComputedStyle(li).fontSize),
  }));
  const more = document.querySelector('[data-testid=options-more]');
  return { out, rows, more: more ? more.textContent.replace(/\s+/g, ' ').trim() : null };
}

const sizes = [[1920, 1080], [1280, 720], [800, 600], [1920, 1080]];

/** The poll answered with ballots on the projector at each of sizes:
 *  nothing below the window's bottom or beyond its sides, the options
 *  drawn the most voted (in the poll's order, with their counts), not
 *  all of them, in readable type, and the line under them saying how
 *  many options and votes are left out. Returns the room. (A context
 *  left open when a check fails: the runner's screenshots show it.) */
async function projectorCuts(ballots, multi, name) {
  const votes = tally(ballots);
  const setup = await newPage(await browser.newContext(), `the room of ${name}`);
  const room = await crowdedPoll(setup, ballots, multi);
  await setup.close();
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const proj = await newPage(ctx, `projector of ${name}`);
  await proj.goto(`${huddle.base}/screen/${room.code}#t=${room.token}`);
  await untilText(proj.getByTestId('results-count'), /^12 answers$/, 'the results on the projector');
  for (const [width, height] of sizes) {
    await proj.setViewportSize({ width, height });
    await sleep(500); // fitted after a resize
    const at = `${name} at ${width}x${height}`;
    const seen = await proj.evaluate(drawn);
    if (seen.out.length) throw new Error(`${at}, off the screen: ${seen.out.join('; ')}`);
    const shown = seen.rows.length;
    if (shown >= OPTIONS) throw new Error(`${at}: all ${OPTIONS} options drawn, but this test needs a poll that does not fit`);
    if (shown < 4) throw new Error(`${at}: only ${shown} options drawn`);
    // The most voted, in the poll's order: every option drawn has at
    // least the votes of any left out, and they keep their order.
    const order = seen.rows.map((r) => Number(r.label.split('.')[0]));
    if (order.some((n, i) => i && n <= order[i - 1])) throw new Error(`${at}: options out of order: ${order.join(', ')}`);
    for (const [i, r] of seen.rows.entries()) {
      if (r.label !== label(order[i])) throw new Error(`${at}: an option reads "${r.label}"`);
      const want = votes[`o${order[i]}`] ?? 0;
      if (r.count !== want) throw new Error(`${at}: "${r.label}" shows ${r.count} votes, not ${want}`);
    }
    const left = Array.from({ length: OPTIONS }, (_, i) => i + 1).filter((n) => !order.includes(n));
    const leastShown = Math.min(...seen.rows.map((r) => r.count));
    const mostLeft = Math.max(...left.map((n) => votes[`o${n}`] ?? 0));
    if (mostLeft > leastShown) throw new Error(`${at}: an option with ${mostLeft} votes left out, one with ${leastShown} shown`);
    const votesLeft = left.reduce((s, n) => s + (votes[`o${n}`] ?? 0), 0);
    const want = `+${left.length} more options (${votesLeft} ${votesLeft === 1 ? 'vote' : 'votes'})`;
    if (seen.more !== want) throw new Error(`${at}: the line under it says ${JSON.stringify(seen.more)}, not "${want}"`);
    // Still read from the back of the room.
    const px = Math.min(...seen.rows.map((r) => r.px));
    if (px < 14) throw new Error(`${at}: its options in ${px} px type`);
    console.log(`    ${width}x${height}: ${shown} of ${OPTIONS} options in ${px.toFixed(1)} px type; "${seen.more}"`);
    await shot(proj, `screen-poll-cut-${multi ? 'multi-' : ''}${width}`);
  }
  await ctx.close();
  return room;
}

let room;

async function phoneKeepsEveryOption() {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await newPage(ctx, 'phone');
  await phone.goto(`${huddle.base}/j/${room.code}`);
  await phone.getByRole('button', { name: 'Join' }).click();
  await untilText(phone.getByTestId('results'), /25%/, 'the results on the phone');
  const rows = await phone.locator('[data-testid=results] .bars li').count();
  if (rows !== OPTIONS) throw new Error(`the phone draws ${rows} of the ${OPTIONS} options`);
  if (await phone.locator('[data-testid=options-more]').count()) throw new Error(`the phone says "${await textOf(phone.getByTestId('options-more'))}"`);
  await ctx.close();
}

const steps = [
  ['a poll of twenty long options, twelve answers, on the projector: the most voted that fit, and a line for the rest', async () => { room = await projectorCuts(ONE, false, 'the poll'); }],
  ['the same poll on a phone, which scrolls: every option', phoneKeepsEveryOption],
  ['a poll of several choices, every option voted: the line says the votes left out', () => projectorCuts(THREE, true, 'the poll of three choices')],
];

await finish(steps);
