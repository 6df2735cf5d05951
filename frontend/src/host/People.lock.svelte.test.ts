import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import People from './People.svelte';
import { emptyState } from '../lib/reducer';
import type { MemberView, Room } from '../lib/types';

const member = (id: string, name: string, extra: Partial<MemberView> = {}): MemberView => ({ id, name, role: 'participant', online: true, ...extra });
const room = (locked: boolean): Room => ({ id: 'r1', code: 'K7QX2M', title: 'Retro', locked, ended: false, showNames: false });

// Removing a person is no ban: while the room takes new people, they can
// join again at once as someone new (and answer an anonymous poll
// again). The console said "They cannot come back with this identity",
// true and no help: nothing offered the lock that stops it.
describe('People, removing a person from a room that is open', () => {
  function peopleIn(locked: boolean, confirmed = true) {
    const state = $state({
      ...emptyState(), room: room(locked), membersKnown: true, participants: 3, online: 3,
      members: Object.fromEntries([member('a', 'Ann'), member('b', 'Ben'), member('pv', 'Preview', { preview: true })].map((m) => [m.id, m])),
    });
    const confirm = vi.fn(() => confirmed);
    vi.stubGlobal('confirm', confirm);
    onTestFinished(() => { vi.unstubAllGlobals(); });
    const send = vi.fn(async (type: string, data?: { member: string }) => {
      if (type === 'member.remove') {
        delete state.members[data!.member];
        state.participants -= 1;
      }
      if (type === 'room.lock') state.room = { ...state.room!, locked: true }; // room.updated
    });
    const target = show(People, { session: { state, send } });
    return { state, target, send, confirm };
  }
  const removeOf = (target: HTMLElement, who: string) => target.querySelector(`[aria-label="Remove ${who}"]`) as HTMLButtonElement;
  const notice = (target: HTMLElement) => target.querySelector<HTMLElement>('[data-testid=removed-notice]');
  const button = (target: HTMLElement, name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);

  it('asks knowing that they can join again as someone new unless the room is locked', () => {
    const { target, confirm } = peopleIn(false, false);
    removeOf(target, 'Ann').click();
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Remove Ann from the room\? .*join again .*as someone new.*unless the room is locked/));
  });

  it('says so once the person is removed, with the lock one click away, and goes once the room is locked', async () => {
    const { state, target, send } = peopleIn(false);
    removeOf(target, 'Ann').click();
    await settle();
    const n = notice(target)!;
    expect(n).not.toBeNull();
    expect(n.textContent!.replace(/\s+/g, ' ')).toContain('Removed Ann. While the room is open they can join again as someone new.');
    // Calm: a status, not an alert or a warning's colours.
    expect(n.getAttribute('role')).toBe('status');
    expect(n.classList.contains('error')).toBe(false);
    button(target, 'Lock joining')!.click();
    await settle();
    expect(send).toHaveBeenLastCalledWith('room.lock');
    expect(state.room!.locked).toBe(true);
    expect(notice(target)).toBeNull();
  });

  it('goes when dismissed, and when the room is locked from elsewhere', async () => {
    const { state, target } = peopleIn(false);
    removeOf(target, 'Ann').click();
    await settle();
    button(target, 'OK')!.click();
    await settle();
    expect(notice(target)).toBeNull();
    // Dismissed, the focus is not left on the page.
    expect(document.activeElement).toBe(target.querySelector('#people-h'));

    removeOf(target, 'Ben').click();
    await settle();
    expect(notice(target)!.textContent).toContain('Removed Ben.');
    state.room = { ...state.room!, locked: true }; // the console's own "Lock joining"
    await settle();
    expect(notice(target)).toBeNull();
    // Unlocked again later: the old removal is not said again.
    state.room = { ...state.room!, locked: false };
    await settle();
    expect(notice(target)).toBeNull();
  });

  it('says nothing more when the room is locked already', async () => {
    const { target, confirm } = peopleIn(true);
    removeOf(target, 'Ann').click();
    await settle();
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Remove Ann from the room\? .*locked/));
    expect(confirm).not.toHaveBeenCalledWith(expect.stringContaining('unless'));
    expect(notice(target)).toBeNull();
  });

  it("says nothing of the console's own test participant, who joins as nobody", async () => {
    const { target } = peopleIn(false);
    removeOf(target, 'Preview').click();
    await settle();
    expect(notice(target)).toBeNull();
  });

  it('says nothing when the removal is refused', async () => {
    const { target, send } = peopleIn(false);
    send.mockImplementationOnce(async () => { throw Object.assign(new Error('no'), { code: 'not_found' }); });
    removeOf(target, 'Ann').click();
    await settle();
    expect(notice(target)).toBeNull();
  });
});
