// Two people of the same name on the help board are told apart as every
// list of people tells them apart ("Ann #2835", lib/names.ts), by the
// member ids the board carries (docs/protocol.md 8.8); an anonymous
// request still names nobody.
import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import HelpExercise from './HelpExercise.svelte';
import HelpBoard from '../components/HelpBoard.svelte';
import { emptyState } from '../lib/reducer';
import { sameNameTags } from '../lib/names';
import type { Exercise, HelpOfferView, HelpRequestView, HelpView, MemberView } from '../lib/types';
import '../lib/fitboard';

const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const offer = (id: string, helperId: string, helperName: string, message: string, accepted = false): HelpOfferView =>
  ({ id, helperId, helperName, message, accepted });
const req = (more: Partial<HelpRequestView>): HelpRequestView =>
  ({ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'open', anonymous: false, authorId: 'm-me', authorName: 'Me', offers: [], ...more });
const board = (...requests: HelpRequestView[]): HelpView => ({ exercise: 'h1', status: 'open', counts: { open: requests.length, matched: 0, resolved: 0 }, requests });
// The numbers the console's people list gives the two Anns.
const tags = sameNameTags([{ id: 'm-ann1', name: 'Ann' }, { id: 'm-ann2', name: 'Ann' }]);
const ann1 = `Ann\u00a0#${tags.get('m-ann1')}`;
const ann2 = `Ann\u00a0#${tags.get('m-ann2')}`;

function phone(view: HelpView, mine: { requests: string[]; offers: string[] }, members: MemberView[] = []) {
  const session = $state({
    state: { ...emptyState(), you: { id: 'm-me', name: 'Me', role: 'participant', online: true },
      members: Object.fromEntries(members.map((m) => [m.id, m])), states: { h1: view }, mine: { h1: { ...mine, paired: [] } } } as any,
    status: 'online',
    send: () => new Promise<void>(() => {}),
  });
  return show(HelpExercise, { session, ex });
}
// Who offered, as the asker's phone and the board show them.
const helpers = (target: HTMLElement) => [...target.querySelectorAll('.offer strong, .pair .user-text')].map((e) => e.textContent);

describe('offers of help from two people of the same name', () => {
  it('are told apart on the asker’s phone, by the numbers the people lists show', () => {
    const target = phone(board(req({ offers: [offer('o1', 'm-ann1', 'Ann', 'I wrote half of it'), offer('o2', 'm-ann2', 'Ann', 'I can pair')] })),
      { requests: ['r1'], offers: [] });
    expect(ann1).not.toBe(ann2);
    expect(helpers(target)).toEqual([ann1, ann2]);
  });

  it('are told apart once accepted too, and a lone Ann is just Ann', () => {
    const two = phone(board(req({ status: 'matched', offers: [offer('o1', 'm-ann1', 'Ann', 'a', true), offer('o2', 'm-ann2', 'Ann', 'b')] })),
      { requests: ['r1'], offers: [] });
    expect(two.querySelector('#paired-o1')!.textContent).toBe(`You are paired with ${ann1}`);
    const one = phone(board(req({ offers: [offer('o1', 'm-ann1', 'Ann', 'a')] })), { requests: ['r1'], offers: [] });
    expect(helpers(one)).toEqual(['Ann']);
  });

  it('count the Ann the room shows beside the one who offered, as the kudos picker does', () => {
    const members: MemberView[] = [
      { id: 'm-ann1', name: 'Ann', role: 'participant', online: true }, { id: 'm-ann2', name: 'Ann', role: 'participant', online: true },
    ];
    const target = phone(board(req({ offers: [offer('o1', 'm-ann2', 'Ann', 'a')] })), { requests: ['r1'], offers: [] }, members);
    expect(helpers(target)).toEqual([ann2]);
  });

  it('tell a helper which of two Anns they help, and name no anonymous asker', () => {
    const target = phone(board(
      req({ id: 'r1', authorId: 'm-ann1', authorName: 'Ann', status: 'matched', offers: [offer('o1', 'm-me', 'Me', 'a', true)] }),
      req({ id: 'r2', title: 'Other', authorId: 'm-ann2', authorName: 'Ann' }),
      req({ id: 'r3', title: 'Secret', anonymous: true, authorId: undefined, authorName: undefined, status: 'matched', offers: [offer('o3', 'm-me', 'Me', 'b', true)] }),
    ), { requests: [], offers: ['o1', 'o3'] });
    const mine = [...target.querySelectorAll('[data-testid=my-offer]')].map((e) => e.textContent);
    expect(mine).toEqual([`You are helping ${ann1}`, 'You are helping someone']);
    const meta = [...target.querySelectorAll('[data-testid=help-request] p.muted.small.user-text')].map((e) => e.textContent);
    expect(meta).toEqual([ann1, ann2, 'Anonymous']);
  });
});

describe('the help board of the projector and console', () => {
  const view = board(
    req({ id: 'r1', authorId: 'm-bob', authorName: 'Bob', status: 'matched', offers: [offer('o1', 'm-ann1', 'Ann', 'a', true)] }),
    req({ id: 'r2', title: 'Secret', anonymous: true, authorId: undefined, authorName: undefined, status: 'matched', offers: [offer('o2', 'm-ann2', 'Ann', 'b', true)] }),
  );

  it('tells two helpers of the same name apart by the board alone (the projector knows no one else)', () => {
    const target = show(HelpBoard, { view, big: true });
    expect(helpers(target)).toEqual([ann1, ann2]);
    expect(target.querySelectorAll('.meta')[1].textContent).toMatch(/^Anonymous · /);
  });

  it('tells a helper from a namesake in the room on the console', () => {
    const target = show(HelpBoard, { view: board(view.requests[0]), people: [{ id: 'm-ann1', name: 'Ann' }, { id: 'm-ann2', name: 'Ann' }] });
    expect(helpers(target)).toEqual([ann1]);
    expect(helpers(show(HelpBoard, { view: board(view.requests[0]) }))).toEqual(['Ann']);
  });
});
