// A small harness for the browser tests: a real huddle binary on a free
// loopback port, Debian's chromium driven by playwright-core, a runner
// that prints one line per step and a closing "N passed, N failed" line.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const ARTIFACTS = process.env.ARTIFACTS ?? '../test-artifacts';
mkdirSync(`${ARTIFACTS}/screenshots`, { recursive: true });

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startHuddle(bin) {
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve'], {
    // A text limit other than the default, which the pages must follow.
    env: { ...process.env, HUDDLE_ADDR: addr, HUDDLE_LOG_LEVEL: 'warn', HUDDLE_MAX_TEXT_LEN: '600' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://${addr}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(base + '/readyz');
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('huddle did not start');
    await sleep(100);
  }
  return { base, proc, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); setTimeout(() => proc.kill('SIGKILL'), 8000).unref(); }) };
}

/** One browser test file's setting: a fresh huddle, a chromium, and
 *  newPage, whose pages' script errors and console errors fail the run
 *  (but a dropped WebSocket's, a page offline and a failed load's, which
 *  the tests cause on purpose); finish(steps) runs the steps, closes
 *  everything and exits with the outcome. */
export async function suite() {
  const huddle = await startHuddle(process.env.HUDDLE_BIN ?? '../bin/huddle');
  const browser = await launchChromium();
  const errors = [];
  async function newPage(ctx, label) {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(m.text())) errors.push(`${label}: ${m.text()}`); });
    return page;
  }
  async function finish(steps) {
    let ok = false;
    try {
      ok = await run(steps, browser);
      if (errors.length) {
        console.log('Browser errors:\n  ' + errors.join('\n  '));
        ok = false;
      }
    } finally {
      await browser.close().catch(() => {});
      await huddle.stop();
    }
    process.exit(ok ? 0 : 1);
  }
  return { huddle, browser, errors, newPage, finish };
}

/** In a page of the server: window.__post (a POST to the API, its JSON)
 *  and window.__connect(room, token), a WebSocket said hello to that
 *  sends commands (send(type, data), its ack's result; send.states the
 *  states received by key); the browser tests drive rooms with it
 *  (page.evaluate(roomDriver)). */
