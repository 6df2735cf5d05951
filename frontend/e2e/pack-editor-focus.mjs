// The pack editor's save bar stays at the bottom of the window (sticky)
// and hid the keyboard's focus (WCAG 2.4.11, Focus Not Obscured): tabbing
// through /library/<pack>/edit at 1280x720, 10 of 59 focus stops were
// wholly under it; at 320x568, 12 of 59; and in the conflict state
// ("Someone else changed this pack") the bar was 347 px of a 568 px
// window, 39 of 40 stops under it. Here every focus stop, Tab after Tab
// (and Shift+Tab back on a phone), must be in the window and clear of the
// bar, at both sizes and in the conflict state.
// Run: cd frontend && CHROMIUM=/usr/bin/chromium HUDDLE_BIN=../bin/huddle ARTIFACTS=../test-artifacts node e2e/pack-editor-focus.mjs
// (after make build).
import { suite, untilText, shot } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();

let page;
let pack = ''; // the id of a copy of "Building trust", seven exercises

/** Where the focused element is against the window and the save bar: a
 *  line saying what is wrong, or '' when it is whole in the window and,
 *  outside the bar, wholly above or below it. */
function focusSeen() {
  const el = document.activeElement;
  if (!el || el === document.body) return { done: true };
  const bar = document.querySelector('[data-testid=save-bar]');
  const r = el.getBoundingClientRect();
  const b = bar.getBoundingClientRect();
  const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40)}"`;
  const at = `${Math.round(r.top)}–${Math.round(r.bottom)}, the bar ${Math.round(b.top)}–${Math.round(b.bottom)} of ${innerHeight}`;
  let why = '';
  // Whole in the window; but a textarea: the browser scrolls its caret's
  // line into view, not the box (Shift+Tab into a description of more
  // lines than it shows leaves its top above the window). At least a line
  // of it, then.
  const line = el.tagName === 'TEXTAREA' ? 24 : r.height;
  if (Math.min(r.bottom, innerHeight) - Math.max(r.top, 0) < line - 0.5) why = 'outside the window';
  else if (!bar.contains(el) && r.bottom > b.top + 0.5 && r.top < b.bottom - 0.5) why = r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5 ? 'wholly under the bar' : 'partly under the bar';
  return { el: name, why, at, key: el };
}

/** Tab (or Shift+Tab) from the page's first (or last) focusable element to
 *  its other end; each stop checked. Returns the number of stops. */
async function tabThrough(what, back = false) {
  await page.evaluate((back) => {
    const all = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex="0"]')]
      .filter((e) => e.offsetParent !== null || e.getClientRects().length);
    const first = back ? all.at(-1) : all[0];
    first.focus();
  }, back);
  const bad = [];
  const seen = new Set();
  let n = 0;
  for (;;) {
    const s = await page.evaluate(focusSeen);
    if (s.done) break;
    const id = await page.evaluate(() => {
      const el = document.activeElement;
      el.dataset.stop ??= String(Math.random());
      return el.dataset.stop;
    });
    if (seen.has(id)) break; // round the page again
    seen.add(id);
    n++;
    if (s.why) bad.push(`${s.el} ${s.why} (${s.at})`);
    if (n > 200) throw new Error(`${what}: more than 200 focus stops`);
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  if (n < 20) throw new Error(`${what}: only ${n} focus stops`);
  if (bad.length) throw new Error(`${what}: ${bad.length} of ${n} focus stops hidden: ${bad.join('; ')}`);
  return n;
}

async function openEditor(width, height) {
  await page.setViewportSize({ width, height });
  await page.goto(`${huddle.base}/library/${pack}/edit`);
  await untilText(page.getByTestId('pack-items'), /1 Check-in.*7 Closing/, 'the exercises');
  await page.getByTestId('save-bar').waitFor();
}

const steps = [
  ['a copy of "Building trust" to edit', async () => {
    page = await newPage(await browser.newContext(), 'editor');
    // Leaving the editor with changes asks first (beforeunload): yes.
    page.on('dialog', (d) => d.accept());
    await page.goto(huddle.base + '/library');
    const r = await page.evaluate(async () => (await fetch('/api/packs/building-trust/duplicate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json());
    pack = r.summary.id;
    if (!pack) throw new Error('no copy: ' + JSON.stringify(r));
  }],

  ['at 1280x720 every focus stop of the editor is in the window and clear of the save bar', async () => {
    await openEditor(1280, 720);
    await tabThrough('1280x720');
    // Changed, the bar says so beside Save: taller, and still clear.
    await page.getByLabel('Pack title').fill('Building trust, edited');
    await tabThrough('1280x720, unsaved');
  }],

  ['at 320x568 every focus stop is in the window and clear of the save bar, Tab and Shift+Tab', async () => {
    await openEditor(320, 568);
    await page.getByLabel('Pack title').fill('Building trust, edited');
    await tabThrough('320x568');
    await tabThrough('320x568 backwards', true);
    await shot(page, 'pack-editor-320');
  }],

  ['in the conflict state, at 320x568 and 1280x720, every focus stop is in the window and clear of the save bar', async () => {
    for (const [w, h] of [[320, 568], [1280, 720]]) {
      await openEditor(w, h);
      // Someone else saves the pack meanwhile; this page's save is refused.
      const changed = await page.evaluate(async (id) => {
        const e = await (await fetch(`/api/packs/${id}`)).json();
        const r = await fetch(`/api/packs/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pack: { ...e.pack, description: 'Changed elsewhere ' + Date.now() } }) });
        return r.status;
      }, pack);
      if (changed !== 200) throw new Error('the change elsewhere: ' + changed);
      await page.getByLabel('Pack title').fill('Building trust, mine');
      await page.getByRole('button', { name: 'Save pack' }).click();
      await untilText(page.getByTestId('conflict'), /Someone else changed this pack/, 'the conflict');
      // The focus stays on Save, in view.
      const s = await page.evaluate(focusSeen);
      if (s.why || !/Save pack/.test(s.el)) throw new Error(`after the refused save the focus is on ${s.el}, ${s.why} (${s.at})`);
      await tabThrough(`conflict at ${w}x${h}`);
      await tabThrough(`conflict at ${w}x${h} backwards`, true);
      await shot(page, `pack-editor-conflict-${w}`);
    }
  }],
];

await finish(steps);
