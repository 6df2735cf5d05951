import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Console from './Console.svelte';
import { ev, FakeWS, welcome } from '../test/fakews';
import type { HostCreds } from '../lib/storage';
import { settle } from '../test/settle';

// "Add an exercise" from the keyboard. Add to agenda was disabled until
// the form had a title, so Tab skipped it and nothing said why; once an
// exercise was added, its Open button was 30 Tab presses back up the page.

let target: HTMLElement;
let app: any;
const host: HostCreds = {
  roomId: 'r1', code: 'ABCDEF', secret: 'fac-secret', facilitatorId: 'f1', title: 'Trust', joinUrl: 'http://192.168.1.2/j/ABCDEF', createdAt: 0,
};

async function open() {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 500 })));
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Console, { target, props: { host } });
  flushSync();
  const ws = FakeWS.last();
  ws.open();
  ws.receive(welcome(1, {
    you: { id: 'f1', name: '', role: 'facilitator', online: true },
    snapshot: { room: { id: 'r1', code: 'ABCDEF', title: 'Trust', locked: false, ended: false, showNames: false }, participants: 3 },
  }));
  await settle();
  return ws;
}
beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

const form = () => target.querySelector('[data-testid=add-exercise]') as HTMLFormElement;
const addButton = () => [...form().querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Add to agenda')!;
const titleBox = () => form().querySelector('input[id$="-title"]') as HTMLInputElement;
function press(button: HTMLButtonElement) {
  button.focus();
  form().dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
}
function type(box: HTMLInputElement, value: string) {
  box.value = value;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}
const poll = (id: string, title: string) => ({ id, kind: 'poll', title, status: 'prepared', anonymous: true, minResponses: 3,
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }] });

describe('Add to agenda, from the keyboard', () => {
  it('is in the tab order with the form empty, and says what is missing at the title', async () => {
    const ws = await open();
    const add = addButton();
    expect(add.disabled).toBe(false);
    expect(add.getAttribute('aria-disabled')).toBeNull();
    press(add);
    await settle();
    expect(ws.commands()).toHaveLength(0);
    const title = titleBox();
    expect(document.activeElement).toBe(title);
    expect(title.getAttribute('aria-invalid')).toBe('true');
    const said = document.getElementById(title.getAttribute('aria-describedby')!.split(' ')[0])!;
    expect(said.textContent!.trim()).toBe('Give the exercise a title first.');
    expect(said.getAttribute('role')).toBe('alert');
    // A browser's own "Please fill out this field" would stop the form
    // before it could say so.
    expect(title.required).toBe(false);
    expect(title.getAttribute('aria-required')).toBe('true');
    // Typing a title takes the message away.
    type(title, 'Lunch?');
    expect(title.getAttribute('aria-invalid')).toBeNull();
    expect(form().textContent).not.toContain('Give the exercise a title first.');
  });

  it("puts the focus on the new exercise's Open button once it is added as the current one", async () => {
    const ws = await open();
    type(titleBox(), 'Lunch?');
    press(addButton());
    await settle();
    const cmd = ws.commands().find((c) => c.type === 'agenda.add')!;
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')), ev(3, 'agenda.updated', { items: ['e1'], current: 'e1' }),
      { type: 'ack', id: cmd.id, result: { exercise: 'e1' } });
    await settle();
    const openButton = [...target.querySelectorAll('[data-testid=control] button')].find((b) => b.textContent!.trim() === 'Open');
    expect(openButton).toBeDefined();
    expect(document.activeElement).toBe(openButton);
  });

  it("puts the focus on a later exercise's Make current, its answer and its events in either order", async () => {
    const ws = await open();
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')), ev(3, 'agenda.updated', { items: ['e1'], current: 'e1' }));
    await settle();
    type(titleBox(), 'Pace');
    press(addButton());
    await settle();
    const cmd = ws.commands().find((c) => c.type === 'agenda.add')!;
    // The answer first, then the events.
    ws.receive({ type: 'ack', id: cmd.id, result: { exercise: 'e2' } });
    await settle();
    ws.receive(ev(4, 'exercise.updated', poll('e2', 'Pace')), ev(5, 'agenda.updated', { items: ['e1', 'e2'], current: 'e1' }));
    await settle();
    expect(document.activeElement).toBe(target.querySelector('[data-ex="e2"] [aria-label="Make current: “Pace”"]'));
  });

  it('leaves the focus where the person has gone meanwhile', async () => {
    const ws = await open();
    type(titleBox(), 'Lunch?');
    press(addButton());
    await settle();
    const elsewhere = target.querySelector('[data-testid=join-link]') as HTMLElement;
    elsewhere.focus();
    const cmd = ws.commands().find((c) => c.type === 'agenda.add')!;
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')), ev(3, 'agenda.updated', { items: ['e1'], current: 'e1' }),
      { type: 'ack', id: cmd.id, result: { exercise: 'e1' } });
    await settle();
    expect(document.activeElement).toBe(elsewhere);
  });
});
