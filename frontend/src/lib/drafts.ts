// What has been chosen or typed and not yet sent, kept in this tab's
// sessionStorage so that a reload (or a browser that discarded the tab
// while the phone was locked) does not lose it: a phone's answers, and
// the console's half-filled "Add an exercise" (host/SpecForm.svelte's
// draftKey, per room). Only the tab that typed it holds it, nothing
// else ever sees it; it is removed once the answer or exercise is taken.
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
