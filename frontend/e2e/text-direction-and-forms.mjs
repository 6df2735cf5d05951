// In the browser, against a real huddle binary:
// - text written right to left (Arabic, Hebrew) reads right to left
//   wherever it is shown: "هل نثق ببعضنا؟ نعم!" with its "!" at its
//   left end, a paragraph of it aligned right, on the phone, the console
//   and the projector; and a field takes the direction of what is typed;
// - the exercise form's prompt is a box that shows a long prompt whole,
//   where Enter neither breaks the line nor sends the form;
// - "Add to agenda" is in the tab order with the form empty, says what is
//   missing at the title, and once the exercise is added the focus is on
//   its Open button (a later one's Make current).
// Run: cd frontend && HUDDLE_BIN=../bin/huddle node e2e/text-direction-and-forms.mjs
// (after make build).
import { suite, until, untilText, shot } from './harness.mjs';

const { huddle, browser, newPage, finish } = await suite();
const phoneSize = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

const ARABIC = 'هل نثق ببعضنا؟ نعم!';
const HEBREW = 'אני סומך על הצוות (ברוב הזמן).';
const NAME = 'נועה!';
const LONG_PROMPT = 'Think of the last two sprints as a whole: the planning, the daily work, the reviews and this retrospective. '.repeat(4).trim();

let host, phone, screen, code;

/**
 * How the browser drew el's text, of one direction: where its last
 * character is (it should be at the left end of its line for a
 * right-to-left paragraph, wrapped or not), where the text is in el's
 * box (aligned to its start: the right), and el's computed unicode-bidi.
 */
function drawnText(locator) {
  return locator.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    const last = nodes.at(-1);
    const end = last.data.trimEnd().length;
    const r = document.createRange();
    r.setStart(last, end - 1);
    r.setEnd(last, end);
    const lastChar = r.getBoundingClientRect();
    const all = document.createRange();
    all.selectNodeContents(el);
    const rects = [...all.getClientRects()].filter((x) => x.width > 0);
    // The line the last character is on: a wrapped right-to-left
    // paragraph ends at the left of its last line, which, shorter, sits
    // at the right of the box.
    const mid = (lastChar.top + lastChar.bottom) / 2;
    const onLast = rects.filter((x) => x.top <= mid && mid <= x.bottom);
    const left = Math.min(...(onLast.length ? onLast : rects).map((x) => x.left));
    const right = Math.max(...rects.map((x) => x.right));
    const box = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {
      char: last.data.trimEnd().at(-1), lastLeft: lastChar.left, lastRight: lastChar.right, left, right,
      boxLeft: box.left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth), boxRight: box.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth),
      bidi: s.unicodeBidi, display: s.display, text: el.textContent.trim(),
    };
  });
}

/** Throws unless el's text is drawn right to left: its last character at the left end of its line; aligned right when it is a block. */
async function rightToLeft(locator, what, { aligned = true } = {}) {
  const d = await drawnText(locator);
  const where = `${what} ("${d.text}", unicode-bidi ${d.bidi})`;
  if (d.bidi !== 'plaintext') throw new Error(`${where}: not drawn with unicode-bidi: plaintext`);
  if (Math.abs(d.lastLeft - d.left) > 1) throw new Error(`${where}: its last character "${d.char}" at ${Math.round(d.lastLeft)}–${Math.round(d.lastRight)} px, its line from ${Math.round(d.left)}, the text to ${Math.round(d.right)}: not at the left end`);
  if (aligned && Math.abs(d.right - d.boxRight) > 1.5) throw new Error(`${where}: the text ends at ${Math.round(d.right)} px, its box at ${Math.round(d.boxRight)}: not aligned right`);
  return d;
}

