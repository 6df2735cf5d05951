import { describe, expect, it } from 'vitest';
import HelpBoard from './HelpBoard.svelte';
import { show } from '../test/mount';

describe('the help board of the projector and console', () => {
  it("wraps an asker's long name as user text, whatever its width", () => {
    const long = 'Maximilianalexandervonhohenzollernsigmar';
    const target = show(HelpBoard, { view: { exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 },
      requests: [{ id: 'r1', title: 'Flaky tests', tags: [], status: 'open', anonymous: false, authorName: long, offers: [] }] } });
    const meta = [...target.querySelectorAll('p')].find((p) => p.textContent!.includes(long))!;
    expect(meta.classList.contains('user-text')).toBe(true);
  });
});