export function roomDriver() {
  window.__post = async (path, body) => (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  window.__connect = (room, token) => new Promise((resolve, reject) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
    const answers = new Map();
    const states = {};
    let n = 0;
    const send = (type, data) => new Promise((res, rej) => {
      const id = `d-${++n}`;
      answers.set(id, (m) => (m.type === 'ack' ? res(m.result) : rej(new Error(`${type}: ${m.code} ${m.message}`))));
      ws.send(JSON.stringify({ type, id, data }));
    });
    send.states = states;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', room, token }));
    ws.onerror = () => reject(new Error('no WebSocket'));
    ws.onmessage = (e) => {
      for (const line of e.data.split('\n')) {
        const m = JSON.parse(line);
        if (m.type === 'welcome') resolve(send);
        if (m.type === 'state') states[m.key] = m.data;
        if ((m.type === 'ack' || m.type === 'error') && answers.has(m.id)) { answers.get(m.id)(m); answers.delete(m.id); }
      }
    };
  });
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // playwright-core gives every launch a fresh temporary user-data-dir.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn until it returns a truthy value; fail with what it last saw. */
export async function until(fn, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

export async function textOf(locator) {
  return ((await locator.textContent({ timeout: 5000 })) ?? '').replace(/\s+/g, ' ').trim();
}

export async function untilText(locator, re, what) {
  return until(async () => {
    const t = await textOf(locator);
    return re.test(t) ? t : false;
  }, `${what ?? 'text'} ${re}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/screenshots/${name}.png`, fullPage: true });
}

/** Every open page of browser as it was when a step failed: a screenshot
 *  each (failed-C-P.png) and its address and alerts in the log, so that a
 *  failure seen once (a CI run on a busy machine) can be read afterwards. */
async function showFailure(browser) {
  const contexts = browser?.contexts() ?? [];
  for (const [c, ctx] of contexts.entries()) {
    for (const [p, page] of ctx.pages().entries()) {
      try {
        const alerts = await page.locator('[role=alert]').allInnerTexts();
        console.log(`    page ${c}-${p}: ${page.url()}${alerts.length ? ` alerts: ${alerts.join(' | ')}` : ''}`);
        await page.screenshot({ path: `${ARTIFACTS}/screenshots/failed-${c}-${p}.png`, fullPage: true, timeout: 5000 });
      } catch {
        /* a closed page: nothing to show */
      }
    }
  }
}

/** Steps run in order; after a failure the rest are skipped (they build on
 *  each other). Given the browser, a failure leaves every page's screenshot. */
export async function run(steps, browser) {
  let passed = 0, failed = 0, skipped = 0;
  const t0 = Date.now();
  for (const [name, fn] of steps) {
    if (failed) {
      skipped++;
      console.log(`  - ${name} (skipped)`);
      continue;
    }
    const s = Date.now();
    try {
      await fn();
      passed++;
      console.log(`  ✓ ${name} (${Date.now() - s} ms)`);
    } catch (e) {
      failed++;
      console.log(`  ✗ ${name} (${Date.now() - s} ms)\n    ${String(e.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
      await showFailure(browser);
    }
  }
  console.log(`e2e took ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${ARTIFACTS}/screenshots`);
  console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && skipped === 0;
}

// ---- A board shown page by page on the projector (the kudos wall, the
// help board: projector-*-pages.mjs). ----

/** What the projector draws of a paged board, run in the page (given
 *  parts, selectors: board, item, text (the text in an item that names
 *  it), page (the line that says which page is up), more (the old "+N
 *  more" line) and, if its items have one, badge): the items' texts in
 *  order, their badges by text, the page line and whether it sits in a
 *  live region, what ends off the screen, the smallest text's type and
 *  the items' animation. */
export function pagedDrawn({ board, item, text, page, more, badge }) {
  const out = [];
  for (const e of document.querySelectorAll('.screen *')) {
    const r = e.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5 || r.left < -0.5) out.push(`${e.tagName.toLowerCase()} "${e.textContent.trim().replace(/\s+/g, ' ').slice(0, 30)}" at ${Math.round(r.left)},${Math.round(r.bottom)}`);
  }
  const doc = document.documentElement;
  if (doc.scrollHeight > innerHeight) out.push(`the page is ${doc.scrollHeight} px tall in ${innerHeight}`);
  const items = [...document.querySelectorAll(`${board} ${item}`)];
  const texts = [...document.querySelectorAll(`${board} ${item} ${text}`)];
  const line = document.querySelector(page);
  return {
    out,
    shown: texts.map((e) => e.textContent.trim()),
    status: badge ? Object.fromEntries(items.map((li) => [li.querySelector(text).textContent.trim(), li.querySelector(badge).textContent.trim()])) : undefined,
    page: line ? line.textContent.trim() : null,
    live: !!line?.closest('[aria-live], [role=status], [role=alert], [role=log]'),
    more: !!document.querySelector(more),
    px: Math.min(...texts.map((e) => parseFloat(getComputedStyle(e).fontSize))),
    animation: [...new Set(items.map((li) => getComputedStyle(li).animationName))],
  };
}

/** The checks of a board paged on the projector, its parts as pagedDrawn
 *  takes them; fullness, run in the page, measures how full the page
 *  drawn is (by column, the pixels left empty above the page line's
 *  room, empty; the tallest item with the gap under it, tallest; whether
 *  the items reach the board's right edge, across; and, if it says,
 *  the share of the room covered, covered). words name the items in
 *  what the checks say: one, many, their texts and the whole board. */
export function pagedBoard(parts, fullness, words) {
  const drawn = (p) => p.evaluate(pagedDrawn, parts);

  /** Throws unless the page drawn on p, not the last, is full: every
   *  column holds items down to less than the tallest item's height
   *  above the page line's room, and none is left empty. */
  async function full(p, at) {
    const f = await p.evaluate(fullness);
    const covered = f.covered === undefined ? '' : `; ${Math.round(100 * f.covered)} % of the room covered`;
    console.log(`    ${at}: columns empty at their bottom by ${f.empty.join(', ')} px, the tallest ${words.one} ${Math.round(f.tallest)} px${covered}`);
    if (!f.across) throw new Error(`${at}: a column is left empty`);
    const gap = f.empty.find((e) => e >= f.tallest);
    if (gap !== undefined) throw new Error(`${at}: a column leaves ${gap} px empty at its bottom, room for any ${words.one} (the tallest ${Math.round(f.tallest)} px)`);
  }

  /** A screenshot of p once its page has faded in. */
  async function shotTurned(p, name) {
    await p.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    await shot(p, name);
  }

  /** The page drawn on p as it is once it says page n: the items shown,
   *  checked against the board's order (want, their texts) from index
   *  from on. */
  async function pageUp(p, n, want, from, at) {
    const seen = await until(async () => {
      const d = await drawn(p);
      return d.page?.startsWith(`Page ${n} of `) ? d : false;
    }, `page ${n} ${at}`, 25_000);
    if (seen.out.length) throw new Error(`${at}, page ${n}: off the screen: ${seen.out.join('; ')}`);
    if (seen.shown.length < 2) throw new Error(`${at}, page ${n}: ${seen.shown.length} ${words.many} shown`);
    const next = want.slice(from, from + seen.shown.length);
    if (seen.shown.join('|') !== next.join('|')) throw new Error(`${at}, page ${n}: shows ${JSON.stringify(seen.shown)}, not the ${words.board}'s next ${words.many} in its order ${JSON.stringify(next)}`);
    if (seen.live) throw new Error(`${at}: the page line is in a live region: every turn would be read out`);
    if (seen.more) throw new Error(`${at}: still says "+N more"`);
    if (seen.px < 14) throw new Error(`${at}: its ${words.texts} in ${seen.px} px type`);
    return seen;
  }

  return { drawn, full, shotTurned, pageUp };
}
