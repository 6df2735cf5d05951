import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Action, busy, REFOCUS_MS, SENT_MS } from './action.svelte';

afterEach(() => vi.useRealTimers());

describe('Action.sent', () => {
  it('is set by a send that went, for a while, and cleared by the next send, clearSent or reset', async () => {
    vi.useFakeTimers();
    const a = new Action();
    await a.run(async () => 1);
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(SENT_MS - 1);
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(1);
    expect(a.sent).toBe(false);

    await a.run(async () => 1);
    const next = a.run(() => new Promise(() => {}));
    expect(a.sent).toBe(false);
    void next;

    const b = new Action();
    await b.run(async () => 1);
    b.clearSent();
    expect(b.sent).toBe(false);
    await b.run(async () => 1);
    b.reset();
    expect(b.sent).toBe(false);
  });

  it('is not set by a send that failed', async () => {
    const a = new Action();
    await a.run(async () => { throw new Error('no'); });
    expect(a.sent).toBe(false);
    expect(a.error).not.toBe('');
  });

  it('set by hand (markSent) for sends made otherwise, clears itself too', () => {
    vi.useFakeTimers();
    const a = new Action();
    a.markSent();
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(SENT_MS);
    expect(a.sent).toBe(false);
  });
});

describe('Action keeps the focus (WCAG 2.4.3)', () => {
  const page = (html: string) => {
    const d = document.createElement('div');
    d.innerHTML = html;
    document.body.appendChild(d);
    onTestFinished(() => d.remove());
    return d;
  };
  const deferred = () => {
    let done!: () => void;
    const p = new Promise<void>((r) => (done = r));
    return { p, done };
  };
  const turn = () => new Promise((r) => setTimeout(r, 0));

  it('moves the focus, lost with its control, to the like control of the next item', async () => {
    const d = page(`<section><h2>People</h2><ul>
      <li id="a"><button class="small ghost">✕ Ann</button></li>
      <li id="b"><a href="#">Bo</a><button class="small ghost">✕ Bo</button></li></ul></section>`);
    const ann = d.querySelector<HTMLElement>('#a button')!;
    ann.focus();
    const a = new Action();
    await a.run(async () => d.querySelector('#a')!.remove());
    await turn();
    expect(document.activeElement).toBe(d.querySelector('#b button'));
  });

  it('to the item before when it was the last, else to its section’s heading', async () => {
    const d = page(`<section><h2 id="h">People</h2><ul>
      <li id="a"><button class="x">A</button></li><li id="b"><button class="x">B</button></li></ul></section>`);
    d.querySelector<HTMLElement>('#b button')!.focus();
    await new Action().run(async () => d.querySelector('#b')!.remove());
    await turn();
    expect(document.activeElement).toBe(d.querySelector('#a button'));
    await new Action().run(async () => d.querySelector('#a')!.remove());
    await turn();
    const h = d.querySelector<HTMLElement>('#h')!;
    expect(document.activeElement).toBe(h);
    expect(h.tabIndex).toBe(-1);
  });

  it('to where the caller says, and also when the control goes after the answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const d = page(`<section><h2>T</h2><button id="next">Next</button><button id="cur">Current</button></section>`);
    d.querySelector<HTMLElement>('#next')!.focus();
    await new Action().run(async () => 1, () => d.querySelector<HTMLElement>('#cur'));
    expect(document.activeElement).toBe(d.querySelector('#next'));
    d.querySelector('#next')!.remove(); // the room's event, after the answer
    await Promise.resolve();
    vi.advanceTimersByTime(0);
    expect(document.activeElement).toBe(d.querySelector('#cur'));
  });

  it('leaves a focus someone moved, and stops watching after a while', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const d = page(`<section><h2>T</h2><ul><li id="a"><button>A</button></li><li><button id="b">B</button></li></ul><input id="i"></section>`);
    d.querySelector<HTMLElement>('#a button')!.focus();
    await new Action().run(async () => 1);
    vi.advanceTimersByTime(REFOCUS_MS);
    d.querySelector('#a')!.remove();
    await Promise.resolve();
    vi.advanceTimersByTime(1);
    expect(document.activeElement).toBe(document.body);

    d.querySelector<HTMLElement>('#b')!.focus();
    const w = deferred();
    const run = new Action().run(() => w.p);
    d.querySelector<HTMLElement>('#i')!.focus();
    d.querySelector('#b')!.closest('li')!.remove();
    w.done();
    await run;
    await Promise.resolve();
    vi.advanceTimersByTime(1);
    expect(document.activeElement).toBe(d.querySelector('#i'));
  });

  it('lets a component that moves the focus itself, a turn later, have its way', async () => {
    const d = page(`<section><h2>T</h2><ul><li id="a"><button>A</button></li><li><button id="b">B</button></li></ul><input id="i"></section>`);
    d.querySelector<HTMLElement>('#a button')!.focus();
    await new Action().run(async () => d.querySelector('#a')!.remove());
    queueMicrotask(() => d.querySelector<HTMLElement>('#i')!.focus());
    await turn();
    expect(document.activeElement).toBe(d.querySelector('#i'));
  });
});

describe('busy', () => {
  it('marks the control aria-disabled, not disabled, and its clicks do nothing meanwhile', () => {
    const b = document.createElement('button');
    document.body.appendChild(b);
    onTestFinished(() => b.remove());
    const clicked = vi.fn();
    b.addEventListener('click', clicked);
    const h = busy(b, true);
    b.focus();
    b.dispatchEvent(new Event('click', { bubbles: true, cancelable: true }));
    expect(clicked).not.toHaveBeenCalled();
    expect(b.disabled).toBe(false);
    expect(b.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(b);
    h.update(false);
    expect(b.hasAttribute('aria-disabled')).toBe(false);
    b.dispatchEvent(new Event('click', { bubbles: true, cancelable: true }));
    expect(clicked).toHaveBeenCalledTimes(1);
    h.destroy();
  });
});
