import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Library from './Library.svelte';
import PackView from './PackView.svelte';
import type { PackSummary } from '../lib/types';
import { settle } from '../test/settle';
import Console from '../host/Console.svelte';
import PackEditor from './PackEditor.svelte';
import { FakeWS } from '../test/fakews';
import { cancelThenEnterKey, needsKey } from '../test/hostkeyretry';

let target: HTMLElement;
let app: any;
let fetchMock: ReturnType<typeof vi.fn>;
let assign: ReturnType<typeof vi.fn>;

const trust: PackSummary = { id: 'building-trust', title: 'Building trust', description: '', author: '', exercises: 2, kinds: ['words', 'retro'], builtin: true, source: 'builtin', version: '' };
const created = { room: { id: 'r1', code: 'K7QX2M', title: 'Building trust', joinUrl: 'http://h/j/K7QX2M' }, facilitator: { id: 'f', secret: 's' } };

function server() {
  fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (url === '/api/rooms' && init?.method === 'POST') return new Response(JSON.stringify(created), { status: 201 });
    if (url === '/api/packs') return new Response(JSON.stringify([trust]));
    if (url === '/api/packs/building-trust') return new Response(JSON.stringify({ summary: trust, pack: { schema: 1, id: trust.id, title: trust.title, exercises: [] } }));
    return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  assign = vi.fn();
  vi.stubGlobal('location', { ...window.location, pathname: '/library', search: '', origin: 'http://h', assign });
}
const roomsCreated = () => (fetchMock.mock.calls as unknown as [string, RequestInit][]).filter(([u, i]) => u === '/api/rooms' && i.method === 'POST')
  .map(([, i]) => JSON.parse(i.body as string));
const startButton = () => [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Start a room') as HTMLButtonElement;
const namesBox = () => target.querySelector('[data-testid=show-names]') as HTMLInputElement;

async function render(component: any, props: object = {}) {
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(component, { target, props });
  await settle();
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  server();
});
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('starting a room from a pack', () => {
  it('hides names unless the trainer chooses to show them (library)', async () => {
    await render(Library);
    expect(namesBox().checked).toBe(false);
    expect(target.textContent).toContain('retro cards carry their authors\' names');
    startButton().click();
    await settle();
    expect(roomsCreated()).toEqual([{ title: '', showNames: false, pack: 'building-trust' }]);
    expect(assign).toHaveBeenCalledWith('/host/K7QX2M');
    namesBox().click();
    flushSync();
    startButton().click();
    await settle();
    expect(roomsCreated()[1]).toEqual({ title: '', showNames: true, pack: 'building-trust' });
  });

  it('hides names unless the trainer chooses to show them (a pack\'s page)', async () => {
    await render(PackView, { id: 'building-trust' });
    expect(namesBox().checked).toBe(false);
    startButton().click();
    await settle();
    expect(roomsCreated()).toEqual([{ title: '', showNames: false, pack: 'building-trust' }]);
    namesBox().click();
    flushSync();
    startButton().click();
    await settle();
    expect(roomsCreated()[1].showNames).toBe(true);
  });
});

