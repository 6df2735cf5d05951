import { afterEach, describe, expect, it, vi } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroControl from './RetroControl.svelte';
import { emptyState } from '../lib/reducer';

const columns = [{ id: 'stop', title: 'Stop' }];
const cards = [{ id: 'c1', column: 'stop', text: 'Meetings' }, { id: 'c2', column: 'stop', text: 'Standups' }];
const view = (phase: string, extra: object = {}) => ({
  exercise: 'x1', status: 'open', phase, dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 2 }], written: 2, revealed: true,
  cards, groups: [], items: [{ id: 'c1', kind: 'card', dots: 2 }, { id: 'c2', kind: 'card', dots: 1 }], dotsShown: phase !== 'group', actions: [], ...extra,
});

/** The console's retro in `phase`, the room's state changed by the test. */
function console_(phase: string, answer: (type: string, data: any) => object = () => ({})) {
  const session = $state({ state: { ...emptyState(), states: { x1: view(phase) } } as any, status: 'online', send: async (type: string, data: any) => answer(type, data) });
  const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns } } as any);
  const target = show(RetroControl, { session, ex });
  return { target, session, ex };
}

describe('RetroControl keeps the keyboard where it was', () => {
  it('after "Group selected cards": in the title box, then on the new group', async () => {
    const { target, session } = console_('group', () => ({ group: 'g1' }));
    for (const c of target.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) c.click();
    await settle();
    const button = [...target.querySelectorAll('button')].find((b) => b.textContent!.startsWith('Group'))!;
    expect(button.textContent).toBe('Group selected cards (2)');
    button.focus();
    button.click();
    await settle();
    expect(document.activeElement).toBe(target.querySelector('#gt-x1'));
    // The room's next state brings the group.
    session.state = { ...session.state, states: { x1: view('group', { groups: [{ id: 'g1', title: 'Meetings', cards: ['c1', 'c2'] }], cards: cards.map((c) => ({ ...c, group: 'g1' })), items: [{ id: 'g1', kind: 'group' }] }) } };
    await settle();
    expect(document.activeElement).toBe(target.querySelector('[data-group=g1] .rename'));
  });

  it('after "Group selected cards": leaves the focus where the facilitator moved it meanwhile', async () => {
    const { target, session } = console_('group', () => ({ group: 'g1' }));
    for (const c of target.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) c.click();
    await settle();
    [...target.querySelectorAll('button')].find((b) => b.textContent!.startsWith('Group'))!.click();
    await settle();
    const elsewhere = [...target.querySelectorAll<HTMLButtonElement>('button')].find((b) => !b.disabled && !b.closest('[data-group]') && !b.closest('.card'))!;
    elsewhere.focus();
    session.state = { ...session.state, states: { x1: view('group', { groups: [{ id: 'g1', title: 'Meetings', cards: ['c1', 'c2'] }], cards: cards.map((c) => ({ ...c, group: 'g1' })), items: [{ id: 'g1', kind: 'group' }] }) } };
    await settle();
    expect(document.activeElement).toBe(elsewhere);
  });

  it('after "Discuss this": on the same item\'s button', async () => {
    const { target, session, ex } = console_('discuss', (_type, data) => {
      ex.focus = data.item;
      session.state = { ...session.state, states: { x1: view('discuss', { focus: data.item }) } };
      return {};
    });
    const discuss = target.querySelectorAll<HTMLButtonElement>('.focus-list button')[1];
    discuss.focus();
    discuss.click();
    await settle();
    expect(document.activeElement).toBe(target.querySelectorAll('.focus-list button')[1]);
    expect(document.activeElement!.textContent).toBe('Clear focus');
  });
});

/** The console's retro, with every command it sends kept in `sent`. */
function recording(phase: string, extra: object = {}, exExtra: object = {}) {
  const sent: [string, any][] = [];
  const session = $state({
    state: { ...emptyState(), states: { x1: view(phase, extra) } } as any, status: 'online',
    send: async (type: string, data: any) => { sent.push([type, data]); return type === 'retro.group' ? { group: 'g1' } : {}; },
  });
  const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns }, ...exExtra } as any);
  const target = show(RetroControl, { session, ex });
  const button = (text: string) => [...target.querySelectorAll('button')].find((b) => b.textContent!.includes(text))!;
  return { target, sent, button };
}

describe('RetroControl going back from the vote', () => {
  afterEach(() => vi.unstubAllGlobals());
  const voting = { dotsShown: false, dotsPlaced: 15 };

  it('says first that going back clears the dots placed, and stays when told to', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const { sent, button } = recording('vote', voting);
    button('3. Group').click();
    await settle();
    expect(confirm).toHaveBeenCalledOnce();
    expect((confirm.mock.calls[0] as unknown as [string])[0]).toContain('Going back to Group clears the 15 dots placed so far');
    expect(sent).toEqual([]);
  });

  it('goes back once confirmed', async () => {
    vi.stubGlobal('confirm', vi.fn(() => true));
    const { sent, button } = recording('vote', voting);
    button('1. Write').click();
    await settle();
    expect(sent).toEqual([['retro.phase', { exercise: 'x1', phase: 'write' }]]);
  });

  for (const [what, phase, extra, exExtra] of [
    ['going forward', 'Next: Discuss', voting, {}],
    ['with no dot placed', '3. Group', { ...voting, dotsPlaced: 0 }, {}],
    // Results shown during the vote: the server keeps the totals.
    ['once the totals were shown', '3. Group', voting, { dotsFinal: true }],
  ] as const) {
    it(`asks nothing ${what}`, async () => {
      const confirm = vi.fn(() => false);
      vi.stubGlobal('confirm', confirm);
      const { sent, button } = recording('vote', extra, exExtra);
      button(phase).click();
      await settle();
      expect(confirm).not.toHaveBeenCalled();
      expect(sent).toHaveLength(1);
    });
  }
});

