import { onTestFinished, vi } from 'vitest';

// jsdom lays nothing out: each item of a list ends 100 px below the last
// (for the test that calls it).
export function stackedItems() {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const i = this.parentElement ? [...this.parentElement.children].indexOf(this) : 0;
    return { top: i * 100, bottom: (i + 1) * 100, left: 0, right: 100, width: 100, height: 100, x: 0, y: i * 100, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
}
