// Mounting a component for one test: into a fresh element of the page,
// unmounted and removed when the test ends, whatever its outcome.
import { flushSync, mount, unmount } from 'svelte';
import { onTestFinished } from 'vitest';

export function show(component: any, props: Record<string, any> = {}): HTMLElement {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const app = mount(component, { target, props });
  onTestFinished(() => {
    unmount(app);
    target.remove();
  });
  flushSync();
  return target;
}
