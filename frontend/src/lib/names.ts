// People's names in the order people expect of a list: numbers inside a
// name by their value ("Bot 2" before "Bot 10"), and letters whatever
// their case or accents ("anna" beside "Anna", "Émile" among the Es).
import { t } from './strings';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two names for sorting a list of people. */
export const compareNames = (a: string, b: string): number => collator.compare(a, b);

// Two people may join with the same name (there are no accounts). A list
// that shows them tells them apart by a short number drawn from each one's
// member id ("Sam #4821"): the id is what every screen that lists people
// is given, and it never changes, so the number is the same on every
// screen, after a reload, and whoever else joins or leaves. (The protocol
// carries no join order, and numbering the Sams 1, 2, 3 by anything else
// would renumber them as Sams come and go, or give two people "Sam (2)"
// on two screens that know a different set of people.)

/**
 * A name as it is compared for telling people apart: "sam", "Sam " and
 * "S am" are one name, as the server's exports have it (exercises/export.go
 * nameKey; both are tested on exercises/testdata/name-keys.json): NFKC,
 * white space as Go's (with U+0085) and the invisible characters dropped,
 * "İ" to "i" (toLowerCase would add a combining dot) and a Greek sigma
 * "σ" wherever it stands (toLowerCase makes a capital one final by context).
 */
export const nameKey = (name: string): string =>
  name
    .normalize('NFKC')
    .replace(/\u0130/gu, 'i')
    .toLowerCase()
    .replace(/ς/gu, 'σ')
    .replace(/[\p{White_Space}\u200b-\u200d\u2060\ufeff]+/gu, '');

/** FNV-1a, 32 bits: the same number from the same id everywhere. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const tagOf = (id: string, digits: number) => String(idHash(id) % 10 ** digits).padStart(digits, '0');

/**
 * The number each person is told apart by, for those whose name
 * (nameKey) is shared by someone else in `people`; absent for the others.
 * Four digits, more in the rare group whose four would be the same. An id
 * listed twice (a member and a kudo to them) is one person.
 */
export function sameNameTags(people: Iterable<{ id: string; name: string }>): Map<string, string> {
  const groups = new Map<string, Set<string>>();
  for (const p of people) {
    const k = nameKey(p.name);
    const g = groups.get(k);
    if (g) g.add(p.id);
    else groups.set(k, new Set([p.id]));
  }
  const tags = new Map<string, string>();
  for (const ids of groups.values()) {
    if (ids.size < 2) continue;
    let digits = 4;
    while (digits < 10 && new Set([...ids].map((id) => tagOf(id, digits))).size < ids.size) digits++;
    for (const id of ids) tags.set(id, tagOf(id, digits));
  }
  return tags;
}

/** A person's name as a list shows it: with their number when it is shared. */
export const tagged = (name: string, tag: string | undefined): string => (tag ? t.people.tagged(name, tag) : name);

/** The people a kudos wall names, by the member ids its kudos carry: each
 *  recipient (`to`) and each named sender (`from`; an anonymous kudo
 *  carries no sender), with the name the kudo gave them. */
export const kudoPeople = (kudos: { to: string; toName?: string; from?: string; fromName?: string }[]): { id: string; name: string }[] =>
  kudos.flatMap((k) => [
    ...(k.to !== 'team' && k.toName ? [{ id: k.to, name: k.toName }] : []),
    ...(k.from && k.fromName ? [{ id: k.from, name: k.fromName }] : []),
  ]);