describe('the page a new room or a duplicated pack opens on', () => {
  const mountPage = (component: any, props: object) => {
    unmount(app);
    target.replaceChildren();
    app = mount(component, { target, props });
    flushSync();
  };
  const host = { roomId: 'r1', code: 'K7QX2M', secret: 's', facilitatorId: 'f', title: 'Building trust', joinUrl: 'http://h/j/K7QX2M', createdAt: 0 };

  it("focuses the room's title in the console after Start a room", async () => {
    vi.stubGlobal('WebSocket', FakeWS);
    await render(Library);
    startButton().focus();
    startButton().click();
    await settle();
    expect(assign).toHaveBeenCalledWith('/host/K7QX2M');
    mountPage(Console, { host });
    const h1 = target.querySelector('h1')!;
    expect(h1.textContent).toBe('Building trust');
    expect(document.activeElement).toBe(h1);
    // Only once, and only for that room: opened again, the console leaves the focus alone.
    mountPage(Console, { host });
    expect(document.activeElement).not.toBe(target.querySelector('h1'));
  });

  it("focuses the copy's editor heading after Duplicate", async () => {
    fetchMock.mockImplementation(async (url: string, init?: RequestInit) => {
      if (url === '/api/packs/building-trust/duplicate' && init?.method === 'POST') return new Response(JSON.stringify(copy), { status: 201 });
      if (url === '/api/packs') return new Response(JSON.stringify([trust]));
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 });
    });
    const copy = { summary: { ...trust, id: 'building-trust-copy', title: 'Building trust (copy)', builtin: false, source: 'library', version: 'v1' },
      pack: { schema: 1, id: 'building-trust-copy', title: 'Building trust (copy)', exercises: [] } };
    await render(Library);
    const dup = [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Duplicate to adapt') as HTMLButtonElement;
    dup.focus();
    dup.click();
    await settle();
    expect(assign).toHaveBeenCalledWith('/library/building-trust-copy/edit');
    mountPage(PackEditor, { id: 'building-trust-copy', initial: copy });
    const h1 = target.querySelector('h1')!;
    expect(h1.textContent).toBe('Edit “Building trust (copy)”');
    expect(document.activeElement).toBe(h1);
  });
});

