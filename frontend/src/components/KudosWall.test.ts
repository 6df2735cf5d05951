import { describe, expect, it, onTestFinished, vi } from 'vitest';
import KudosWall from './KudosWall.svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
// The projector's fitting, which the wall imports when it first needs
// it, loaded before any test: its import then settles at once.
import '../lib/fitboard';
import { sameNameTags } from '../lib/names';

// Collapses the markup's white space, not a no-break space (a name and its number).
const text = (e: Element | null) => (e?.textContent ?? '').replace(/[ \t\n\r]+/g, ' ').trim();

describe('an empty kudos wall', () => {
  const said = (target: HTMLElement) => target.querySelector('[data-testid=no-kudos]')?.textContent;

  it('asks participants to be the first', () => {
    expect(said(show(KudosWall, { kudos: [] }))).toBe('No kudos yet. Be the first!');
    expect(said(show(KudosWall, { kudos: [], big: true }))).toBe('No kudos yet. Be the first!'); // the projector
  });

  it('tells the facilitator what will come, not to send one', () => {
    expect(said(show(KudosWall, { kudos: [], reader: 'facilitator', onHide: () => {} }))).toBe('No kudos yet. They show here as people send them from their phones.');
  });
});

describe('a kudo between people with long names', () => {
  it('wraps the names as user text (one long word broke out of a 320 px phone)', () => {
    const long = 'Bartholomewjonathanworthingtonsmythesonx';
    const target = show(KudosWall, { kudos: [{ id: 'q1', to: 'b', toName: long, fromName: long, anonymous: false, message: 'Thanks' }] });
    for (const sel of ['.to', '.from']) {
      const p = target.querySelector(sel)!;
      expect(p.textContent).toContain(long);
      expect(p.classList.contains('user-text')).toBe(true);
    }
  });
});

// A normal space let a narrow line end with "from" and start the next
// with the name, read as no one's kudo.
describe("a kudo's signature", () => {
  it('joins "from" and the name with a no-break space, on a phone, the console and the projector', () => {
    const kudos = [{ id: 'k2', to: 'team', from: 'a', fromName: 'Sam', anonymous: false, message: 'Thanks' },
      { id: 'k1', to: 'team', from: 'b', anonymous: false, message: 'Thanks' }]; // sent with no name
    for (const props of [{}, { reader: 'facilitator', onHide: () => {} }, { big: true }]) {
      const from = [...show(KudosWall, { kudos, ...props }).querySelectorAll('.kudo .from')].map((p) => p.textContent);
      expect(from).toEqual(['from\u00a0Sam', 'from\u00a0someone']);
    }
  });

  // Its recipient's line likewise: "To" ended a line, the name began the next.
  it('joins "To" and the name with a no-break space, on a phone, the console and the projector', () => {
    const kudos = [{ id: 'k3', to: 'a', toName: 'Sam', anonymous: true, message: 'Thanks' },
      { id: 'k2', to: 'b', anonymous: true, message: 'Thanks' }, // to someone who left with no name
      { id: 'k1', to: 'team', anonymous: true, message: 'Thanks' }];
    for (const props of [{}, { reader: 'facilitator', onHide: () => {} }, { big: true }]) {
      const to = [...show(KudosWall, { kudos, ...props }).querySelectorAll('.kudo .to')].map((p) => p.textContent);
      expect(to).toEqual(['To\u00a0Sam', 'To\u00a0someone', 'To the whole team']);
    }
  });
});