/** Whether the field is drawn right to left (dir="auto" took the direction of what was typed). */
const fieldRtl = (locator) => locator.evaluate((el) => el.getAttribute('dir') === 'auto' && el.matches(':dir(rtl)'));

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { tag: a?.tagName.toLowerCase(), text: a?.textContent?.trim().replace(/\s+/g, ' ').slice(0, 60), label: a?.getAttribute('aria-label') ?? '', id: a?.id ?? '' };
});

async function setUp() {
  const hostCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  host = await newPage(hostCtx, 'console');
  await host.goto(huddle.base + '/host');
  await host.getByLabel('Workshop title').fill('Trust, in two scripts');
  await host.getByLabel("Participants see each other's names").check();
  await host.getByRole('button', { name: 'Create a room' }).click();
  code = await untilText(host.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'the join code');
  // The projector in the console's browser, which holds the room's key.
  screen = await newPage(hostCtx, 'projector');
  await screen.goto(`${huddle.base}/screen/${code}`);
  phone = await newPage(await browser.newContext(phoneSize), 'phone');
  await phone.goto(`${huddle.base}/j/${code}`);
  const name = phone.getByLabel(/Your name/);
  await name.fill(NAME);
  if (!(await fieldRtl(name))) throw new Error('the name field, with a Hebrew name typed, is not right to left');
  await phone.getByRole('button', { name: 'Join' }).click();
  await phone.getByTestId('waiting').waitFor();
}

async function addToAgendaFromTheKeyboard() {
  const form = host.getByTestId('add-exercise');
  await form.getByLabel('Kind').selectOption({ label: 'Poll' });
  // Tab from the notes, the last field, reaches Add to agenda with the form empty.
  await form.getByLabel('Notes (only you see them)').focus();
  await host.keyboard.press('Tab');
  const onAdd = await focused(host);
  if (onAdd.text !== 'Add to agenda') throw new Error(`Tab from the notes of an empty form went to ${JSON.stringify(onAdd)}, not Add to agenda`);
  await host.keyboard.press('Enter');
  const title = form.getByLabel('Title', { exact: true });
  await until(async () => (await title.evaluate((e) => e === document.activeElement)) || false, 'the focus on the title');
  await untilText(form.getByRole('alert'), /^Give the exercise a title first\.$/, 'what is missing, at the title');
  if ((await title.getAttribute('aria-invalid')) !== 'true') throw new Error('the title is not marked invalid');
  if (await host.getByTestId('agenda').locator('li').count()) throw new Error('an exercise with no title was added');
  await shot(host, 'host-add-title-missing');

  // The title in Arabic: the field takes its direction.
  await title.fill(ARABIC);
  if (!(await fieldRtl(title))) throw new Error('the title field, with Arabic typed, is not right to left');
  if (await form.getByRole('alert').count()) throw new Error('the message stayed once a title was typed');
  const options = form.getByLabel('Options, one per line');
  await options.fill('نعم!\nلا؟');
  if (!(await fieldRtl(options))) throw new Error('the options, in Arabic, are not right to left');

  // Added with Enter on the button: the focus is on the exercise's Open.
  await form.getByRole('button', { name: 'Add to agenda' }).focus();
  await host.keyboard.press('Enter');
  await until(async () => {
    const f = await focused(host);
    return f.text === 'Open' && (await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).evaluate((e) => e === document.activeElement)) ? f : false;
  }, "the focus on the new exercise's Open button");

  // A later one: on its Make current, in the agenda.
  await form.getByLabel('Kind').selectOption({ label: 'Retrospective' });
  await form.getByLabel('Title', { exact: true }).fill('Retro');
  await form.getByRole('button', { name: 'Add to agenda' }).focus();
  await host.keyboard.press('Enter');
  await until(async () => ((await focused(host)).label === 'Make current: “Retro”') || false, 'the focus on the new exercise\'s Make current');
}

