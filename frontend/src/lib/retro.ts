import type { RetroCardView, RetroGroup, RetroItem, RetroView } from './types';

/** The text that names a votable item: a group's title or a card's text. */
export function itemLabel(v: RetroView, it: { id: string; kind: string }): string {
  if (it.kind === 'group') return v.groups.find((g) => g.id === it.id)?.title ?? '';
  return v.cards.find((c) => c.id === it.id)?.text ?? '';
}

/** The cards of an item: a group's cards, or the card itself. */
export function itemCards(v: RetroView, it: RetroItem): RetroCardView[] {
  if (it.kind === 'group') {
    const g = v.groups.find((x) => x.id === it.id);
    return (g?.cards ?? []).map((id) => v.cards.find((c) => c.id === id)).filter((c): c is RetroCardView => !!c);
  }
  const c = v.cards.find((x) => x.id === it.id);
  return c ? [c] : [];
}

export function groupOf(v: RetroView, card: string): RetroGroup | undefined {
  return v.groups.find((g) => g.cards.includes(card));
}

/** The columns an item's cards are in, in the board's column order: a
 *  card's own, and for a group every column its cards span. */
export function itemColumns(v: RetroView, it: RetroItem): string[] {
  const cols = new Set(itemCards(v, it).map((c) => c.column));
  return v.columns.map((c) => c.id).filter((id) => cols.has(id));
}

/** The titles of those columns, to label the item with. */
export function itemColumnTitles(v: RetroView, it: RetroItem): string[] {
  return itemColumns(v, it).map((id) => columnTitle(v, id));
}

export function columnTitle(v: RetroView, id: string): string {
  return v.columns.find((c) => c.id === id)?.title ?? id;
}

/**
 * The dots deleting a card takes off the board once the totals have been
 * shown (docs/protocol.md 8.7, "Dots after the totals"): the dots on the
 * card itself, and, when it is the only card of its group, the group's
 * whole total, since the group goes with it. 0 before the totals.
 */
export function dotsLostWith(v: RetroView, card: string): number {
  const c = v.cards.find((x) => x.id === card);
  if (!c) return 0;
  const g = c.group ? v.groups.find((x) => x.id === c.group) : undefined;
  const item = g ? (g.cards.length === 1 ? g.id : '') : c.id;
  const total = item ? v.items.find((it) => it.id === item)?.dots : undefined;
  return total ?? c.dots ?? 0;
}
