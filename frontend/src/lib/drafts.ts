// What has been chosen or typed and not yet sent, kept in this tab's
// sessionStorage so that a reload (or a browser that discarded the tab
// while the phone was locked) does not lose it: a phone's answers, and
// the console's half-filled "Add an exercise" (host/SpecForm.svelte's
// draftKey, per room). Only the tab that typed it holds it, nothing
// else ever sees it; it is removed once the answer or exercise is taken.
// A phone may be shared: its drafts belong to the person in the room,
// and go when that person leaves it (clearDrafts(isPhoneDraft)), not
// when the same person joins again by itself after a bad token.
const PREFIX = 'huddle:draft:';

function store(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function loadDraft<T>(key: string): T | null {
  try {
    const v = store()?.getItem(PREFIX + key);
    return v ? (JSON.parse(v) as T) : null;
  } catch {
    return null;
  }
}

/** Keeps value under key; null (or nothing worth keeping) removes it. */
export function saveDraft(key: string, value: unknown): void {
  try {
    if (value == null) store()?.removeItem(PREFIX + key);
    else store()?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the draft lives only on the page */
  }
}

/** Removes every draft whose key which() picks. */
export function clearDrafts(which: (key: string) => boolean): void {
  try {
    const s = store();
    if (!s) return;
    const keys: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      if (k?.startsWith(PREFIX) && which(k.slice(PREFIX.length))) keys.push(k);
    }
    for (const k of keys) s.removeItem(k);
  } catch {
    /* storage disabled: nothing kept */
  }
}

/** A phone's draft: every one but the console's "Add an exercise"
 *  (host/AddExercise.svelte's `add:<room>`), so that a phone draft added
 *  later is cleared without being listed here. */
export const isPhoneDraft = (key: string) => !key.startsWith('add:');
