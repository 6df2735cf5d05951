// Where a pack's problem is, in words (docs/protocol.md 2.9.1: a
// problem's field is its path in the pack, exercises[0].questions[1]…):
// "Exercise 1 “Lunch”, question 2, option 4". The path itself stays the
// API's, for scripts; people read the place.
import { t } from '../lib/strings-console';

/**
 * A problem's place from its field path; titleOf names an exercise by its
 * index (the pack as it was sent). within: an exercise's own list, where
 * the exercise goes without saying. "" for the pack's own fields (their
 * messages name them) or a path not understood.
 */
export function problemPlace(field: string, titleOf?: (i: number) => string | undefined, within = false): string {
  const parts: string[] = [];
  for (const m of field.matchAll(/([A-Za-z]+)\[(\d+)\]/g)) {
    const n = Number(m[2]) + 1;
    switch (m[1]) {
      case 'exercises':
        if (!within) parts.push(t.lib.problemExercise(n, titleOf?.(n - 1)?.trim() ?? ''));
        break;
      case 'questions': parts.push(t.lib.problemQuestion(n)); break;
      case 'options': parts.push(t.lib.problemOption(n)); break;
      case 'columns': parts.push(t.lib.problemColumn(n)); break;
    }
  }
  const s = parts.join(', ');
  return s && s[0].toUpperCase() + s.slice(1);
}

/**
 * A pack file's exercise titles before the server reads it, for where its
 * problems are: from JSON (as the API answers a pack, or wrapped in
 * {"pack": …}); none from YAML (its problems carry their lines). Nothing
 * else is guessed from the file: what the server read is in its answer
 * (the id taken, in a conflict's value).
 */
export function packFileTitles(text: string): string[] {
  try {
    const v = JSON.parse(text);
    const p = v && typeof v === 'object' && v.pack && typeof v.pack === 'object' ? v.pack : v;
    return Array.isArray(p?.exercises) ? p.exercises.map((e: any) => (typeof e?.title === 'string' ? e.title : '')) : [];
  } catch {
    return [];
  }
}