describe('the kudos wall on the projector', () => {
  // jsdom lays nothing out: each kudo ends 100 px below the one before
  // (the window is 768 px); the wall ends at tall(density), in px.
  function layout(tall: (density: number) => number) {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const wall = this.closest<HTMLElement>('[data-testid=kudos-wall]');
      const i = this.matches('.kudo') ? [...this.parentElement!.children].indexOf(this) : -1;
      const bottom = this === wall ? tall(Number(wall.dataset.density)) : i >= 0 ? (i + 1) * 100 : 0;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
  }
  // In the wall's order, by id (the server's): no kudo says when it was sent.
  const kudos = Array.from({ length: 12 }, (_, i) => ({ id: `k${String(i + 1).padStart(2, '0')}`, to: 'team', fromName: 'Ann', anonymous: false, message: `Thanks ${i + 1}` }));
  const wall = (target: HTMLElement) => target.querySelector<HTMLElement>('[data-testid=kudos-wall]')!;

  it('is made denser until it ends on the screen, every kudo still on it', async () => {
    layout((d) => (d < 2 ? 1071 : 700));
    const target = show(KudosWall, { kudos, big: true });
    await settle();
    expect(wall(target).dataset.density).toBe('2');
    expect(wall(target).classList.contains('d2')).toBe(true);
    expect(wall(target).children).toHaveLength(12);
    expect(target.querySelector('[data-testid=kudos-page]')).toBeNull();
  });

  it('shows the kudos that fit at its densest, in the wall\'s order, as the first of its pages (KudosWall.pages)', async () => {
    // Seven end above the window's bottom less the margin and the room of
    // the line that says which page is shown (768 - 16 - 2.6rem).
    layout(() => 1285);
    const target = show(KudosWall, { kudos, big: true });
    await settle();
    expect(wall(target).dataset.density).toBe('2');
    expect([...wall(target).querySelectorAll('.msg')].map((p) => p.textContent)).toEqual(['Thanks 1', 'Thanks 2', 'Thanks 3', 'Thanks 4', 'Thanks 5', 'Thanks 6', 'Thanks 7']);
    expect(target.querySelector('[data-testid=kudos-page]')!.textContent).toBe('Page 1 of 2');
  });

  it('on a phone and in the console, is drawn whole, as it was', async () => {
    layout(() => 1285);
    for (const props of [{ kudos }, { kudos, reader: 'facilitator', onHide: () => {} }]) {
      const target = show(KudosWall, props);
      await settle();
      expect(wall(target).children).toHaveLength(12);
      expect(wall(target).dataset.density).toBeUndefined();
      expect(wall(target).classList.contains('big')).toBe(false);
      expect(target.querySelector('[data-testid=kudos-page]')).toBeNull();
    }
  });
});

// Two people joined as Sam; each got a kudo, and the wall said "To Sam"
// of both.
describe('kudos to people of the same name', () => {
  const kudo = (id: string, to: string, toName: string) => ({ id, to, toName, fromName: 'Bo', anonymous: false, message: 'Thanks' });
  const to = (target: HTMLElement) => [...target.querySelectorAll('.kudo .to')].map((p) => p.textContent);

  it('says which one each is for, with the number every list shows them with, on the projector too', () => {
    const tags = sameNameTags([{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }]);
    const kudos = [kudo('k3', 'b', 'Sam'), kudo('k2', 'a', 'SAM'), kudo('k1', 'c', 'Ann'), { ...kudo('k0', 'team', ''), to: 'team', toName: undefined }];
    const expected = [`To\u00a0Sam\u00a0#${tags.get('b')}`, `To\u00a0SAM\u00a0#${tags.get('a')}`, 'To\u00a0Ann', 'To the whole team'];
    // The projector knows nobody in the room: the kudos tell it.
    expect(to(show(KudosWall, { kudos, big: true }))).toEqual(expected);
    expect(to(show(KudosWall, { kudos: [kudo('k1', 'a', 'Sam')] }))).toEqual(['To\u00a0Sam']);
  });

  it('numbers one of two Sams in the room though only one got kudos, where the page knows the room', () => {
    const people = [{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }];
    expect(to(show(KudosWall, { kudos: [kudo('k1', 'a', 'Sam')], people }))).toEqual([`To\u00a0Sam\u00a0#${sameNameTags(people).get('a')}`]);
  });
});