async function promptInABoxThatShowsItWhole() {
  const form = host.getByTestId('add-exercise');
  await form.getByLabel('Kind').selectOption({ label: 'Open text' });
  await form.getByLabel('Title', { exact: true }).fill('Two sprints');
  const prompt = form.getByLabel(/Question or instructions/);
  await prompt.fill(LONG_PROMPT);
  const box = await prompt.evaluate((e) => ({ tag: e.tagName, scroll: e.scrollHeight, client: e.clientHeight, lines: Math.round(e.clientHeight / parseFloat(getComputedStyle(e).lineHeight)) }));
  if (box.tag !== 'TEXTAREA') throw new Error(`the prompt is edited in a ${box.tag}`);
  if (box.scroll > box.client + 1) throw new Error(`the prompt of ${LONG_PROMPT.length} characters is cut: ${box.scroll} px of it in a box of ${box.client}`);
  if (box.lines < 3) throw new Error(`the long prompt shows on ${box.lines} lines`);
  // Enter: no line break, and the half-written exercise is not sent.
  const before = await host.getByTestId('agenda').locator('li').count();
  await prompt.press('End');
  await prompt.press('Enter');
  await host.waitForTimeout(300);
  if ((await host.getByTestId('agenda').locator('li').count()) !== before) throw new Error('Enter in the prompt sent the form');
  if ((await prompt.inputValue()) !== LONG_PROMPT) throw new Error('Enter in the prompt changed it: ' + JSON.stringify(await prompt.inputValue()));
  await shot(host, 'host-long-prompt');
  await form.getByLabel('Title', { exact: true }).fill('');
  await prompt.fill('');
}

async function rightToLeftWhereverShown() {
  // The poll, opened: its title and options on the phone and the projector.
  await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
  const title = phone.locator('#ex-title');
  await untilText(title, new RegExp(ARABIC.replace(/[?!]/g, '.')), 'the Arabic title on the phone');
  await rightToLeft(title, "the poll's title on the phone");
  await rightToLeft(phone.locator('.option .user-text').first(), 'an option on the phone', { aligned: false });
  await untilText(screen.locator('h1'), /نعم/, 'the Arabic title on the projector');
  await rightToLeft(screen.locator('h1'), "the poll's title on the projector", { aligned: false });
  await rightToLeft(screen.getByTestId('screen-choices').locator('li').first(), 'an option on the projector');
  // The agenda's title and the person's name in the console.
  await rightToLeft(host.getByTestId('agenda').locator('strong.user-text').first(), "the poll's title in the agenda", { aligned: false });
  const name = host.getByTestId('people').locator('.name').first();
  await untilText(name, /נועה/, "the person's name in the console");
  await rightToLeft(name, "the person's name in the console");
  await shot(phone, 'participant-rtl-poll');

  // A retro card written in Hebrew: the box takes its direction, and the card reads right to left.
  await host.getByRole('button', { name: 'Make current: “Retro”' }).click();
  await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
  const card = phone.getByLabel('Card text');
  await card.fill(HEBREW);
  if (!(await fieldRtl(card))) throw new Error('the card box, with Hebrew typed, is not right to left');
  await phone.getByRole('button', { name: 'Add card' }).click();
  const mine = phone.getByTestId('my-cards').locator('li .user-text').last();
  await untilText(mine, /הצוות/, 'the card in my cards');
  const d = await rightToLeft(mine, 'a Hebrew card in my cards', { aligned: false });
  if (d.char !== '.') throw new Error(`the card's last character is "${d.char}"`);
  await shot(phone, 'participant-rtl-card');
}

const steps = [
  ['a room with a projector and a phone whose name is in Hebrew', setUp],
  ['"Add to agenda" is in the tab order, says what is missing at the title, then puts the focus on Open', addToAgendaFromTheKeyboard],
  ["the exercise form's prompt shows a long prompt whole; Enter neither breaks it nor sends the form", promptInABoxThatShowsItWhole],
  ['right-to-left text reads right to left on the phone, the console and the projector', rightToLeftWhereverShown],
];

await finish(steps);
