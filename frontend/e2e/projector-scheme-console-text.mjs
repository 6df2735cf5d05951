// Checks in the browser, against a real huddle binary:
// - the projector is light from its first paint on a laptop in dark mode:
//   its page is marked (:root.projector) by the app's entry, before the
//   projector's own chunk has come, while the console and the phone stay
//   dark;
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/projector-scheme-console-text.mjs
// (after make build; STEP=projector or STEP=text runs one of the two).
import { startHuddle, launchChromium, run, untilText, shot, sleep } from './harness.mjs';

const huddle = await startHuddle(process.env.HUDDLE_BIN ?? '../bin/huddle');
const browser = await launchChromium();
const errors = [];

async function newPage(ctx, label) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/WebSocket|Failed to load resource/.test(m.text())) errors.push(`${label}: ${m.text()}`); });
  return page;
}

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

// STEP=projector or STEP=text runs that one alone.
const steps = [
  ["the projector is light from its first paint on a laptop in dark mode, the console and the phone stay dark", projectorLightFromTheStart],
];

let ok = false;
try {
  ok = await run(steps.filter(([name]) => !process.env.STEP || name.includes(process.env.STEP)), browser);
  if (errors.length) {
    console.log('Browser errors:\n  ' + errors.join('\n  '));
    ok = false;
  }
} finally {
  await browser.close().catch(() => {});
  await huddle.stop();
}
process.exit(ok ? 0 : 1);
