// The people a help board names, with their member ids (docs/protocol.md
// 8.8): named requesters and every helper. Two of the same name are told
// apart by the number every list of people shows them with (lib/names.ts,
// "Ann #2835"), the people the page knows counted too. An anonymous
// request names nobody, and has no id to count.
import { sameNameTags } from '../lib/names';
import type { HelpView } from '../lib/types';

export function helpTags(views: (HelpView | undefined)[], people: Iterable<{ id: string; name: string }> = []): Map<string, string> {
  const named = [...people];
  for (const v of views) {
    for (const r of v?.requests ?? []) {
      if (!r.anonymous && r.authorId) named.push({ id: r.authorId, name: r.authorName ?? '' });
      for (const o of r.offers) if (o.helperId) named.push({ id: o.helperId, name: o.helperName });
    }
  }
  return sameNameTags(named);
}
