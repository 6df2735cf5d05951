// Two checks in the browser, against a real huddle binary:
// - the projector is light from its first paint on a laptop in dark mode:
//   its page is marked (:root.projector) by the app's entry, before the
//   projector's own chunk has come, while the console and the phone stay
//   dark;
// - the facilitator console at 1280x800 with the browser's text at 200 %
//   (its default font 32 px): nothing runs out of the page or its cards,
//   and the room's column is wide enough for its controls, none clipped;
//   at the default 16 px it keeps its 280 px column beside the exercises.
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/projector-scheme-console-text.mjs
// (after make build; STEP=projector or STEP=text runs one of the two).
import { suite, ARTIFACTS, untilText, shot, sleep } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();

/** The page's scheme as drawn: its class, its root's background and text (luminance 0..1). */
function drawn(page) {
  return page.evaluate(() => {
    const lum = (c) => {
      const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map((x) => Number(x) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const s = getComputedStyle(document.documentElement);
    return {
      projector: document.documentElement.classList.contains('projector'), systemDark: matchMedia('(prefers-color-scheme: dark)').matches,
      bg: lum(s.backgroundColor), text: lum(s.color), colorScheme: s.colorScheme,
    };
  });
}
const isLight = (d) => d.bg > 0.8 && d.text < 0.05;
const isDark = (d) => d.bg < 0.05 && d.text > 0.7;

/** A room made on /host in page; its join code. */
async function createRoom(page, title) {
  await page.goto(huddle.base + '/host');
  await page.getByLabel('Workshop title').fill(title);
  await page.getByRole('button', { name: 'Create a room' }).click();
  return untilText(page.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'the join code');
}

async function projectorLightFromTheStart() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
  try {
    const laptop = await newPage(ctx, 'console in dark mode');
    const code = await createRoom(laptop, 'After dark');
    const console_ = await drawn(laptop);
    if (!console_.systemDark || !isDark(console_) || console_.projector) throw new Error(`the console in dark mode: ${JSON.stringify(console_)}`);

    // The projector's own chunk held back, as on a slow network: what
    // the page shows until it comes is what a projector shows first.
    const proj = await newPage(ctx, 'projector in dark mode');
    let asked, release;
    const requested = new Promise((r) => (asked = r));
    const held = new Promise((r) => (release = r));
    await proj.route(/\/assets\/ScreenApp-[^/]*\.js$/, async (route) => {
      asked();
      await held;
      await route.continue();
    });
    await proj.goto(`${huddle.base}/screen/${code}`, { waitUntil: 'commit' });
    await Promise.race([requested, sleep(10_000).then(() => { throw new Error("the projector's chunk was never asked for"); })]);
    await proj.waitForLoadState('load');
    const first = await drawn(proj);
    await shot(proj, 'screen-before-its-chunk-dark-laptop');
    release();
    if (!first.systemDark) throw new Error('the browser is not in dark mode');
    if (!first.projector || !isLight(first) || first.colorScheme !== 'light') {
      throw new Error(`the projector before its chunk came, on a laptop in dark mode: ${JSON.stringify(first)}`);
    }
    await untilText(proj.getByTestId('screen-code'), new RegExp(code), "the projector's code");
    const after = await drawn(proj);
    if (!after.projector || !isLight(after)) throw new Error(`the projector once shown: ${JSON.stringify(after)}`);

    // The other pages keep the system's dark scheme: the console reloaded
    // beside the projector, and a phone's join page.
    await laptop.reload();
    await untilText(laptop.getByTestId('join-code'), new RegExp(code), 'the join code after a reload');
    const again = await drawn(laptop);
    if (again.projector || !isDark(again)) throw new Error(`the console beside the projector: ${JSON.stringify(again)}`);
    const phone = await newPage(ctx, 'phone in dark mode');
    await phone.goto(`${huddle.base}/j/${code}`);
    await phone.getByLabel('Room code').waitFor();
    const join = await drawn(phone);
    if (join.projector || !isDark(join)) throw new Error(`the join page in dark mode: ${JSON.stringify(join)}`);
  } finally {
    await ctx.close();
  }
}

/** The console's layout in page: the room's column and the exercises'
 *  boxes, what runs out of the page or a card, the room's controls that
 *  run out of their card or column or are cut inside themselves. */
function consoleLayout(page) {
  return page.evaluate(() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, width: r.width }; };
    const side = document.querySelector('.grid > .side');
    const main = document.querySelector('.grid > .main');
    const name = (e) => `${e.tagName.toLowerCase()}${e.dataset.testid ? `[${e.dataset.testid}]` : ''} "${(e.textContent || e.getAttribute('aria-label') || e.id || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    const doc = document.documentElement;
    const out = [];
    if (doc.scrollWidth > doc.clientWidth) out.push(`the page is ${doc.scrollWidth} px wide in ${doc.clientWidth}`);
    for (const card of document.querySelectorAll('main .card')) {
      if (card.scrollWidth > card.clientWidth + 1) out.push(`${name(card)}: its content ${card.scrollWidth} px wide in ${card.clientWidth}`);
    }
    const s = box(side);
    for (const c of side.querySelectorAll('button, a.button, input, select, textarea, label, [data-testid=join-code], [data-testid=join-link]')) {
      const r = c.getBoundingClientRect();
      if (!r.width) continue;
      const card = c.closest('.card') ?? side;
      const k = card.getBoundingClientRect();
      if (r.left < s.left - 0.5 || r.right > s.right + 0.5) out.push(`${name(c)} from ${Math.round(r.left)} to ${Math.round(r.right)} px, the room's column from ${Math.round(s.left)} to ${Math.round(s.right)}`);
      else if (r.left < k.left - 0.5 || r.right > k.right + 0.5) out.push(`${name(c)} from ${Math.round(r.left)} to ${Math.round(r.right)} px, its card from ${Math.round(k.left)} to ${Math.round(k.right)}`);
      if (c.matches('button, a.button, select') && c.scrollWidth > c.clientWidth + 1) out.push(`${name(c)}: its text ${c.scrollWidth} px wide in ${c.clientWidth}`);
    }
    return { side: s, main: box(main), rem: parseFloat(getComputedStyle(doc).fontSize), out };
  });
}