describe('importing a pack file', () => {
  async function pick(file: File) {
    const input = target.querySelector('#import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
  }
  const imports = () => (fetchMock.mock.calls as unknown as [string, RequestInit][]).filter(([u, i]) => u.startsWith('/api/packs') && i?.method === 'POST');

  it('says a file over 1 MB is too big, by its name, without sending it', async () => {
    await render(Library);
    await pick(new File(['x'.repeat((1 << 20) + 1)], 'big.yaml'));
    expect(target.querySelector('[data-testid=import-error]')?.textContent).toContain('big.yaml was not imported: it is 1,025 KB, and a pack file is at most 1,024 KB.');
    expect(imports()).toHaveLength(0);
  });

  it('takes a .json file, and says where each problem is in words, by the exercise titles in the file', async () => {
    await render(Library);
    const input = target.querySelector('#import-file') as HTMLInputElement;
    expect(input.accept.split(',')).toContain('.json');
    expect(target.querySelector('#import-hint')!.textContent).toContain('JSON');
    const pack = { schema: 1, id: 'qa', title: 'QA', exercises: [{ kind: 'poll', title: 'Lunch', questions: [{ kind: 'choice', options: [] }] }] };
    const field = 'exercises[0].questions[0].options[3].label';
    fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify({ error: { code: 'invalid', message: 'label', field,
      problems: [{ field, message: 'an option label is 1 to 80 characters' }] } }), { status: 400 }));
    // As the API answers a pack, wrapped: the titles are read inside.
    await pick(new File([JSON.stringify({ pack })], 'qa.json', { type: 'application/json' }));
    const box = target.querySelector('[data-testid=import-error]')!;
    expect(box.querySelector('li')!.textContent).toBe('Exercise 1 “Lunch”, question 1, option 4: an option label is 1 to 80 characters');
    expect(box.querySelector('code')).toBeNull();
  });

  // The id taken is the one the server read, in its answer: guessed here
  // from the file, it was “” for a pack wrapped as "pack:" in YAML, or
  // JSON with a "," before a "}".
  it('names the id taken as the server says it, and replaces that pack', async () => {
    await render(Library);
    const taken = (id: string) => async () => new Response(JSON.stringify({ error: { code: 'conflict',
      message: `there is already a pack “${id}”`, field: 'id', value: id } }), { status: 409 });
    for (const text of ['pack:\n  schema: 1\n  id: qa-pack\n  title: QA\n', '{"schema": 1, "id": "qa-pack", "title": "QA", "exercises": [{"kind": "words", "title": "W",},],}']) {
      fetchMock.mockImplementationOnce(taken('qa-pack'));
      await pick(new File([text], 'qa.yaml'));
      const box = target.querySelector('[data-testid=import-conflict]')!;
      expect(box.textContent).toContain('A pack with the id “qa-pack” is already in the library.');
    }
    const entry = { summary: { ...trust, id: 'qa-pack', title: 'QA', builtin: false, source: 'library', version: '2' }, pack: { schema: 1, id: 'qa-pack', title: 'QA', exercises: [] } };
    fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify(entry), { status: 201 }));
    const replace = [...target.querySelectorAll('[data-testid=import-conflict] button')].find((b) => b.textContent?.trim() === 'Replace it') as HTMLButtonElement;
    replace.click();
    await settle();
    expect(imports().at(-1)![0]).toBe('/api/packs?replace=1');
    expect(target.querySelector('[data-testid=import-conflict]')).toBeNull();
    expect(target.textContent).toContain('QA');
    // A built-in's id: no Replace, the built-in is named.
    fetchMock.mockImplementationOnce(taken('building-trust'));
    await pick(new File(['{"pack": {"id": "building-trust", "title": "T"}}'], 'trust.json'));
    const box = target.querySelector('[data-testid=import-conflict]')!;
    expect(box.textContent).toContain('“building-trust” is the id of a built-in pack.');
    expect(box.querySelector('button')).toBeNull();
  });

  // Read as text here, a Latin-1 "Café rétro" was imported as "Caf� r�tro",
  // and one with three accents or more called "not a pack file": the
  // server is sent the file's bytes, and says what it says of the file
  // elsewhere (`huddle packs validate`), at its line.
  it('sends a file as its bytes, and shows what the server says of one not in UTF-8', async () => {
    await render(Library);
    const notUTF8 = 'the file is not UTF-8 text: save it as UTF-8 (this line has its first character that is not, such as an “é” saved as Latin-1)';
    const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    for (const title of ['Café rétro', 'Café rétro à l\'été']) {
      const bytes = latin1(`schema: 1\nid: latin\ntitle: ${title}\nexercises:\n  - kind: words\n    title: Mot\n`);
      fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify({ error: { code: 'invalid', message: notUTF8,
        problems: [{ line: 3, message: notUTF8 }] } }), { status: 400 }));
      await pick(new File([bytes], 'latin1.yaml'));
      const [, init] = imports().at(-1)!;
      expect(new Uint8Array(await (init.body as Blob).arrayBuffer())).toEqual(bytes);
      expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/yaml');
      const box = target.querySelector('[data-testid=import-error]')!;
      expect(box.textContent).toContain('latin1.yaml was not imported:');
      expect(box.querySelector('li')!.textContent).toContain(`line 3`);
      expect(box.querySelector('li')!.textContent).toContain(notUTF8);
      expect(box.textContent).not.toContain('not a pack file');
    }
    expect(imports()).toHaveLength(2);
  });

  it('sends a UTF-16 file with its byte order mark, which the server reads, though it holds zero bytes', async () => {
    await render(Library);
    const text = 'schema: 1\nid: wide\ntitle: Wide\nexercises:\n  - kind: words\n    title: Mot\n';
    const bytes = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const wide = { ...trust, id: 'wide', title: 'Wide', builtin: false, source: 'library', version: '1' };
    fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify({ summary: wide, pack: { schema: 1, id: 'wide', title: 'Wide', exercises: [] } }), { status: 201 }));
    await pick(new File([bytes], 'utf16.yaml'));
    expect(imports()).toHaveLength(1);
    expect(new Uint8Array(await (imports()[0][1].body as Blob).arrayBuffer())).toEqual(bytes);
    expect(target.textContent).not.toContain('not a pack file');
    expect(target.textContent).toContain('Wide');
  });

  it('says a picture is not a pack file, without sending it', async () => {
    await render(Library);
    await pick(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0xff, 0xfe, 0xfd, 0xfc])], 'photo.png'));
    expect(target.querySelector('[data-testid=import-error]')?.textContent).toContain('photo.png was not imported: it is not a pack file');
    expect(imports()).toHaveLength(0);
  });
});

describe('the library from another machine, with no host key', () => {
  it('says why and offers nothing that cannot work', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'local_only', message: 'no host key' } }), { status: 403 })));
    await render(Library);
    expect(target.querySelector('[data-testid=local-only]')?.textContent).toContain('open only on the computer it runs on');
    expect(target.querySelector('[data-testid=import]')).toBeNull();
    expect([...target.querySelectorAll('a')].some((a) => a.textContent?.includes('New pack'))).toBe(false);
  });
});

