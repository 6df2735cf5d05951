// One whole workshop in the browser: a facilitator on a laptop, a
// projector, and three participants on phone-sized screens, against a
// real huddle binary. Run by `make test` (see the Makefile).
import { startHuddle, launchChromium, run, until, untilText, textOf, shot, sleep } from './harness.mjs';

const huddle = await startHuddle(process.env.HUDDLE_BIN ?? '../bin/huddle');
const browser = await launchChromium();
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

let host, hostCtx, screen, code;
const people = {}; // name → { ctx, page }
const errors = [];

async function newPage(ctx, label) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/WebSocket|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(m.text())) errors.push(`${label}: ${m.text()}`); });
  return page;
}

const P = (name) => people[name].page;
const all = () => Object.values(people).map((p) => p.page);

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


async function nextPhase(phase) {
  await host.getByTestId('next-phase').click();
  await host.locator(`[data-testid=retro-control][data-phase=${phase}]`).waitFor();
  for (const p of all()) await p.locator('[aria-current=step]', { hasText: new RegExp(phase, 'i') }).waitFor();
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

const steps = [
  ['the facilitator creates a room and sees its code, link and QR code', async () => {
    hostCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    host = await newPage(hostCtx, 'host');
    await host.goto(huddle.base + '/host');
    await host.getByLabel('Workshop title').fill('Team retro');
    await host.getByRole('button', { name: 'Create a room' }).click();
    code = await untilText(host.getByTestId('join-code'), /^[A-Z2-9]{6}$/, 'join code');
    await host.getByTestId('qr').waitFor();
    const link = await textOf(host.getByTestId('join-link'));
    if (link !== `${huddle.base}/j/${code}`) throw new Error('join link ' + link);
    if (!/\/host\/[A-Z2-9]{6}$/.test(host.url())) throw new Error('console url ' + host.url());
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
    // Below the threshold: no results anywhere, and "Show results" is off.
    if (await host.getByTestId('results').count()) throw new Error('facilitator sees results below the threshold');
    if (!(await host.getByRole('button', { name: 'Show results' }).isDisabled())) throw new Error('show results enabled below threshold');
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
    await host.getByTestId('results').waitFor();
    await host.getByRole('button', { name: 'Show results' }).click();
    for (const p of all()) await untilText(p.getByTestId('results'), /Pizza\s*2\s*·\s*67%.*Salad\s*1\s*·\s*33%.*Soup\s*0/, 'participant results');
    await untilText(screen.getByTestId('results'), /Pizza\s*2\s*·\s*67%/, 'projector results');
    await shot(P('Ben'), 'participant-poll-results');
    await shot(screen, 'screen-poll-results');
    await shot(host, 'host-poll-results');
  }],

  ['retrospective: cards stay private while written, then everyone sees them', async () => {
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const p of all()) {
      await p.locator('[data-testid=exercise][data-kind=retro]').waitFor();
      await p.getByTestId('anon-notice').waitFor();
    }
    await addCard(P('Ann'), 'Start', 'Pair more often');
    await addCard(P('Ann'), 'Start', 'More pairing on bugs');
    await addCard(P('Ben'), 'Stop', 'Long meetings');
    await addCard(P('anon'), 'Continue', 'Friday demos');
    const benSees = await textOf(P('Ben').getByTestId('exercise'));
    if (benSees.includes('Pair more often')) throw new Error("Ben sees Ann's card in the write phase");
    await untilText(screen.getByTestId('retro-board'), /4 cards written so far/);
    await shot(P('Ann'), 'participant-retro-write');
    await shot(screen, 'screen-retro-write');
    await nextPhase('reveal');
    await untilText(P('Ben').getByTestId('retro-board'), /Pair more often/, 'revealed cards');
  }],

  ['retrospective: grouping, dot voting, discussion focus and action items', async () => {
    await nextPhase('group');
    await host.getByLabel('Select card: Pair more often').check();
    await host.getByLabel('Select card: More pairing on bugs').check();
    await host.getByPlaceholder('Group name').fill('Pairing');
    await host.getByRole('button', { name: /Group selected cards/ }).click();
    await untilText(P('Ann').getByTestId('retro-board'), /Pairing/, 'group on phones');
    await nextPhase('vote');
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ann'), 'Pairing');
    await dot(P('Ben'), 'Pairing');
    await dot(P('Ben'), 'Long meetings');
    await dot(P('anon'), 'Friday demos');
    await untilText(P('Ann').getByTestId('dots-left'), /1 dot left/);
    await untilText(host.getByTestId('retro-control'), /5 dots placed so far/);
    await shot(P('Ben'), 'participant-retro-vote');
    await nextPhase('discuss');
    await host.getByRole('button', { name: 'Discuss this' }).first().click();
    await untilText(P('Ann').getByTestId('retro-board'), /Pairing\s*3 dots\s*Now discussing/, 'focus on phones');
    await untilText(screen.getByTestId('retro-board'), /Pairing\s*3 dots\s*Now discussing.*Long meetings\s*1 dot/, 'ranked on the projector');
    await shot(P('Ann'), 'participant-retro-discuss');
    await shot(screen, 'screen-retro-discuss');
    await nextPhase('actions');
    await P('Ann').getByLabel('Action', { exact: true }).fill('Set up a pairing rota');
    await P('Ann').getByLabel('Owner').fill('Ann');
    await P('Ann').getByRole('button', { name: 'Add action' }).click();
    await untilText(host.getByTestId('retro-board'), /Set up a pairing rota · Ann/, 'action item');
    await untilText(screen.getByTestId('retro-board'), /Set up a pairing rota/, 'action on projector');
    await shot(host, 'host-retro');
  }],

  ['help board: a request is matched to an offer and they agree a next step', async () => {
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    const ann = P('Ann'), ben = P('Ben');
    await ann.locator('[data-testid=exercise][data-kind=help]').waitFor();
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
    await ben.getByText('You are helping Ann').waitFor();
    await ben.getByLabel('Next step').fill('Pair on Tuesday at 10');
    await ben.getByRole('button', { name: 'Save next step' }).click();
    await ann.getByText('Pair on Tuesday at 10').waitFor();
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
    for (const p of [...all(), screen]) {
      await untilText(p.getByTestId('kudos-wall'), /To the whole team\s*Great sprint, everyone\s*anonymous.*To Ann\s*Thanks for the demo!\s*from Ben/, 'kudos wall');
    }
    await shot(P('Ann'), 'participant-kudos');
    await shot(screen, 'screen-kudos');
    await shot(host, 'host-kudos');
  }],

  ['word cloud and scale: the cloud, and the distribution with mean and median', async () => {
    await addExercise('Word cloud', 'One word for this sprint', null);
    await addExercise('Scale', 'How was the pace?', async (f) => {
      await f.getByLabel('Label at the low end').fill('Too slow');
      await f.getByLabel('Label at the high end').fill('Too fast');
    });
    await nextExercise();
    await host.getByTestId('control').getByRole('button', { name: 'Open', exact: true }).click();
    for (const [who, words] of [['Ann', ['Trust', 'Focus']], ['Ben', ['trust ']], ['anon', ['Demos']]]) {
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
      await p.getByRole('radio', { name: v, exact: true }).check();
      if (who === 'Ann') await shot(p, 'participant-scale');
      await p.getByRole('button', { name: 'Send answer' }).click();
      await p.getByTestId('answered').waitFor();
    }
    await host.getByRole('button', { name: 'Show results' }).click();
    await untilText(screen.getByTestId('results'), /Mean: 4.*Median: 4/, 'scale statistics');
    await untilText(P('Ben').getByTestId('results'), /3\s*1 · 33%.*Mean: 4/, 'scale on phones');
    await shot(screen, 'screen-scale');
  }],

  ['"view as participant" previews the room as a test participant', async () => {
    await host.getByRole('button', { name: 'View as participant' }).click();
    await untilText(host.getByTestId('preview'), /How was the pace\?/, 'preview of the current exercise');
    await untilText(host.getByTestId('people'), /Preview/, 'test participant listed');
    await shot(host, 'host-preview');
    await host.getByRole('button', { name: 'Close preview' }).click();
    await until(async () => !/Preview/.test(await textOf(host.getByTestId('people'))), 'test participant removed');
  }],

  ['the facilitator locks joining, removes a participant and ends the room', async () => {
    await host.getByRole('button', { name: 'Lock joining' }).click();
    await host.getByRole('button', { name: 'Unlock joining' }).waitFor();
    const late = await newPage(await browser.newContext(phone), 'late');
    await late.goto(`${huddle.base}/j/${code}`);
    await late.getByRole('button', { name: 'Join' }).click();
    await untilText(late.getByRole('alert'), /not accepting new people/);
    host.once('dialog', (d) => d.accept());
    await host.getByRole('button', { name: 'Remove Unnamed participant' }).click();
    await P('anon').getByText('The facilitator removed you from this room.').waitFor();
    await untilText(host.getByTestId('people'), /2 of 2 online/);
    host.once('dialog', (d) => d.accept());
    await host.getByRole('button', { name: 'End the room' }).click();
    await P('Ann').getByText('This workshop has ended').waitFor();
    await P('Ben').getByText('This workshop has ended').waitFor();
    await host.getByText('This room has ended.').waitFor();
    await shot(P('Ann'), 'participant-ended');
  }],
];

let ok = false;
try {
  ok = await run(steps);
  if (errors.length) {
    console.log('Browser errors:\n  ' + errors.join('\n  '));
    ok = false;
  }
} finally {
  await browser.close().catch(() => {});
  await huddle.stop();
}
process.exit(ok ? 0 : 1);
