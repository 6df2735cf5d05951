import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareNames, kudoPeople, nameKey, sameNameTags, tagged } from './names';

describe('compareNames', () => {
  // Sorted as text, a room of numbered names read Bot 0, Bot 1, Bot 10,
  // Bot 11, ... Bot 2.
  it('puts numbers inside names in their order, and ignores case', () => {
    const names = ['Bot 10', 'bot 2', 'Bot 1', 'Ann', 'Bot 11', 'ann b', 'Bot 0'];
    expect(names.sort(compareNames)).toEqual(['Ann', 'ann b', 'Bot 0', 'Bot 1', 'bot 2', 'Bot 10', 'Bot 11']);
  });
});

describe('people of the same name', () => {
  const p = (id: string, name: string) => ({ id, name });

  it('compares names whatever their case and spaces', () => {
    expect(nameKey(' Sam ')).toBe(nameKey('sam'));
    expect(nameKey('Ann  Lee')).toBe(nameKey('ann lee'));
    expect(nameKey('AnnLee')).toBe(nameKey('Ann Lee'));
    expect(nameKey('Sam')).not.toBe(nameKey('Sami'));
  });

  // The cases the server's exports are tested on too
  // (exercises/nfkc_test.go): "İpek" and "ΝΙΚΟΣ" were one name to the
  // lists and two to the exports, so an export numbered one Nikos where
  // the console tagged both, or the other way round.
  it('keys names as the server\'s exports do', () => {
    const file = join(__dirname, '..', '..', '..', 'exercises', 'testdata', 'name-keys.json');
    const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: { in: string; want: string }[] };
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(nameKey(c.in), c.in).toBe(c.want);
  });

  it('gives a number to each of those who share a name, and none to the others', () => {
    const tags = sameNameTags([p('a1', 'Sam'), p('b2', 'SAM'), p('c3', 'Ann'), p('d4', 'S am')]);
    expect([...tags.keys()].sort()).toEqual(['a1', 'b2', 'd4']);
    for (const tag of tags.values()) expect(tag).toMatch(/^\d{4}$/);
    expect(new Set(tags.values()).size).toBe(3);
    expect(tagged('Sam', tags.get('a1'))).toBe(`Sam\u00a0#${tags.get('a1')}`);
    expect(tagged('Ann', tags.get('c3'))).toBe('Ann');
  });

  // Every screen, and the same screen after a reload, shows a person the
  // same way, whoever else is listed and in whatever order: the number is
  // their member id's.
  it("keeps each one's number whatever the order and whoever else joins or leaves", () => {
    const two = sameNameTags([p('a1', 'Sam'), p('b2', 'Sam')]);
    const reordered = sameNameTags([p('b2', 'Sam'), p('x', 'Zoe'), p('a1', 'Sam')]);
    const three = sameNameTags([p('c3', 'SAM'), p('a1', 'Sam'), p('b2', 'Sam')]);
    expect(reordered.get('a1')).toBe(two.get('a1'));
    expect(three.get('a1')).toBe(two.get('a1'));
    expect(three.get('b2')).toBe(two.get('b2'));
  });

  it('counts one person listed twice once', () => {
    expect(sameNameTags([p('a1', 'Sam'), p('a1', 'Sam')]).size).toBe(0);
  });

  // m209 and m762 have the same four digits (2329).
  it('gives more digits to a group whose four would be the same', () => {
    const tags = sameNameTags([p('m209', 'Sam'), p('m762', 'Sam')]);
    expect(tags.get('m209')).not.toBe(tags.get('m762'));
    expect(tags.get('m209')).toMatch(/^\d{5}$/);
    expect(sameNameTags([p('m209', 'Sam'), p('x', 'Sam')]).get('m209')).toBe('2329');
  });
});

describe('kudoPeople', () => {
  it('lists the recipients and the named senders a wall identifies, never the team or an anonymous sender', () => {
    expect(kudoPeople([
      { to: 'b', toName: 'Sam', from: 'a', fromName: 'Sam' },
      { to: 'team', from: 'c', fromName: 'Ann' },
      { to: 'a', toName: 'Sam' }, // anonymous: no sender
      { to: 'team', fromName: 'Bo' }, // kept before "from": a name only
    ])).toEqual([{ id: 'b', name: 'Sam' }, { id: 'a', name: 'Sam' }, { id: 'c', name: 'Ann' }, { id: 'a', name: 'Sam' }]);
  });
});
