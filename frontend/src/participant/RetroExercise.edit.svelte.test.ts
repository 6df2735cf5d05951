import { describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';
import { RETRO_PHASES } from '../lib/types';

// One's own card edited on the phone: retro.card.edit, in the phases the
// protocol allows it (write, reveal, group; docs/protocol.md 8.7).
const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = (phase: string) => ({
  exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 2,
  revealed: phase !== 'write', cards: [], groups: [], items: [], dotsShown: false, actions: [],
});

/** Ann's phone with two cards of her own; each command sent waits for
 *  the test's answer (answer(err?)). pendingCommands: those the page was
 *  reloaded with, still waiting. */
function phone(phase = 'write', status = 'open', pendingCommands: object[] = [], cols = columns) {
  const sent: [string, any][] = [];
  let answer: (err?: Error) => void = () => {};
  const cards = [{ id: 'c1', column: 'start', text: 'Demos' }, { id: 'c2', column: 'stop', text: 'Long meetings' }];
  const session = $state({
    state: { ...emptyState(), states: { r1: board(phase) }, mine: { r1: { cards } } } as any,
    status: 'online',
    pendingCommands,
    send: (type: string, data: any) => new Promise((resolve, reject) => {
      sent.push([type, data]);
      answer = (err) => (err ? reject(err) : resolve({}));
    }),
  });
  const props = $state({ session, ex: { id: 'r1', kind: 'retro', title: 'Sprint', status, phase, retro: { columns: cols, dots: 2, maxPerItem: 1 } } as any });
  const target = show(RetroExercise, props);
  const q = <T extends Element>(sel: string) => target.querySelector<T>(sel);
  const button = (name: string) => q<HTMLButtonElement>(`button[aria-label="${name}"]`);
  const box = () => q<HTMLTextAreaElement>('[data-testid=my-cards] textarea');
  const type = (text: string) => {
    box()!.value = text;
    box()!.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  };
  const click = async (el: HTMLElement | null) => {
    el!.dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
  };
  const save = async () => {
    box()!.form!.requestSubmit();
    await settle();
  };
  const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
  return { target, session, props, sent, q, button, box, type, click, save, listed, answer: (err?: Error) => answer(err) };
}

describe('a card of one\'s own, edited', () => {
  it('has an Edit button beside its Delete, named by the card, which opens a box of the card\'s limit, focused', async () => {
    const p = phone();
    const edit = p.button('Edit: Demos')!;
    expect(edit).not.toBeNull();
    expect(edit.nextElementSibling?.getAttribute('aria-label')).toBe('Delete: Demos');
    await p.click(edit);
    const box = p.box()!;
    expect(box.value).toBe('Demos');
    expect(document.activeElement).toBe(box);
    box.blur(); // focused, it holds one unit more, for an emoji (lib/maxchars.ts)
    expect(box.maxLength).toBe(500);
    expect(document.querySelector(`label[for="${box.id}"]`)?.textContent).toBe('New text for this card');
    // The same counter as a new card's, near the limit.
    p.type('x'.repeat(420));
    const count = p.q('[data-testid=my-cards] [data-testid=char-count]')!;
    expect(count.textContent).toBe('420 / 500');
    expect(box.getAttribute('aria-describedby')).toBe(count.id);
  });

  it('is sent, shown changed at once, and the focus goes back to its Edit button', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    p.type('  Demos on Fridays ');
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos on Fridays' }]]);
    expect(p.box()).toBeNull();
    expect(p.listed()).toEqual(['Start Demos on Fridays Sending… Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(document.activeElement).toBe(p.button('Edit: Demos on Fridays'));
    // The card comes back changed (its private event), and the answer.
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos on Fridays' }, { id: 'c2', column: 'stop', text: 'Long meetings' }] } } };
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Start Demos on Fridays Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(p.q('[data-testid=edit-error]')).toBeNull();
  });

  it('is not sent when nothing changed', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    await p.save();
    expect(p.sent).toEqual([]);
    expect(document.activeElement).toBe(p.button('Edit: Demos'));
  });

  it('emptied, keeps Save enabled: pressed, it says what is missing at the box, which takes the focus, and sends nothing', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    p.type('   ');
    const save = [...p.target.querySelectorAll<HTMLButtonElement>('[data-testid=my-cards] button')].find((b) => b.textContent === 'Save')!;
    expect(save.disabled).toBe(false);
    save.focus();
    save.click();
    await settle();
    expect(p.sent).toEqual([]);
    const box = p.box()!;
    const error = p.q('[data-testid=edit-missing]')!;
    expect(error.textContent).toBe('Type the card’s new text, or delete the card.');
    expect(error.getAttribute('role')).toBe('alert');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')!.split(' ')).toEqual([error.id, 'edit-count-r1']);
    expect(document.activeElement).toBe(box);
    // Typing takes the error away; given up, the card keeps its text.
    p.type('Demo');
    expect(p.q('[data-testid=edit-missing]')).toBeNull();
    expect(box.hasAttribute('aria-invalid')).toBe(false);
    expect(box.getAttribute('aria-describedby')).toBe('edit-count-r1');
    p.type('');
    await p.save();
    expect(p.q('[data-testid=edit-missing]')).not.toBeNull();
    p.box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(p.sent).toEqual([]);
    expect(p.listed()).toEqual(['Start Demos Edit Delete', 'Stop Long meetings Edit Delete']);
    // Opened again, the box says nothing is missing.
    await p.click(p.button('Edit: Demos'));
    expect(p.q('[data-testid=edit-missing]')).toBeNull();
  });

  it('emptied and saved, offers to delete the card instead, and the card\'s Delete does it', async () => {
    const p = phone();
    await p.click(p.button('Edit: Long meetings'));
    expect(p.q('[data-testid=my-cards] form button[aria-label="Delete: Long meetings"]')).toBeNull();
    p.type('');
    await p.save();
    const del = p.q<HTMLButtonElement>('[data-testid=my-cards] form button[aria-label="Delete: Long meetings"]')!;
    expect(del.textContent).toBe('Delete');
    expect(del.type).toBe('button');
    await p.click(del);
    expect(p.sent).toEqual([['retro.card.delete', { exercise: 'r1', card: 'c2' }]]);
    expect(p.box()).toBeNull();
    // The card goes once the board comes back without it.
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos' }] } } };
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Start Demos Edit Delete']);
  });

  it('is given up with Escape or Cancel, nothing sent, the focus back on its Edit button', async () => {
    const p = phone();
    await p.click(p.button('Edit: Long meetings'));
    p.type('Shorter meetings');
    p.box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(p.box()).toBeNull();
    expect(p.listed()).toEqual(['Start Demos Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(document.activeElement).toBe(p.button('Edit: Long meetings'));
    await p.click(p.button('Edit: Long meetings'));
    await p.click([...p.target.querySelectorAll<HTMLButtonElement>('[data-testid=my-cards] button')].find((b) => b.textContent === 'Cancel')!);
    expect(p.box()).toBeNull();
    expect(document.activeElement).toBe(p.button('Edit: Long meetings'));
    expect(p.sent).toEqual([]);
  });

  it('refused, shows the card as it was, says why, and gives back what was typed', async () => {
    const p = phone('reveal');
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.save();
    p.answer(new CommandError('rate_limited', 'slow down'));
    await settle();
    expect(p.q('[data-testid=edit-error]')!.textContent).toBe('Your change to “Demos” was not saved. Too many at once. Trying again…');
    expect(p.q('[data-testid=edit-error]')!.getAttribute('role')).toBe('alert');
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(document.activeElement).toBe(p.box());
    expect(p.listed()[1]).toBe('Stop Long meetings Edit Delete');
  });

  it('refused because the room moved on to the vote, says so once the cards are gone', async () => {
    const p = phone('group');
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.save();
    p.props.ex = { ...p.props.ex, phase: 'vote' };
    p.session.state = { ...p.session.state, states: { r1: board('vote') } };
    await settle();
    p.answer(new CommandError('wrong_phase', 'cards are edited only in the write or reveal or group phase'));
    await settle();
    expect(p.q('[data-testid=my-cards]')).toBeNull();
    expect(p.q('[data-testid=edit-error]')!.textContent)
      .toBe('Your change to “Demos” was not saved. Cards are edited only in the write or reveal or group phase.');
  });

  it('just after the card was added, does not make the card seem to wait again', async () => {
    const p = phone();
    const add = p.q<HTMLTextAreaElement>('#card-r1')!;
    add.value = 'Pairing';
    add.dispatchEvent(new Event('input', { bubbles: true }));
    add.form!.requestSubmit();
    await settle();
    const taken = (text: string) => ({ id: 'c3', column: 'start', text });
    p.session.state = { ...p.session.state, mine: { r1: { cards: [...p.session.state.mine.r1.cards.slice(0, 2), taken('Pairing')] } } };
    p.answer();
    await settle();
    expect(p.listed()[2]).toBe('Start Pairing Edit Delete');
    // Edited within the few seconds a card added is looked for.
    await p.click(p.button('Edit: Pairing'));
    p.type('Pairing on bugs');
    await p.save();
    p.session.state = { ...p.session.state, mine: { r1: { cards: [...p.session.state.mine.r1.cards.slice(0, 2), taken('Pairing on bugs')] } } };
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Start Demos Edit Delete', 'Stop Long meetings Edit Delete', 'Start Pairing on bugs Edit Delete']);
  });

  it('is offered only where the protocol allows it: write, reveal and group, while the retro is open', () => {
    const offered: string[] = [];
    for (const status of ['open', 'closed', 'results']) {
      for (const phase of RETRO_PHASES) {
        const p = phone(phase, status);
        if (p.button('Edit: Demos')) offered.push(`${status} ${phase}`);
      }
    }
    expect(offered).toEqual(['open write', 'open reveal', 'open group']);
  });
});

describe('Edit tapped on another card while a change is open', () => {
  it('keeps the change: its box stays, with what was typed, takes the focus back and says to save or cancel first', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.click(p.button('Edit: Long meetings'));
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(p.q('[data-testid=my-cards] li')!.contains(p.box())).toBe(true); // Demos' box
    expect(document.activeElement).toBe(p.box());
    const hold = p.q('[data-testid=edit-hold]')!;
    expect(hold.textContent).toBe('Save or cancel your change to “Demos” first.');
    expect(hold.getAttribute('role')).toBe('alert');
    expect(p.box()!.getAttribute('aria-describedby')!.split(' ')).toContain(hold.id);
    expect(p.sent).toEqual([]);
    // Saved: the other card's Edit opens its box, the words said gone.
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos on Fridays' }]]);
    expect(p.q('[data-testid=edit-hold]')).toBeNull();
    await p.click(p.button('Edit: Long meetings'));
    expect(p.box()!.value).toBe('Long meetings');
    expect(p.q('[data-testid=edit-hold]')).toBeNull();
  });

  it('with a column chosen, keeps it too', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    choices(p).Stop.click();
    await settle();
    await p.click(p.button('Edit: Long meetings'));
    expect(choices(p).Stop.checked).toBe(true);
    expect(p.box()!.value).toBe('Demos');
    expect(p.q('[data-testid=edit-hold]')).not.toBeNull();
  });

  it('when nothing was changed, just opens the other card', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    await p.click(p.button('Edit: Long meetings'));
    expect(p.box()!.value).toBe('Long meetings');
    expect(document.activeElement).toBe(p.box());
    expect(p.q('[data-testid=edit-hold]')).toBeNull();
  });

  it('once the change is cancelled, opens the other card', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.click(p.button('Edit: Long meetings'));
    p.box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    await p.click(p.button('Edit: Long meetings'));
    expect(p.box()!.value).toBe('Long meetings');
    expect(p.q('[data-testid=edit-hold]')).toBeNull();
    expect(p.sent).toEqual([]);
  });
});