describe('the library on a server with a host key', () => {
  it('offers the host key prompt again after it was cancelled, with the focus on its button', async () => {
    const HostKeyPrompt = (await import('./HostKeyPrompt.svelte')).default;
    needsKey([trust]);
    await render(Library);
    const prompt = mount(HostKeyPrompt, { target });
    await cancelThenEnterKey(target, settle);
    expect([...target.querySelectorAll('[data-testid=pack]')].map((e) => e.getAttribute('data-pack'))).toEqual(['building-trust']);
    unmount(prompt);
  });

  it("offers it again on a pack's page, which shows the pack once the key is in", async () => {
    const HostKeyPrompt = (await import('./HostKeyPrompt.svelte')).default;
    needsKey({ summary: trust, pack: { schema: 1, id: trust.id, title: trust.title, exercises: [{ kind: 'words', title: 'Check-in' }] } });
    await render(PackView, { id: 'building-trust' });
    const prompt = mount(HostKeyPrompt, { target });
    await cancelThenEnterKey(target, settle);
    expect(target.querySelector('h1')!.textContent).toBe('Building trust');
    expect(target.querySelector('[data-testid=pack-exercises]')!.textContent).toContain('Check-in');
    unmount(prompt);
  });
});

// Chromium blurs a control disabled under the focus, and one that goes:
// the keyboard started again at the top of the library (WCAG 2.4.3).
describe('the library keeps the focus', () => {
  const own = (id: string, title: string): PackSummary => ({ ...trust, id, title, builtin: false, source: 'library', version: 'v1' });
  const click = (b: Element) => b.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));

  it('on Export YAML while it exports, and on the next pack\'s Delete once one is deleted', async () => {
    let packs = [own('a', 'Alpha'), own('b', 'Beta'), trust];
    let release!: () => void;
    fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/packs') return new Response(JSON.stringify(packs));
      if (url.endsWith('/yaml') || url.includes('format=yaml')) {
        await new Promise<void>((r) => (release = r));
        return new Response('id: a', { headers: { 'Content-Disposition': 'attachment; filename="a.yaml"' } });
      }
      if (init?.method === 'DELETE') {
        packs = packs.filter((p) => !url.includes(`/${p.id}`) || p.builtin);
        return new Response(null, { status: 204 });
      }
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 });
    });
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('confirm', () => true);
    await render(Library);
    const card = (id: string) => target.querySelector(`[data-pack="${id}"]`)!;
    const named = (id: string, words: string) => [...card(id).querySelectorAll('button')].find((b) => b.textContent!.trim() === words) as HTMLButtonElement;

    const exp = named('a', 'Export YAML');
    exp.focus();
    click(exp);
    flushSync();
    expect(exp.disabled).toBe(false);
    expect(exp.getAttribute('aria-disabled')).toBe('true');
    expect(named('a', 'Delete').disabled).toBe(false);
    if (release) release();
    await settle();

    const del = named('a', 'Delete');
    del.focus();
    click(del);
    await settle();
    await settle();
    expect(target.querySelector('[data-pack="a"]')).toBeNull();
    expect(document.activeElement).toBe(named('b', 'Delete'));
  });

  it('on the file box while a pack file is imported', async () => {
    await render(Library);
    let release!: (r: Response) => void;
    fetchMock.mockImplementationOnce(() => new Promise<Response>((r) => (release = r)));
    const input = target.querySelector('#import-file') as HTMLInputElement;
    input.focus();
    Object.defineProperty(input, 'files', { value: [new File(['id: qa'], 'qa.yaml')], configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(input.disabled).toBe(false);
    expect(input.getAttribute('aria-disabled')).toBe('true');
    const again = new MouseEvent('click', { bubbles: true, cancelable: true });
    input.dispatchEvent(again);
    expect(again.defaultPrevented).toBe(true); // no second file meanwhile
    release(new Response(JSON.stringify({ error: { code: 'invalid', message: 'bad' } }), { status: 400 }));
    await settle();
    expect(input.hasAttribute('aria-disabled')).toBe(false);
  });
});
