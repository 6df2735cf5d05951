import { afterEach, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import KudosExercise from './KudosExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise } from '../lib/types';

afterEach(() => sessionStorage.clear());

// The person a kudo is for leaves the room while it is written: the choice
// is to make again (the select showed nothing while still holding them,
// and the server refused the send), the message and anonymity kept.
it('asks again whom a kudo is for when the one chosen leaves', () => {
  const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
  const bo = { id: 'b', name: 'Bo', role: 'participant', online: true };
  const cy = { id: 'c', name: 'Cy', role: 'participant', online: true };
  const session = $state({
    state: { ...emptyState(), you: { id: 'me', name: 'Me', role: 'participant', online: true }, members: { b: bo, c: cy }, membersKnown: true,
      states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } },
    status: 'online', send: vi.fn(),
  });
  sessionStorage.setItem('huddle:draft:kudos:k1', JSON.stringify({ to: 'b', message: 'Thanks for the pairing', anonymous: true }));
  const target = show(KudosExercise, { session, ex });
  const select = target.querySelector('#k-to-k1') as HTMLSelectElement;
  const button = target.querySelector('button[type=submit]') as HTMLButtonElement;
  expect(select.value).toBe('b');
  expect(button.disabled).toBe(false);
  session.state = { ...session.state, members: { c: cy } } as any; // Bo is removed
  flushSync();
  expect(select.value).toBe('');
  expect(select.options[0].textContent).toBe('Choose who it is for');
  expect(button.disabled).toBe(true);
  expect((target.querySelector('#k-msg-k1') as HTMLTextAreaElement).value).toBe('Thanks for the pairing');
  expect((target.querySelector('input[type=checkbox]') as HTMLInputElement).checked).toBe(true);
});