async function consoleAt200PercentText() {
  const at = async (standard, preview) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await newPage(ctx, `console with a ${standard ?? 'default'} px font${preview ? ', its preview open' : ''}`);
      if (standard) await (await ctx.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard } });
      await createRoom(page, 'Large text');
      if (preview) {
        await page.getByRole('button', { name: 'View as participant' }).click();
        await page.getByTestId('preview').getByTestId('waiting').waitFor();
      }
      await sleep(200);
      const seen = await consoleLayout(page);
      // A full-page screenshot draws the text at its default size again: the window only, at 200 %.
      const file = `host-console-${standard ?? 16}px${preview ? '-preview' : ''}`;
      if (standard) await page.screenshot({ path: `${ARTIFACTS}/screenshots/${file}.png` });
      else await shot(page, file);
      return seen;
    } finally {
      await ctx.close();
    }
  };
  // At the browser's default 16 px: the room's column 280 px (260 px
  // with the preview open) at the left, beside the exercises.
  for (const [preview, px] of [[false, 280], [true, 260]]) {
    const normal = await at(null, preview);
    const what = `the console at 1280x800 with the default text${preview ? ' and its preview open' : ''}`;
    if (normal.out.length) throw new Error(`${what}: ${normal.out.join('; ')}`);
    if (Math.abs(normal.side.width - px) > 1.5) throw new Error(`${what}: the room's column ${normal.side.width} px wide, not ${px}`);
    if (!(normal.side.right <= normal.main.left && Math.abs(normal.side.top - normal.main.top) < 1)) {
      throw new Error(`${what}: the room's column not beside the exercises: ${JSON.stringify(normal.side)}, ${JSON.stringify(normal.main)}`);
    }
  }
  // At 200 %: nothing runs out, and the room's column is at least 16rem
  // wide (its 280 px were 8rem, its buttons' words one to a line).
  for (const preview of [false, true]) {
    const large = await at(32, preview);
    const what = `the console at 1280x800 with the text at 200 %${preview ? ' and its preview open' : ''}`;
    if (large.rem < 30) throw new Error(`${what}: the text is ${large.rem} px, not at 200 %`);
    if (large.out.length) throw new Error(`${what}: ${large.out.join('; ')}`);
    if (large.side.width < 16 * large.rem) throw new Error(`${what}: the room's column ${Math.round(large.side.width)} px wide, ${(large.side.width / large.rem).toFixed(1)}rem`);
    if (large.main.width < 16 * large.rem) throw new Error(`${what}: the exercises' column ${Math.round(large.main.width)} px wide, ${(large.main.width / large.rem).toFixed(1)}rem`);
  }
}

// STEP=projector or STEP=text runs that one alone.
const steps = [
  ["the projector is light from its first paint on a laptop in dark mode, the console and the phone stay dark", projectorLightFromTheStart],
  ["the console at 1280x800 holds its layout with the text at 200 %, and keeps its 280 px column at the default size", consoleAt200PercentText],
];

await finish(steps.filter(([name]) => !process.env.STEP || name.includes(process.env.STEP)));