/** The column choices of the card's edit box: title → radio. */
const choices = (p: ReturnType<typeof phone>) =>
  Object.fromEntries([...p.target.querySelectorAll<HTMLInputElement>('[data-testid=edit-column] input[type=radio]')]
    .map((r) => [r.closest('label')!.textContent!.trim(), r]));
const mineNow = (p: ReturnType<typeof phone>, cards: object[]) => {
  p.session.state = { ...p.session.state, mine: { r1: { cards } } };
};

describe('a card of one\'s own, moved to another column', () => {
  it('is offered with its edit: the retro\'s columns, one tap each, its own chosen, in a group named "Column"', async () => {
    const p = phone('reveal');
    await p.click(p.button('Edit: Long meetings'));
    const radios = choices(p);
    expect(Object.keys(radios)).toEqual(['Start', 'Stop']);
    expect(radios.Stop.checked).toBe(true);
    expect(radios.Start.checked).toBe(false);
    const group = p.q('[data-testid=edit-column]')!;
    expect(group.tagName).toBe('FIELDSET');
    expect(group.querySelector('legend')!.textContent).toBe('Column');
    // The box still has the focus, and Escape from a column gives up.
    expect(document.activeElement).toBe(p.box());
    radios.Start.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(p.box()).toBeNull();
    expect(p.sent).toEqual([]);
  });

  it('is sent with its column, listed in the new one at once, and stays there once the card comes back moved', async () => {
    const p = phone('group');
    await p.click(p.button('Edit: Demos'));
    choices(p).Stop.click();
    await settle();
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos', column: 'stop' }]]);
    expect(p.listed()).toEqual(['Stop Demos Sending… Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(document.activeElement).toBe(p.button('Edit: Demos'));
    // Its private event, with the card moved; then the answer.
    mineNow(p, [{ id: 'c1', column: 'stop', text: 'Demos' }, { id: 'c2', column: 'stop', text: 'Long meetings' }]);
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Stop Demos Edit Delete', 'Stop Long meetings Edit Delete']);
    // Opened again, the box has the column the card is in now.
    await p.click(p.button('Edit: Demos'));
    expect(choices(p).Stop.checked).toBe(true);
  });

  it('is sent with its new text and column together', async () => {
    const p = phone();
    await p.click(p.button('Edit: Long meetings'));
    p.type('Shorter meetings');
    choices(p).Start.click();
    await settle();
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c2', text: 'Shorter meetings', column: 'start' }]]);
    expect(p.listed()[1]).toBe('Start Shorter meetings Sending… Edit Delete');
  });

  it('moved back while the move is on its way, is sent with its column (the edits are taken in order), waiting like any edit', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    choices(p).Stop.click();
    await settle();
    await p.save();
    await p.click(p.button('Edit: Demos'));
    expect(choices(p).Stop.checked).toBe(true);
    choices(p).Start.click();
    await settle();
    await p.save();
    expect(p.sent[1]).toEqual(['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos', column: 'start' }]);
    expect(p.listed()[0]).toBe('Start Demos Sending… Edit Delete');
  });

  it('refused, is shown in its column again, and the box comes back with the column chosen', async () => {
    const p = phone('reveal');
    await p.click(p.button('Edit: Demos'));
    choices(p).Stop.click();
    await settle();
    await p.save();
    p.answer(new CommandError('invalid', 'unknown column', 'column'));
    await settle();
    expect(p.q('[data-testid=edit-error]')!.textContent).toContain('Your change to “Demos” was not saved.');
    expect(p.box()!.value).toBe('Demos');
    expect(choices(p).Stop.checked).toBe(true);
    expect(p.listed()[1]).toBe('Stop Long meetings Edit Delete');
    expect(p.q('[data-testid=my-cards] li .badge')!.textContent).toBe('Start');
  });

  it('is not offered in a retro of one column', async () => {
    const p = phone('write', 'open', [], [columns[0]]);
    await p.click(p.button('Edit: Demos'));
    expect(p.box()).not.toBeNull();
    expect(p.q('[data-testid=edit-column]')).toBeNull();
  });
});