describe('RetroControl speaks to the facilitator', () => {
  it('says what people are doing while they write', () => {
    const { target } = recording('write', { revealed: false, cards: [], items: [] });
    const help = target.querySelector('[data-testid=phase-help]')!.textContent!;
    expect(help).toContain('until you reveal them');
    expect(help).not.toMatch(/\bOnly you\b|\byours\b/);
  });
});

describe('RetroControl grouping', () => {
  it('groups the selected cards when Enter is pressed in the group name', async () => {
    const { target, sent } = recording('group');
    for (const c of target.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) c.click();
    await settle();
    const name = target.querySelector<HTMLInputElement>('#gt-x1')!;
    name.value = 'Rituals';
    name.dispatchEvent(new Event('input'));
    // Enter in a text field submits its form (implicit submission).
    name.form!.requestSubmit();
    await settle();
    expect(sent).toEqual([['retro.group', { exercise: 'x1', cards: ['c1', 'c2'], title: 'Rituals' }]]);
  });
});

describe('RetroControl once the dot totals were shown', () => {
  const grouping = { dotsShown: false };

  it('gone back to grouping: offers no vote, says why, and "Next" goes on to Discuss', async () => {
    const { target, sent, button } = recording('group', grouping, { dotsFinal: true });
    const vote = button('4. Vote');
    expect(vote.getAttribute('aria-disabled')).toBe('true');
    expect(target.querySelector(`#${vote.getAttribute('aria-describedby')}`)!.textContent).toContain('The vote does not run again');
    expect(target.querySelector('[data-testid=vote-over]')!.textContent).toContain('“Next” goes on to Discuss');
    const next = target.querySelector<HTMLButtonElement>('[data-testid=next-phase]')!;
    expect(next.textContent).toBe('Next: Discuss');
    next.click();
    await settle();
    expect(sent).toEqual([['retro.phase', { exercise: 'x1', phase: 'discuss' }]]);
  });

  it('gone back to grouping: says the dots follow the cards', () => {
    const { target } = recording('group', grouping, { dotsFinal: true });
    expect(target.querySelector('[data-testid=dots-follow]')!.textContent).toContain('The dots follow the cards');
    expect(recording('group', grouping).target.querySelector('[data-testid=dots-follow]')).toBeNull();
    expect(recording('reveal', grouping, { dotsFinal: true }).target.querySelector('[data-testid=dots-follow]')).toBeNull();
  });

  it('from the reveal, "Next" is still Group', () => {
    const { target } = recording('reveal', grouping, { dotsFinal: true });
    expect(target.querySelector('[data-testid=next-phase]')!.textContent).toBe('Next: Group');
    expect(target.querySelector('[data-testid=vote-over]')).not.toBeNull();
  });

  it('in the discussion: the vote is not offered, nor said to be skipped', () => {
    const { target, button } = recording('discuss', {}, { dotsFinal: true });
    expect(button('4. Vote').getAttribute('aria-disabled')).toBe('true');
    expect(target.querySelector('[data-testid=vote-over]')).toBeNull();
  });

  it('before the totals were shown, the vote is offered as ever', () => {
    const { target, button } = recording('group', grouping);
    expect(button('4. Vote').hasAttribute('aria-disabled')).toBe(false);
    expect(target.querySelector('[data-testid=next-phase]')!.textContent).toBe('Next: Vote');
    expect(target.querySelector('[data-testid=vote-over]')).toBeNull();
  });
});

describe('RetroControl when the server refuses a step', () => {
  it("shows the server's reason, not a generic one", async () => {
    const { CommandError } = await import('../lib/client');
    const session = $state({
      state: { ...emptyState(), states: { x1: view('group', { dotsShown: false }) } } as any, status: 'online',
      send: async () => { throw new CommandError('wrong_phase', 'the dot totals have been shown, so the vote cannot start again: new dots would show who placed them', 'phase'); },
    });
    // The console has not heard yet that the totals were shown.
    const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'group', retro: { columns } } as any);
    const target = show(RetroControl, { session, ex });
    target.querySelector<HTMLButtonElement>('[data-testid=next-phase]')!.click();
    await settle();
    expect(target.querySelector('[role=alert]')!.textContent).toBe('The dot totals have been shown, so the vote cannot start again: new dots would show who placed them.');
  });
});

