// The exercise shown changing under the phone (closed, opened again, its
// results shown), the room ending, this person removed, the room opened
// elsewhere with the same token: where the focus
// goes, and what is said, once (WCAG 2.4.3, 4.1.3).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { lazyParts } from './lazyparts';
import { ev, FakeWS, welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { phoneWith } from '../test/phone';

afterEach(() => vi.unstubAllGlobals());
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

const poll = (status = 'open') => ({ id: 'e1', kind: 'poll', title: 'Lunch?', status,
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }] });
const text = (status = 'open') => ({ id: 'e1', kind: 'text', title: 'Ideas', status });
const help = (status = 'open') => ({ id: 'e1', kind: 'help', title: 'Help wanted', status });
const helpView = (status = 'open') => ({ exercise: 'e1', status, counts: { open: 0, matched: 0, resolved: 0 }, requests: [] });

const said = (target: HTMLElement) => target.querySelector('[data-testid=said]')!.textContent;
const title = (target: HTMLElement) => target.querySelector('#ex-title') as HTMLElement;

describe('an exercise closed or opened again under the phone', () => {
  it('moves the focus from the open-text box that went to the title, which says voting has closed, once', async () => {
    const { target, ws } = await phoneWith(text());
    const box = target.querySelector('textarea')!;
    box.focus();
    ws.receive(ev(2, 'exercise.updated', text('closed')));
    await settle();
    expect(target.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(title(target));
    expect(title(target).getAttribute('aria-label')).toBe('Voting has closed. “Ideas”');
    expect(said(target)).toBe(''); // said by the title, not twice
    title(target).blur();
    await settle();
    expect(title(target).getAttribute('aria-label')).toBeNull();
  });

  it('keeps the focus on the title when a poll closes, then opens again, saying each', async () => {
    const { target, ws } = await phoneWith(poll());
    (target.querySelector('input[value=a]') as HTMLInputElement).focus();
    ws.receive(ev(2, 'exercise.updated', poll('closed')));
    await settle();
    expect(document.activeElement).toBe(title(target));
    expect(title(target).getAttribute('aria-label')).toBe('Voting has closed. “Lunch?”');
    // Opened again, the focus still on the title: the live region says it.
    ws.receive(ev(3, 'exercise.updated', poll('open')));
    await settle();
    expect(document.activeElement).toBe(title(target));
    expect(said(target)).toBe('Voting is open again.');
    // From a poll option again, closed with the results shown.
    (target.querySelector('input[value=b]') as HTMLInputElement).focus();
    ws.receive(ev(4, 'exercise.updated', poll('results')));
    await settle();
    expect(document.activeElement).toBe(title(target));
    expect(title(target).getAttribute('aria-label')).toBe('Voting has closed. The results are shown. “Lunch?”');
  });

  it('says by the live region that voting closed and the results are shown, the focus staying on “Your answer was received.”, and nothing of tallies', async () => {
    const { target, ws } = await phoneWith(poll(), { exercise: 'e1', status: 'open', responses: 1, minResponses: 1 }, { answers: { q1: { choices: ['a'] } } });
    const got = target.querySelector('[data-testid=answered]') as HTMLElement;
    got.focus();
    ws.receive(ev(2, 'exercise.updated', poll('closed')));
    await settle();
    expect(document.activeElement).toBe(got);
    expect(said(target)).toBe('Voting has closed.');
    expect(title(target).getAttribute('aria-label')).toBeNull();
    ws.receive({ type: 'state', key: 'ex:e1', data: { exercise: 'e1', status: 'closed', responses: 2, minResponses: 1 } });
    await settle();
    expect(said(target)).toBe('Voting has closed.');
    ws.receive(ev(4, 'exercise.updated', poll('results')));
    await settle();
    expect(document.activeElement).toBe(got);
    expect(said(target)).toBe('The results are shown.');
  });

  it('moves the focus from a help request being typed to the title when the board closes', async () => {
    const { target, ws } = await phoneWith(help(), helpView());
    const box = target.querySelector('textarea') as HTMLTextAreaElement;
    box.focus();
    ws.receive(ev(2, 'exercise.updated', help('closed')));
    await settle();
    expect(target.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(title(target));
    expect(title(target).getAttribute('aria-label')).toBe('This exercise has closed. “Help wanted”');
  });

  it('leaves the focus with one typing a new name, the live region saying it', async () => {
    const { target, ws } = await phoneWith(poll());
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    const box = target.querySelector('#rename-p') as HTMLInputElement;
    expect(document.activeElement).toBe(box);
    ws.receive(ev(2, 'exercise.updated', poll('closed')));
    await settle();
    expect(document.activeElement).toBe(box);
    expect(said(target)).toBe('Voting has closed.');
  });
});

describe('the title taking the focus with the news', () => {
  it('says the news as it takes the focus, not the title alone', async () => {
    const { target, ws } = await phoneWith(text());
    target.querySelector('textarea')!.focus();
    const onFocus: (string | null)[] = [];
    title(target).addEventListener('focus', () => onFocus.push(title(target).getAttribute('aria-label')));
    ws.receive(ev(2, 'exercise.updated', text('closed')));
    await settle();
    expect(document.activeElement).toBe(title(target));
    expect(onFocus).toHaveLength(1);
    expect(onFocus[0]).toContain('Ideas');
    expect(onFocus[0]).not.toBe(null);
  });
});

describe('the room ending, or this person removed, under the phone', () => {
  it('puts the focus on the end notice, no live region that appeared with its text', async () => {
    const { target, ws } = await phoneWith(text());
    target.querySelector('textarea')!.focus();
    ws.receive(ev(2, 'room.ended', { ended: true }));
    ws.serverClose(4003);
    await settle();
    const notice = target.querySelector('[data-testid=room-ended]') as HTMLElement;
    expect(document.activeElement).toBe(notice);
    expect(notice.closest('[role=status],[role=alert],[aria-live]')).toBeNull();
    expect(said(target)).toBe('');
  });

  it('puts the focus on the notice that the facilitator removed this person', async () => {
    const { target, ws } = await phoneWith(poll());
    (target.querySelector('input[value=a]') as HTMLInputElement).focus();
    ws.receive({ type: 'error', code: 'removed', message: 'removed' });
    ws.serverClose(4002);
    await settle();
    const notice = target.querySelector('[data-testid=removed]') as HTMLElement;
    expect(notice?.textContent).toBe('The facilitator removed you from this room.');
    expect(document.activeElement).toBe(notice);
  });

  it('shows no "Disconnected" badge by the removed notice: it is no network fault', async () => {
    const { target, ws } = await phoneWith(poll());
    ws.receive({ type: 'error', code: 'removed', message: 'removed' });
    ws.serverClose(4002);
    await settle();
    expect(target.querySelector('[data-testid=removed]')).not.toBeNull();
    expect(target.querySelector('[data-testid=conn]')).toBeNull();
  });
});

describe('the room opened elsewhere with the same token (close 4006)', () => {
  it('says so calmly, with the focus, waits without reconnecting, and carries on here when asked', async () => {
    const { target, ws } = await phoneWith(poll());
    (target.querySelector('input[value=a]') as HTMLInputElement).focus();
    ws.serverClose(4006);
    await settle();
    const notice = target.querySelector('[data-testid=replaced]') as HTMLElement;
    expect(notice?.textContent).toBe('This room is open in another tab or window, so it has stopped here.');
    expect(document.activeElement).toBe(notice);
    // No red "Disconnected", no warning or alert: nothing went wrong.
    expect(target.querySelector('[data-testid=conn]')).toBeNull();
    expect(notice.closest('[role=alert]')).toBeNull();
    expect(notice.classList.contains('warn')).toBe(false);
    expect(target.querySelector('[data-testid=exercise]')).toBeNull();
    // It does not reconnect against the other tab by itself.
    await new Promise((r) => setTimeout(r, 1200));
    expect(FakeWS.all).toHaveLength(1);
    const use = [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Use it here')!;
    use.click();
    await settle();
    const again = FakeWS.last();
    expect(again).not.toBe(ws);
    again.open();
    expect(again.sent[0]).toMatchObject({ type: 'hello', token: 'tok', since: { epoch: 'E', seq: 1 } });
    again.receive({ ...welcome(1), recovered: true, snapshot: undefined });
    await settle();
    expect(target.querySelector('[data-testid=replaced]')).toBeNull();
    expect(target.querySelector('[data-testid=exercise]')).not.toBeNull();
  });
});
