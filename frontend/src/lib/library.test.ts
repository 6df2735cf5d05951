import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import { library } from './library';
import { creds } from './storage';

type Call = [string, RequestInit];
let fetchMock: ReturnType<typeof vi.fn>;
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function answer(...responses: Response[]) {
  fetchMock = vi.fn(async () => responses.shift() ?? json({}));
  vi.stubGlobal('fetch', fetchMock);
}
const call = (i = 0) => fetchMock.mock.calls[i] as unknown as Call;
const headers = (i = 0) => (call(i)[1].headers ?? {}) as Record<string, string>;

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

const entry = { summary: { id: 'team-trust', title: 'Team trust', version: 'v2' }, pack: { id: 'team-trust', title: 'Team trust', exercises: [] } };

describe('library API', () => {
  it('lists packs without a host key, and with the remembered one as a Bearer token', async () => {
    answer(json([]), json([]));
    await library.packs();
    expect(call()[0]).toBe('/api/packs');
    expect(headers().Authorization).toBeUndefined();
    creds.setHostKey('s3cret');
    await library.packs();
    expect(headers(1).Authorization).toBe('Bearer s3cret');
  });

  it('creates a room from a pack, with the host key', async () => {
    creds.setHostKey('k');
    answer(json({ room: { id: 'r', code: 'K7QX2M', title: 'Building trust' }, facilitator: { id: 'f', secret: 's' } }, 201));
    const r = await library.createRoom('', true, 'building-trust');
    expect(call()[0]).toBe('/api/rooms');
    expect(call()[1].method).toBe('POST');
    expect(JSON.parse(call()[1].body as string)).toEqual({ title: '', showNames: true, pack: 'building-trust' });
    expect(headers().Authorization).toBe('Bearer k');
    expect(r.facilitator.secret).toBe('s');
  });

  it('leaves the pack out of a blank room', async () => {
    answer(json({ room: {}, facilitator: {} }, 201));
    await library.createRoom('Retro', false);
    expect(JSON.parse(call()[1].body as string)).toEqual({ title: 'Retro', showNames: false });
  });

  it('gets, creates, edits with the version, duplicates and deletes packs', async () => {
    answer(json(entry), json(entry, 201), json(entry), json(entry), json(entry, 201), new Response(null, { status: 204 }));
    await library.pack('team-trust');
    await library.createPack(entry.pack);
    await library.updatePack('team-trust', entry.pack, 'v2');
    await library.updatePack('team-trust', entry.pack);
    await library.duplicatePack('building-trust');
    await expect(library.deletePack('team-trust', 'v 3')).resolves.toBeUndefined();
    const c = fetchMock.mock.calls as unknown as Call[];
    expect(c.map(([u, i]) => `${i.method} ${u}`)).toEqual([
      'GET /api/packs/team-trust',
      'POST /api/packs',
      'PUT /api/packs/team-trust',
      'PUT /api/packs/team-trust',
      'POST /api/packs/building-trust/duplicate',
      'DELETE /api/packs/team-trust?version=v%203',
    ]);
    expect(JSON.parse(c[1][1].body as string)).toEqual({ pack: entry.pack });
    expect(JSON.parse(c[2][1].body as string)).toEqual({ pack: entry.pack, version: 'v2' });
    expect(JSON.parse(c[3][1].body as string)).toEqual({ pack: entry.pack });
    expect(JSON.parse(c[4][1].body as string)).toEqual({});
  });

  it('imports a YAML file as it is, and replaces on request', async () => {
    answer(json(entry, 201), json(entry, 201));
    await library.importPack('schema: 1\nid: x\n');
    await library.importPack('schema: 1\nid: x\n', true);
    expect(call()[0]).toBe('/api/packs');
    expect(call(1)[0]).toBe('/api/packs?replace=1');
    expect(headers()['Content-Type']).toBe('application/yaml');
    expect(call()[1].body).toBe('schema: 1\nid: x\n');
  });

  it('carries validation problems with their lines and fields', async () => {
    const problems = [{ line: 12, field: 'exercises[1].questions[0].options', message: 'a choice question needs 2 to 20 options' }];
    answer(json({ error: { code: 'invalid', message: 'bad', field: problems[0].field, problems } }, 400));
    const err = (await library.importPack('x').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('invalid');
    expect(err.status).toBe(400);
    expect(err.problems).toEqual(problems);
  });

  it('says host_key when the server wants its key', async () => {
    answer(json({ error: { code: 'host_key', message: 'needs the host key' } }, 401));
    await expect(library.sessions()).rejects.toMatchObject({ code: 'host_key', status: 401 });
  });

  it('downloads results with the facilitator secret and the file name the server gives', async () => {
    answer(new Response('title,kind\n', { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="huddle-K7QX2M-results.csv"' } }));
    const f = await library.results('room-1', 'facilitator-secret', 'csv');
    expect(call()[0]).toBe('/api/rooms/room-1/results?format=csv');
    expect(headers().Authorization).toBe('Bearer facilitator-secret');
    expect(f.filename).toBe('huddle-K7QX2M-results.csv');
    expect(f.type).toContain('text/csv');
    expect(await f.blob.text()).toBe('title,kind\n');
  });

  it('saves a room agenda as a pack with the facilitator secret, not the host key', async () => {
    creds.setHostKey('host');
    answer(json(entry, 201));
    await library.saveAgenda('room-1', 'sec', { title: 'Trust, take 2' });
    expect(call()[0]).toBe('/api/rooms/room-1/pack');
    expect(headers().Authorization).toBe('Bearer sec');
    expect(JSON.parse(call()[1].body as string)).toEqual({ title: 'Trust, take 2' });
  });

  it('keeps a room\'s results as a session with the facilitator\'s secret, not the host key', async () => {
    creds.setHostKey('host');
    answer(json({ id: 'room-1', code: 'K7QX2M' }, 201), json({ error: { code: 'invalid', message: 'this server keeps no results' } }, 400));
    const s = await library.keepSession('room-1', 'sec');
    expect(call()[0]).toBe('/api/rooms/room-1/session');
    expect(call()[1].method).toBe('POST');
    expect(headers().Authorization).toBe('Bearer sec');
    expect(s.id).toBe('room-1');
    await expect(library.keepSession('room-1', 'sec')).rejects.toMatchObject({ code: 'invalid', status: 400 });
  });

  it('exports a pack as YAML, with a name even without Content-Disposition', async () => {
    answer(new Response('schema: 1\n', { status: 200, headers: { 'Content-Type': 'application/yaml; charset=utf-8' } }));
    const f = await library.packYaml('team-trust');
    expect(call()[0]).toBe('/api/packs/team-trust?format=yaml');
    expect(f.filename).toBe('team-trust.yaml');
  });

  it('lists, downloads, deletes and compares sessions', async () => {
    answer(json([]), json([]), new Response('# md', { headers: { 'Content-Disposition': 'attachment; filename="s.md"' } }),
      new Response(null, { status: 204 }), json({ a: {}, b: {}, exercises: [] }), new Response('# cmp'));
    await library.sessions();
    await library.sessions('team-trust');
    const f = await library.sessionFile('s1', 'md');
    await library.deleteSession('s1');
    await library.compare('s1', 's2');
    await library.compareFile('s1', 's2');
    const c = fetchMock.mock.calls as unknown as Call[];
    expect(c.map(([u, i]) => `${i.method} ${u}`)).toEqual([
      'GET /api/sessions',
      'GET /api/sessions?pack=team-trust',
      'GET /api/sessions/s1?format=md',
      'DELETE /api/sessions/s1',
      'GET /api/compare?a=s1&b=s2&format=json',
      'GET /api/compare?a=s1&b=s2&format=md',
    ]);
    expect(f.filename).toBe('s.md');
  });

  it('turns a failed connection into a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
    await expect(library.packs()).rejects.toMatchObject({ code: 'network' });
  });
});
