// The order a phone wrote its own retro cards in. The server lists a
// person's cards (snapshot "mine") by card id, which is random: the store
// keeps no order of who wrote what (docs/redis.md, "No order"; an order
// of anonymous cards could line them up with who was seen writing). The
// private retro.card events arrive in write order, so the phone keeps
// that order here, in this browser, where a reload finds it again.
const KEY = 'huddle:cardorder';
/** Retros remembered, the latest first; and cards per retro. */
const MAX_RETROS = 20;
const MAX_CARDS = 1000;

type Kept = { k: string; ids: string[] }[];

function read(): Kept {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((e) => e && typeof e.k === 'string' && Array.isArray(e.ids)) : [];
  } catch {
    return [];
  }
}

/** The card ids of retro `key` (member and exercise) in write order, as far as this browser saw them written. */
export function cardOrder(key: string): string[] {
  return read().find((e) => e.k === key)?.ids ?? [];
}

/** Keeps ids as the write order of retro `key`. */
export function keepCardOrder(key: string, ids: string[]): void {
  try {
    const rest = read().filter((e) => e.k !== key);
    localStorage.setItem(KEY, JSON.stringify([{ k: key, ids: ids.slice(-MAX_CARDS) }, ...rest].slice(0, MAX_RETROS)));
  } catch {
    /* storage full or disabled: the order lives only on the page */
  }
}

/** Forgets the orders of every retro of `member` (the keys "MEMBER:EXERCISE"):
 *  the console's test participant, once it leaves or its room is removed
 *  from /host's list. Another member's, on the same exercises, stay. */
export function forgetCardOrders(member: string): void {
  if (!member) return;
  try {
    const all = read();
    const rest = all.filter((e) => !e.k.startsWith(`${member}:`));
    if (rest.length === all.length) return;
    if (rest.length) localStorage.setItem(KEY, JSON.stringify(rest));
    else localStorage.removeItem(KEY);
  } catch {
    /* storage disabled: nothing was kept */
  }
}

/** The order with the ids of cards it does not hold yet added, in the order cards gives them. */
export function withNewCards(order: string[], cards: { id: string }[]): string[] {
  const known = new Set(order);
  const fresh = cards.filter((c) => !known.has(c.id)).map((c) => c.id);
  return fresh.length ? [...order, ...fresh] : order;
}

/** cards in write order: those the order holds by it, any others after, as given. */
export function inWriteOrder<T extends { id: string }>(cards: T[], order: string[]): T[] {
  const at = new Map(order.map((id, i) => [id, i]));
  const pos = (c: T, i: number) => at.get(c.id) ?? order.length + i;
  return cards.map((c, i) => [c, pos(c, i)] as const).sort((a, b) => a[1] - b[1]).map(([c]) => c);
}