// Two people named Sam each sent a kudo by name, and the wall said
// "from Sam" of both.
describe('kudos from people of the same name', () => {
  const from = (target: HTMLElement) => [...target.querySelectorAll('.kudo .from')].map((p) => p.textContent);
  const kudo = (id: string, fromId: string | undefined, fromName: string | undefined, more: object = {}) =>
    ({ id, to: 'team', from: fromId, fromName, anonymous: !fromName, message: 'Thanks', ...more });

  it('says which one each is from, with the number every list shows them with, on the projector too', () => {
    const tags = sameNameTags([{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }]);
    const kudos = [kudo('k4', 'b', 'Sam'), kudo('k3', 'a', 'sam'), kudo('k2', 'c', 'Ann'), kudo('k1', undefined, undefined)];
    const expected = [`from\u00a0Sam\u00a0#${tags.get('b')}`, `from\u00a0sam\u00a0#${tags.get('a')}`, 'from\u00a0Ann', 'anonymous'];
    expect(from(show(KudosWall, { kudos, big: true }))).toEqual(expected);
    expect(from(show(KudosWall, { kudos }))).toEqual(expected);
    // One Sam alone on the wall, however many kudos they sent, has no number.
    expect(from(show(KudosWall, { kudos: [kudo('k2', 'a', 'Sam'), kudo('k1', 'a', 'Sam')] }))).toEqual(['from\u00a0Sam', 'from\u00a0Sam']);
  });

  it('numbers a sender and a recipient of the same name as the same lists do', () => {
    const people = [{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }];
    const tags = sameNameTags(people);
    const target = show(KudosWall, { kudos: [kudo('k1', 'a', 'Sam', { to: 'b', toName: 'Sam' })] });
    expect(text(target.querySelector('.kudo .to'))).toBe(`To\u00a0Sam\u00a0#${tags.get('b')}`);
    expect(from(target)).toEqual([`from\u00a0Sam\u00a0#${tags.get('a')}`]);
  });

  it('numbers no anonymous sender, and no sender a kudo does not identify', () => {
    // A kudo kept before servers sent "from" names its sender only.
    const kudos = [kudo('k3', undefined, 'Sam'), kudo('k2', 'b', 'Sam'), { ...kudo('k1', undefined, undefined), to: 'a', toName: 'Sam' }];
    const target = show(KudosWall, { kudos, people: [{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }] });
    expect(from(target)).toEqual(['from\u00a0Sam', `from\u00a0Sam\u00a0#${sameNameTags([{ id: 'a', name: 'Sam' }, { id: 'b', name: 'Sam' }]).get('b')}`, 'anonymous']);
  });
});

describe('the console\'s Hide buttons', () => {
  it('say which kudo each hides or shows again', () => {
    const kudos = [
      { id: 'k1', to: 'team', anonymous: true, message: 'Thanks for the calm sprint review' },
      { id: 'k2', to: 'team', anonymous: true, message: 'You kept the demo going when the projector died halfway', hidden: true },
    ];
    const target = show(KudosWall, { kudos, reader: 'facilitator', onHide: () => {} });
    expect([...target.querySelectorAll('.kudo button')].map((b) => [b.textContent, b.getAttribute('aria-label')])).toEqual([
      ['Hide', 'Hide: “Thanks for the calm sprint review”'],
      ['Show again', 'Show again: “You kept the demo going when the…”'],
    ]);
  });
});

// Dee sent a kudo by name, one anonymously, then one by name, and every
// screen showed them newest first, numbered: the anonymous one, between
// two of hers, was hers. The server now sends a wall in the order of its
// kudos' random ids (docs/protocol.md 8.11), and every screen draws it so.
describe('the order of a wall', () => {
  // By id; a kudo a server stored with its number keeps the number in the
  // store, but it is drawn where the server put it and the number nowhere.
  const kudos = [
    { id: '1b40e0c2a9f1', to: 'e', toName: 'Eve', anonymous: true, message: 'For listening', seq: 3 },
    { id: '3c07d5e1b2a4', to: 'a', toName: 'Ann', from: 'd', fromName: 'Dee', anonymous: false, message: 'For the release notes', seq: 2 },
    { id: '9f6a2b8c4d1e', to: 'b', toName: 'Bob', from: 'd', fromName: 'Dee', anonymous: false, message: 'For the pairing', seq: 4 },
  ];

  it('is drawn in the order the server sends it, alike on a phone, in the console and on the projector', async () => {
    for (const props of [{ kudos }, { kudos, reader: 'facilitator', onHide: () => {} }, { kudos, big: true }]) {
      const target = show(KudosWall, props);
      await settle();
      expect([...target.querySelectorAll('.kudo .msg')].map((p) => p.textContent)).toEqual(['For listening', 'For the release notes', 'For the pairing']);
      expect(text(target.querySelector('[data-testid=kudos-wall]'))).not.toMatch(/\d/);
    }
  });
});