describe('an edit still waiting when the page was reloaded', () => {
  const edit = { id: 'e-7', type: 'retro.card.edit', data: { exercise: 'r1', card: 'c1', text: 'Demos on Fridays', column: 'stop' } };
  const elsewhere = { id: 'e-8', type: 'retro.card.edit', data: { exercise: 'r9', card: 'c2', text: 'Elsewhere' } };

  it('is listed from its stored command, marked as waiting, until its card comes back with it', async () => {
    const p = phone('write', 'open', [edit, elsewhere]);
    expect(p.listed()).toEqual(['Stop Demos on Fridays Sending… Edit Delete', 'Stop Long meetings Edit Delete']);
    // Offline (a drop says so only after a grace: RetroExercise.svelte.test.ts).
    p.session.status = 'stopped';
    await settle();
    expect(p.listed()[0]).toBe('Stop Demos on Fridays Waiting to be sent Edit Delete');
    // Edited again meanwhile, the box starts from it.
    await p.click(p.button('Edit: Demos on Fridays'));
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(choices(p).Stop.checked).toBe(true);
    p.box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    // Sent again once online and taken: the card itself says it.
    p.session.status = 'online';
    mineNow(p, [{ id: 'c1', column: 'stop', text: 'Demos on Fridays' }, { id: 'c2', column: 'stop', text: 'Long meetings' }]);
    p.session.pendingCommands = [elsewhere];
    await settle();
    expect(p.listed()).toEqual(['Stop Demos on Fridays Edit Delete', 'Stop Long meetings Edit Delete']);
  });

  it('answered before its card came, is no longer marked as waiting, and once refused shows the card as it is', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'], shouldAdvanceTime: true });
    try {
      const p = phone('write', 'open', [{ ...edit, data: { exercise: 'r1', card: 'c1', text: 'Demos on Fridays' } }]);
      expect(p.listed()[0]).toBe('Start Demos on Fridays Sending… Edit Delete');
      p.session.pendingCommands = []; // answered: refused (the room's notice says so), the card unchanged
      await settle();
      expect(p.listed()[0]).toBe('Start Demos on Fridays Edit Delete');
      vi.advanceTimersByTime(3000);
      await settle();
      expect(p.listed()[0]).toBe('Start Demos Edit Delete');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('an edit being typed when the phase moves on', () => {
  /** Ann typing "Demos on Fridays" over her card "Demos", in phase. */
  async function typing(phase: string) {
    const p = phone(phase);
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    return p;
  }
  const moveTo = async (p: ReturnType<typeof phone>, phase: string, status = 'open') => {
    p.props.ex = { ...p.props.ex, phase, status };
    p.session.state = { ...p.session.state, states: { r1: board(phase) } };
    await settle();
  };
  const kept = (p: ReturnType<typeof phone>) => p.q('[data-testid=edit-kept]');

  it('stays open with what was typed, and the focus, where cards can still be edited', async () => {
    const p = await typing('write');
    await moveTo(p, 'reveal');
    await moveTo(p, 'group');
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(document.activeElement).toBe(p.box());
    expect(kept(p)).toBeNull();
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos on Fridays' }]]);
  });

  it('where they can no longer be, closes, sends nothing, and says so with what was typed, the focus on what it says', async () => {
    const p = await typing('group');
    await moveTo(p, 'vote');
    expect(p.box()).toBeNull();
    expect(p.sent).toEqual([]);
    const note = kept(p)!;
    const says = note.querySelector('p')!;
    expect(says.textContent).toBe('Cards can no longer be edited, so your change to “Demos” was not sent. What you typed is below, to copy.');
    expect(document.activeElement).toBe(says);
    const copy = note.querySelector('textarea')!;
    expect(copy.readOnly).toBe(true);
    expect(copy.value).toBe('Demos on Fridays');
    expect(document.querySelector(`label[for="${copy.id}"]`)?.textContent).toBe('What you typed');
    // Nothing to edit in the vote: only OK, which puts the focus on the phase's words.
    const buttons = [...note.querySelectorAll('button')].map((b) => b.textContent);
    expect(buttons).toEqual(['OK']);
    await p.click(note.querySelector('button'));
    expect(kept(p)).toBeNull();
    expect(document.activeElement?.textContent).toBe('Place your dots on what matters most.');
  });

  it('is kept through the vote, and can be edited again once the board is back to grouping', async () => {
    const p = await typing('group');
    choices(p).Stop.click();
    await settle();
    await moveTo(p, 'vote');
    await moveTo(p, 'group');
    const again = [...kept(p)!.querySelectorAll('button')].find((b) => b.textContent === 'Edit again')!;
    await p.click(again);
    expect(kept(p)).toBeNull();
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(choices(p).Stop.checked).toBe(true);
    expect(document.activeElement).toBe(p.box());
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos on Fridays', column: 'stop' }]]);
  });

  it('kept twice, keeps both: a second does not take the first\'s place, and Edit again waits while another box is open', async () => {
    const p = await typing('group');
    await moveTo(p, 'vote');
    await moveTo(p, 'group');
    await p.click(p.button('Edit: Long meetings'));
    p.type('Shorter meetings');
    const notes = () => [...p.target.querySelectorAll('[data-testid=edit-kept]')];
    expect(notes()[0].querySelectorAll('button').length).toBe(1); // OK only: a box is open
    await moveTo(p, 'vote');
    expect(notes().map((n) => n.querySelector('textarea')!.value)).toEqual(['Demos on Fridays', 'Shorter meetings']);
    expect(document.activeElement).toBe(notes()[1].querySelector('p'));
    await p.click(notes()[0].querySelector('button'));
    expect(notes().map((n) => n.querySelector('textarea')!.value)).toEqual(['Shorter meetings']);
  });

  it('also when the retro closes', async () => {
    const p = await typing('reveal');
    await moveTo(p, 'reveal', 'closed');
    expect(kept(p)!.querySelector('textarea')!.value).toBe('Demos on Fridays');
  });

  it('with nothing changed, just closes', async () => {
    const p = phone('group');
    await p.click(p.button('Edit: Demos'));
    await moveTo(p, 'vote');
    expect(p.box()).toBeNull();
    expect(kept(p)).toBeNull();
  });

  it('whose card the facilitator deleted, says so, with what was typed', async () => {
    const p = await typing('group');
    mineNow(p, [{ id: 'c2', column: 'stop', text: 'Long meetings' }]);
    await settle();
    expect(p.box()).toBeNull();
    const says = kept(p)!.querySelector('p')!;
    expect(says.textContent).toBe('“Demos” was deleted, so your change was not sent. What you typed is below, to copy.');
    expect(document.activeElement).toBe(says);
    expect(kept(p)!.querySelector('textarea')!.value).toBe('Demos on Fridays');
    expect([...kept(p)!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['OK']);
  });
});