describe('RetroControl keeps the focus when a button goes (WCAG 2.4.3)', () => {
  // The last step has no "Next": the button went and the focus with it.
  it('after "Next: Actions": on the step now current', async () => {
    const { target, session, ex } = console_('discuss', (_type, data) => {
      ex.phase = data.phase;
      session.state = { ...session.state, states: { x1: view(data.phase) } };
      return {};
    });
    const next = target.querySelector<HTMLButtonElement>('[data-testid=next-phase]')!;
    expect(next.textContent).toBe('Next: Actions');
    next.focus();
    next.dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    await settle();
    expect(target.querySelector('[data-testid=next-phase]')).toBeNull();
    expect(document.activeElement).toBe(target.querySelector('.phases [aria-current=step]'));
    expect(document.activeElement!.textContent).toContain('Actions');
  });

  it("after deleting an action: on the next action's ✕, else the Action field", async () => {
    const actions = [{ id: 'a1', text: 'Pair more', done: false }, { id: 'a2', text: 'Demo', done: false }];
    const { target, session } = console_('actions', (_type, data) => {
      const left = (session.state.states.x1.actions as { id: string }[]).filter((a) => a.id !== data.action);
      session.state = { ...session.state, states: { x1: view('actions', { actions: left }) } };
      return {};
    });
    session.state = { ...session.state, states: { x1: view('actions', { actions }) } };
    await settle();
    const del = (text: string) => target.querySelector<HTMLButtonElement>(`[aria-label="Delete: ${text}"]`)!;
    del('Pair more').focus();
    del('Pair more').dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    await settle();
    expect(document.activeElement).toBe(del('Demo'));
    del('Demo').dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    await settle();
    expect(document.activeElement).toBe(target.querySelector('#ra-x1'));
  });
});

describe('RetroControl names what its fields and buttons are for', () => {
  // Placeholders alone went with the first letter typed (WCAG 3.3.2).
  it('shows the labels of an action and of a group name', () => {
    const { target } = console_('actions');
    for (const [id, words] of [['ra-x1', 'Action'], ['ro-x1', 'Owner (optional)'], ['rd-x1', 'Due date (optional)']]) {
      const label = target.querySelector(`label[for=${id}]`)!;
      expect(label.classList.contains('sr-only')).toBe(false);
      expect(label.textContent!.replace(/\s+/g, ' ').trim()).toBe(words);
      expect(target.querySelector(`#${id}`)!.hasAttribute('placeholder')).toBe(false);
    }
    const grouping = console_('group').target;
    expect(grouping.querySelector('label[for=gt-x1]')!.classList.contains('sr-only')).toBe(false);
  });

  it('names each "Discuss this" with its item', () => {
    const { target } = console_('discuss');
    expect([...target.querySelectorAll('.focus-list button')].map((b) => b.getAttribute('aria-label'))).toEqual(['Discuss this: “Meetings”', 'Discuss this: “Standups”']);
  });
});

// Chromium takes the focus from a control disabled under it: the
// keyboard started again at the top of the console. The steps and
// "Group selected cards" are off (aria-disabled) but keep the focus, and
// say why they are off; a press does nothing.
describe('RetroControl controls that are off keep the focus and say why', () => {
  const press = (b: Element) => b.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));

  it('a phase step under the focus when the retro closes', async () => {
    const sent: string[] = [];
    const session = $state({ state: { ...emptyState(), states: { x1: view('discuss') } } as any, status: 'online', send: async (type: string) => { sent.push(type); return {}; } });
    const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'discuss', retro: { columns } } as any);
    const target = show(RetroControl, { session, ex });
    const step = [...target.querySelectorAll('button')].find((b) => b.textContent === '6. Actions')!;
    step.focus();
    ex.status = 'closed';
    await settle();
    expect(step.isConnected).toBe(true);
    expect(step.disabled).toBe(false);
    expect(step.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(step);
    expect(target.querySelector(`#${step.getAttribute('aria-describedby')}`)!.textContent).toBe('Phases move only while the retro is open.');
    press(step);
    await settle();
    expect(sent).toEqual([]);
    ex.status = 'open';
    await settle();
    expect(step.hasAttribute('aria-disabled')).toBe(false);
    expect(step.hasAttribute('aria-describedby')).toBe(false);
  });

  it('"Group selected cards" with nothing selected', async () => {
    const { target, sent } = recording('group');
    const group = [...target.querySelectorAll('button')].find((b) => b.textContent!.startsWith('Group selected'))!;
    expect(group.disabled).toBe(false);
    expect(group.getAttribute('aria-disabled')).toBe('true');
    const why = target.querySelector(`#${group.getAttribute('aria-describedby')}`)!;
    expect(why.textContent).toBe('Select cards on the board first.');
    group.focus();
    press(group);
    await settle();
    expect(sent).toEqual([]);
    expect(document.activeElement).toBe(group);
    target.querySelector<HTMLInputElement>('input[type=checkbox]')!.click();
    await settle();
    expect(group.hasAttribute('aria-disabled')).toBe(false);
    expect(group.hasAttribute('aria-describedby')).toBe(false);
    expect(target.querySelector('#gh-x1')).toBeNull();
  });
});
