// Drafts of what is not sent yet, per tab (lib/drafts.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { clearDrafts, isPhoneDraft, loadDraft, saveDraft } from './drafts';

afterEach(() => sessionStorage.clear());

describe('drafts', () => {
  it("a person's leaving clears the phone's drafts, not the console's nor anything else kept in the tab", () => {
    const phone = ['vote:e1', 'card:r1', 'action:r1', 'help:h1', 'offer:h1', 'step:h1', 'kudos:k1'];
    for (const k of phone) saveDraft(k, { text: k });
    saveDraft('add:room1', { title: 'Sprint 14' });
    sessionStorage.setItem('huddle:pending:p:ABCDEF', '[]');
    clearDrafts(isPhoneDraft);
    for (const k of phone) expect(loadDraft(k)).toBeNull();
    expect(loadDraft('add:room1')).toEqual({ title: 'Sprint 14' });
    expect(sessionStorage.getItem('huddle:pending:p:ABCDEF')).toBe('[]');
  });
});
